import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOwnedProcess } from '../owned-process.js';
import { generateTestClip } from '../samples/test-clip-generate.js';
import { FFMPEG, FFPROBE } from '../../test-support/media-test-kit.js';
import { jitSegmentName } from './jit-args.js';
import {
  startJitEncoder,
  type JitEncoderOptions,
  type JitExit,
  type JitSegmentEvent,
} from './jit-encoder.js';
import { probeKeyframes } from './keyframe-probe.js';
import { generateMkvTestClip } from '../samples/mkv-test-clip.js';
import { keyframeGrid, segmentGrid, type SegmentGrid } from './segment-grid.js';

const FRAME = 1 / 30;
const small = { mode: 'encode', height: 144, bitrate: 300_000, preset: 'ultrafast', codec: 'h264' } as const;
let dir = '';
const clips = { mp4: '', mkv: '', hevc: '', garbage: '', truncated: '' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-jit-enc-'));
  Object.assign(clips, {
    mp4: path.join(dir, 'av.mp4'),
    mkv: path.join(dir, 'h264.mkv'),
    hevc: path.join(dir, 'hevc.mkv'),
    garbage: path.join(dir, 'garbage.mkv'),
    truncated: path.join(dir, 'truncated.mp4'),
  });
  const clip = { ffmpegPath: FFMPEG, width: 320, height: 180 };
  await Promise.all([
    generateTestClip({ ...clip, out: clips.mp4, seconds: 12 }),
    generateMkvTestClip({ ...clip, out: clips.mkv, seconds: 12, gopSeconds: 1.5, codec: 'h264' }),
    generateMkvTestClip({ ...clip, out: clips.hevc, seconds: 6, codec: 'hevc' }),
    writeFile(clips.garbage, Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 251))),
  ]);
  // An upload cut short: MP4 without its moov (FFmpeg writes it last).
  const whole = await readFile(clips.mp4);
  await writeFile(clips.truncated, whole.subarray(0, Math.floor(whole.length * 0.4)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Packet {
  type: string;
  pts: number;
  end: number;
  key: boolean;
}

async function ffprobeJson(args: string[]): Promise<Record<string, unknown>> {
  const run = await runOwnedProcess({
    command: FFPROBE,
    args: ['-v', 'error', '-of', 'json', ...args],
    timeoutMs: 20_000,
    collectStdout: true,
  });
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

async function packets(file: string): Promise<Packet[]> {
  const json = await ffprobeJson(['-show_entries', 'packet=codec_type,pts_time,duration_time,flags', file]);
  return (json.packets as Record<string, string>[]).map((p) => ({
    type: p.codec_type!,
    pts: Number(p.pts_time),
    // Video packets carry no duration in these TS files (timestamps passed through): 1/30 s clips.
    end: Number(p.pts_time) + (Number(p.duration_time) || FRAME),
    key: p.flags?.startsWith('K') ?? false,
  }));
}

/** Video start and end (last packet's pts + duration) of a TS file. */
async function videoSpan(file: string): Promise<{ start: number; end: number; firstKey: boolean }> {
  const video = (await packets(file)).filter((p) => p.type === 'video');
  const first = video.reduce((a, b) => (b.pts < a.pts ? b : a));
  return { start: first.pts, end: Math.max(...video.map((p) => p.end)), firstKey: first.key };
}

async function formatSpan(file: string): Promise<{ start: number; end: number }> {
  const json = await ffprobeJson(['-show_entries', 'format=start_time,duration', file]);
  const format = json.format as Record<string, string>;
  return { start: Number(format.start_time), end: Number(format.start_time) + Number(format.duration) };
}

/** Runs an encoder to its end, watching the directory for partially visible segments meanwhile. */
async function runToEnd(
  opts: Omit<JitEncoderOptions, 'ffmpegPath'>,
  onSegment?: (ev: JitSegmentEvent, stop: () => Promise<void>) => void,
): Promise<{
  events: JitSegmentEvent[];
  exit: JitExit;
  firstProgress: number[];
  sizes: Map<string, number>;
}> {
  const events: JitSegmentEvent[] = [];
  const firstProgress: number[] = [];
  const sizes = new Map<string, number>();
  let stopFn: () => Promise<void> = async () => undefined;
  const encoder = startJitEncoder({
    ffmpegPath: FFMPEG,
    ...opts,
    onSegment: (ev) => {
      events.push(ev);
      onSegment?.(ev, stopFn);
    },
    onFirstProgress: (ms) => firstProgress.push(ms),
  });
  stopFn = () => encoder.stop();
  let done = false;
  const exited = encoder.exited.finally(() => (done = true));
  // One pass more after the exit: the last segment may be published between a pass and the exit.
  for (let last = false; !last;) {
    last = done;
    for (const name of await readdir(opts.outDir).catch(() => [] as string[])) {
      if (!name.startsWith('seg_') || sizes.has(name)) continue;
      const size = await stat(path.join(opts.outDir, name)).then(
        (s) => s.size,
        () => -1,
      );
      if (size >= 0) sizes.set(name, size);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return { events, exit: await exited, firstProgress, sizes };
}

describe('startJitEncoder, encode', () => {
  let grid: SegmentGrid;
  const first = path.join(tmpdir(), 'unused');
  let firstDir = first;

  it('writes every segment of a 12 s clip in order, atomically, each its grid range', async () => {
    grid = segmentGrid(12, 2);
    firstDir = path.join(dir, 'encode-0');
    const { events, exit, firstProgress, sizes } = await runToEnd({
      source: clips.mp4,
      outDir: firstDir,
      grid,
      startIndex: 0,
      video: small,
      audio: { mode: 'encode', bitrate: 64_000 },
    });
    expect(exit).toMatchObject({ reason: 'completed', code: 0, error: null, segments: 6 });
    expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(firstProgress).toHaveLength(1);
    expect(firstProgress[0]).toBeGreaterThan(0);
    expect(firstProgress[0]).toBeLessThan(events[0]!.generationMs);
    expect((await readdir(firstDir)).sort()).toEqual(events.map((e) => jitSegmentName(e.index)));

    const offset = (await videoSpan(path.join(firstDir, jitSegmentName(0)))).start;
    expect(offset).toBeCloseTo(1.4, 3); // the MPEG-TS muxer's default delay, the same in every run
    for (const ev of events) {
      const name = jitSegmentName(ev.index);
      // Seen by the directory poll at its final size, never growing: the rename is atomic.
      expect(sizes.get(name), name).toBe(ev.bytes);
      expect((await stat(ev.file)).size).toBe(ev.bytes);
      const span = await videoSpan(ev.file);
      const seg = grid.segments[ev.index]!;
      expect(span.firstKey, name).toBe(true);
      expect(span.start - offset, name).toBeCloseTo(seg.start, 3);
      expect(span.end - span.start, name).toBeCloseTo(seg.duration, 3);
    }
  });

  it('restarts at segment 4 after a kill, its timestamps continuing segment 3 of the first run', async () => {
    const outDir = path.join(dir, 'restart');
    const a = await runToEnd(
      { source: clips.mp4, outDir, grid, startIndex: 0, video: small, audio: { mode: 'encode' } },
      (ev, stop) => {
        if (ev.index === 3) void stop();
      },
    );
    expect(a.exit.reason).toBe('killed');
    expect(a.events.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(existsSync(path.join(outDir, jitSegmentName(4)))).toBe(false);

    const b = await runToEnd({
      source: clips.mp4,
      outDir,
      grid,
      startIndex: 4,
      video: small,
      audio: { mode: 'encode' },
    });
    expect(b.exit.reason).toBe('completed');
    expect(b.events.map((e) => e.index)).toEqual([4, 5]);

    const seg3 = path.join(outDir, jitSegmentName(3));
    const seg4 = path.join(outDir, jitSegmentName(4));
    const [v3, v4, f3, f4] = await Promise.all([
      videoSpan(seg3),
      videoSpan(seg4),
      formatSpan(seg3),
      formatSpan(seg4),
    ]);
    expect(Math.abs(v4.start - v3.end)).toBeLessThan(0.001);
    expect(Math.abs(f4.start - f3.end)).toBeLessThan(FRAME);

    // The six files played back to back: one video timeline, a frame every 1/30 s, no jump at the join.
    const joined = path.join(dir, 'joined.ts');
    const files = [0, 1, 2, 3, 4, 5].map((i) => readFile(path.join(outDir, jitSegmentName(i))));
    await writeFile(joined, Buffer.concat(await Promise.all(files)));
    const video = (await packets(joined)).filter((p) => p.type === 'video').map((p) => p.pts);
    video.sort((x, y) => x - y);
    expect(video).toHaveLength(360);
    const steps = video.slice(1).map((t, i) => t - video[i]!);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThan(0.0001);
  });

  it('starts copied audio at the seek point when the video is encoded', async () => {
    // The clip's only keyframes are at 0 and 8.33 s: the seek to 8 s lands on 0.
    const outDir = path.join(dir, 'copied-audio');
    const { events, exit } = await runToEnd({
      source: clips.mp4,
      outDir,
      grid,
      startIndex: 4,
      video: small,
      audio: { mode: 'copy' },
    });
    expect(exit.reason).toBe('completed');
    const audio = (await packets(events[0]!.file)).filter((p) => p.type === 'audio').map((p) => p.pts - 1.4);
    expect(Math.min(...audio)).toBeGreaterThanOrEqual(8 - 0.001);
    expect(Math.min(...audio)).toBeLessThan(8 + 1024 / 48_000);
  });

  it('encodes an HEVC MKV from segment 1 to H.264 on the grid', async () => {
    const outDir = path.join(dir, 'hevc');
    const hevcGrid = segmentGrid(6.021, 2);
    const { events, exit } = await runToEnd({
      source: clips.hevc,
      outDir,
      grid: hevcGrid,
      startIndex: 1,
      video: small,
      audio: { mode: 'encode' },
    });
    expect(exit.reason).toBe('completed');
    expect(events.map((e) => e.index)).toEqual([1, 2]);
    const json = await ffprobeJson(['-show_entries', 'stream=codec_name', events[0]!.file]);
    expect((json.streams as { codec_name: string }[]).map((s) => s.codec_name)).toEqual(['h264', 'aac']);
    const span = await videoSpan(events[0]!.file);
    // Matroska put the video 21 ms late (AAC priming): the first frame at or after 2 s is at 2.021.
    expect(span.start - 1.4).toBeGreaterThanOrEqual(2);
    expect(span.start - 1.4).toBeLessThan(2 + FRAME);
  });
});

describe('startJitEncoder, copy', () => {
  it('remuxes an H.264 MKV on its keyframe grid; a restart writes the same packets', async () => {
    const keyframes = (await probeKeyframes(FFPROBE, clips.mkv)).times;
    const grid = keyframeGrid(keyframes, 12.021, 2);
    expect(grid.segments.map((s) => s.start)).toEqual([0, 3.021, 6.021, 9.021]);
    const copy = { video: { mode: 'copy' }, audio: { mode: 'copy' } } as const;

    const full = path.join(dir, 'copy-0');
    const a = await runToEnd({ source: clips.mkv, outDir: full, grid, startIndex: 0, ...copy });
    expect(a.exit.reason).toBe('completed');
    expect(a.events.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    for (const ev of a.events.slice(1)) {
      const span = await videoSpan(ev.file);
      expect(span.firstKey).toBe(true);
      expect(span.start - 1.4).toBeCloseTo(grid.segments[ev.index]!.start, 3);
    }

    const restarted = path.join(dir, 'copy-2');
    const b = await runToEnd({ source: clips.mkv, outDir: restarted, grid, startIndex: 2, ...copy });
    expect(b.exit.reason).toBe('completed');
    expect(b.events.map((e) => e.index)).toEqual([2, 3]);
    expect((await readdir(restarted)).sort()).toEqual(['seg_00002.ts', 'seg_00003.ts']);
    for (const i of [2, 3]) {
      const [x, y] = await Promise.all([
        packets(path.join(full, jitSegmentName(i))),
        packets(path.join(restarted, jitSegmentName(i))),
      ]);
      const pick = (ps: Packet[]): string[] =>
        ps.filter((p) => p.type === 'video').map((p) => `${p.pts.toFixed(4)}${p.key ? 'K' : ''}`);
      expect(pick(y)).toEqual(pick(x));
    }
  });
});

describe('startJitEncoder, failures and stop', () => {
  it.each(['garbage', 'truncated'] as const)(
    'fails on a %s source with the stderr tail, no segments',
    async (which) => {
      const outDir = path.join(dir, `bad-${which}`);
      const { events, exit } = await runToEnd({
        source: clips[which],
        outDir,
        grid: segmentGrid(12, 2),
        startIndex: 0,
        video: small,
        audio: { mode: 'encode' },
      });
      expect(exit.reason).toBe('failed');
      expect(exit.error?.type).toBe('ffmpeg_exit');
      expect(exit.stderrTail).toMatch(/Invalid data found|moov atom not found/);
      expect(events).toEqual([]);
      expect(await readdir(outDir)).toEqual([]);
    },
  );

  it('stop() kills FFmpeg: pid gone, nothing published after, temporary files removed', async () => {
    const outDir = path.join(dir, 'stop');
    const events: JitSegmentEvent[] = [];
    let aliveAtStop = false;
    let stopMs = 0;
    const encoder = startJitEncoder({
      ffmpegPath: FFMPEG,
      source: clips.mp4,
      outDir,
      grid: segmentGrid(12, 2),
      startIndex: 0,
      // Slow on purpose (720p medium): FFmpeg is still busy when the first segment is out.
      video: { mode: 'encode', height: 720, bitrate: 2_000_000, preset: 'medium', codec: 'h264' },
      audio: { mode: 'encode' },
      onSegment: (ev) => {
        events.push(ev);
        if (ev.index !== 0) return;
        aliveAtStop = existsSync(`/proc/${encoder.pid()}`);
        const t0 = performance.now();
        void encoder.stop().then(() => (stopMs = performance.now() - t0));
      },
    });
    const exit = await encoder.exited;
    await encoder.stop();
    expect(aliveAtStop).toBe(true);
    expect(existsSync(`/proc/${encoder.pid()}`)).toBe(false);
    expect(exit.reason).toBe('killed');
    expect(events.map((e) => e.index)).toEqual([0]);
    expect(encoder.position()).toBe(0);
    // FFmpeg's trailer listed the segment it was cut off in; it is not published, and its file is gone.
    expect(await readdir(outDir)).toEqual(['seg_00000.ts']);
    // SIGTERM, then SIGKILL 200 ms later: x264 at preset medium would spend ~0.6 s flushing its lookahead.
    expect(stopMs).toBeLessThan(1_500);
    expect(exit.signal ?? exit.code).not.toBeNull();
  });

  it('a timeout kills FFmpeg and fails the run with type timeout', async () => {
    const { exit } = await runToEnd({
      source: clips.mp4,
      outDir: path.join(dir, 'timeout'),
      grid: segmentGrid(12, 2),
      startIndex: 0,
      video: { mode: 'encode', height: 720, bitrate: 2_000_000, preset: 'medium', codec: 'h264' },
      audio: { mode: 'encode' },
      timeoutMs: 300,
    });
    expect(exit.reason).toBe('failed');
    expect(exit.error?.type).toBe('timeout');
  });
});

import { symlinkSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from './ffprobe-probe.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';
import { DEFAULT_LADDER_OPTIONS, planLadder, type LadderOptions, type LadderPlan } from './ladder-plan.js';
import type { MediaInfo } from './media-info.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';
import { generateTestClip } from './samples/test-clip-generate.js';
import type { RungResult, TranscodeOptions, TranscodeProgress } from './transcode-types.js';
import { transcodeVodHls } from './transcode-vod-hls.js';
import { FFMPEG, FFPROBE, rejection } from '../test-support/media-test-kit.js';

let dir = '';
const clips = { av: '', audioOnly: '', videoOnly: '', copyable: '' };
const probes = new Map<string, MediaInfo>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-transcode-'));
  clips.av = path.join(dir, 'av.mp4');
  clips.audioOnly = path.join(dir, 'audio.m4a');
  clips.videoOnly = path.join(dir, 'silent.mp4');
  clips.copyable = path.join(dir, 'copyable.mp4');
  await Promise.all([
    generateTestClip({ ffmpegPath: FFMPEG, out: clips.av, seconds: 4 }),
    generateTestClip({ ffmpegPath: FFMPEG, out: clips.audioOnly, seconds: 3, video: false }),
    generateTestClip({
      ffmpegPath: FFMPEG,
      out: clips.videoOnly,
      seconds: 3,
      audio: false,
      width: 320,
      height: 180,
    }),
    // 1 s GOPs divide the 2 s segments; 500 kbps is below 1.5x what the 360p rung would get.
    generateTestClip({
      ffmpegPath: FFMPEG,
      out: clips.copyable,
      seconds: 4,
      gopSeconds: 1,
      extraArgs: ['-b:v', '500k'],
    }),
  ]);
  for (const file of Object.values(clips)) probes.set(file, await probeMedia(file, { ffprobePath: FFPROBE }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function planFor(file: string, over: Partial<LadderOptions> = {}): LadderPlan {
  return planLadder(probes.get(file)!, { ...DEFAULT_LADDER_OPTIONS, heights: [360, 240], ...over });
}

function options(file: string, name: string, over: Partial<TranscodeOptions> = {}): TranscodeOptions {
  return {
    input: file,
    outDir: path.join(dir, name),
    plan: planFor(file),
    durationSeconds: probes.get(file)!.durationSeconds,
    ffmpegPath: FFMPEG,
    timeoutMs: 60_000,
    ...over,
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** ffprobe JSON of a file or playlist. */
async function ffprobeJson(file: string, extra: string[]): Promise<Record<string, unknown>> {
  const r = await runOwnedProcess({
    command: FFPROBE,
    args: ['-v', 'error', '-print_format', 'json', ...extra, file],
    timeoutMs: 30_000,
    collectStdout: true,
  });
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

type ProbedStream = { codec_name: string; width?: number; height?: number; profile?: string; level?: number };
type ProbedPacket = { pts_time: string; flags: string };

async function keyframeTimes(playlist: string): Promise<string[]> {
  const json = await ffprobeJson(playlist, [
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags',
  ]);
  return (json.packets as ProbedPacket[]).filter((p) => p.flags.startsWith('K')).map((p) => p.pts_time);
}

async function extinfs(outDir: string, name: string): Promise<number[]> {
  const text = await readFile(path.join(outDir, name, 'index.m3u8'), 'utf8');
  return parseVariantPlaylist(text).segments.map((s) => s.duration);
}

describe('transcodeVodHls', () => {
  it('transcodes a clip with audio into a measured two-rung ladder with a shared audio group', async () => {
    const progress: TranscodeProgress[] = [];
    const completed: RungResult[] = [];
    const opts = options(clips.av, 'av', {
      onProgress: (p) => progress.push(p),
      onRungComplete: (r) => completed.push(r),
    });
    const before = Date.now();
    const result = await transcodeVodHls(opts);
    const out = result.outDir;

    // The rungs, measured.
    expect(result.rungs.map((r) => [r.name, r.width, r.height, r.mode])).toEqual([
      ['360p', 640, 360, 'encode'],
      ['240p', 426, 240, 'encode'],
    ]);
    for (const r of result.rungs) {
      expect(r.playlist).toBe(`${r.name}/index.m3u8`);
      expect(r.segmentCount).toBe(1);
      expect(r.mediaSeconds).toBeCloseTo(4, 1);
      expect(r.averageBitrate).toBeGreaterThan(50_000);
      expect(r.peakBitrate).toBeGreaterThanOrEqual(r.averageBitrate);
      expect(r.startedAt).toBeGreaterThanOrEqual(before);
      expect(r.finishedAt).toBeGreaterThanOrEqual(r.startedAt);
      expect(r.finishedAt).toBeLessThanOrEqual(Date.now());
    }
    expect(result.audio).toMatchObject({ name: 'audio', codecs: 'mp4a.40.2', playlist: 'audio/index.m3u8' });
    expect(result.mediaSeconds).toBeCloseTo(4, 1);
    expect(result.speed).toBeGreaterThan(0);
    expect(result.encoderStartupSeconds).toBeGreaterThan(0);
    expect(result.encoderStartupSeconds).toBeLessThan(result.wallSeconds);

    // CODECS is the real profile and level of each rung, as ffprobe decodes them.
    for (const r of result.rungs) {
      const json = await ffprobeJson(path.join(out, r.playlist), ['-show_streams']);
      const v = (json.streams as ProbedStream[]).find((s) => s.codec_name === 'h264')!;
      expect([v.width, v.height]).toEqual([r.width, r.height]);
      expect(v.profile).toBe('High');
      expect(r.codecs).toBe(`avc1.6400${v.level!.toString(16).padStart(2, '0')},mp4a.40.2`);
    }

    // The master playlist, rewritten from those measurements.
    const master = await readFile(path.join(out, 'master.m3u8'), 'utf8');
    const audio = result.audio!;
    expect(master.match(/#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio".*URI="audio\/index.m3u8"/g)).toHaveLength(
      1,
    );
    const infs = master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(infs).toHaveLength(2);
    result.rungs.forEach((r, i) => {
      expect(infs[i]).toContain(`BANDWIDTH=${Math.ceil(r.peakBitrate + audio.peakBitrate)},`);
      expect(infs[i]).toContain(`AVERAGE-BANDWIDTH=${Math.ceil(r.averageBitrate + audio.averageBitrate)},`);
      expect(infs[i]).toContain(
        `RESOLUTION=${r.width}x${r.height},FRAME-RATE=30.000,CODECS="${r.codecs}",AUDIO="audio"`,
      );
    });

    // Variant playlists: VOD, init.mp4, aligned segments, decodable.
    for (const name of ['360p', '240p', 'audio']) {
      const text = await readFile(path.join(out, name, 'index.m3u8'), 'utf8');
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
      expect(text).toContain('#EXT-X-MAP:URI="init.mp4"\n');
      expect(text).toContain('#EXT-X-ENDLIST');
      expect((await readdir(path.join(out, name))).sort()).toEqual(
        expect.arrayContaining(['index.m3u8', 'init.mp4', 'seg_00000.m4s']),
      );
      expect((await readdir(path.join(out, name))).some((f) => f.startsWith('init_'))).toBe(false);
    }
    expect(await extinfs(out, '240p')).toEqual(await extinfs(out, '360p'));
    const frames = await ffprobeJson(path.join(out, '360p/index.m3u8'), [
      '-count_frames',
      '-show_entries',
      'stream=nb_read_frames',
    ]);
    expect((frames.streams as { nb_read_frames: string }[])[0]!.nb_read_frames).toBe('120');
    // A player's view: the master with its audio group decodes, video and audio.
    const play = await runOwnedProcess({
      command: FFMPEG,
      args: [
        '-v',
        'error',
        '-i',
        path.join(out, 'master.m3u8'),
        '-map',
        '0:v:0',
        '-map',
        '0:a:0',
        '-f',
        'null',
        '-',
      ],
      timeoutMs: 30_000,
    });
    expect(ffmpegExitError(play)).toBeNull();
    expect(play.stderr.text()).toBe('');

    // Poster: one JPEG, 640 wide at most.
    expect(result.poster).toBe('poster.jpg');
    const poster = await ffprobeJson(path.join(out, 'poster.jpg'), ['-show_streams']);
    const pic = (poster.streams as ProbedStream[])[0]!;
    expect(pic.codec_name).toBe('mjpeg');
    // Cut from the 640x360 rung (the narrowest as wide as a poster), its scratch file gone.
    expect([pic.width, pic.height]).toEqual([640, 360]);
    expect(await readdir(path.join(out, '360p'))).not.toContain('.poster-source.mp4');

    // Callbacks: rung completions for the video rungs only, progress up to 100 %.
    expect(completed.map((r) => r.name).sort()).toEqual(['240p', '360p']);
    expect(progress.length).toBeGreaterThan(0);
    const percents = progress.map((p) => p.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    const last = progress.at(-1)!;
    expect(last.percent).toBe(100);
    expect(last.rungs.map((r) => [r.name, r.segments])).toEqual(result.rungs.map((r) => [r.name, 1]));
  });

  it('transcodes an audio-only source to one audio rendition, despite a throwing callback', async () => {
    const callbackErrors: string[] = [];
    const completed: string[] = [];
    const opts = options(clips.audioOnly, 'audio-only', {
      onProgress: () => {
        throw new Error('observer bug');
      },
      onRungComplete: (r) => completed.push(r.name),
      onCallbackError: (name) => callbackErrors.push(name),
    });
    expect(opts.plan.qualities).toEqual(['audio']);
    const result = await transcodeVodHls(opts);
    expect(callbackErrors).toContain('onProgress');
    expect(completed).toEqual(['audio']);
    expect(result.poster).toBeNull();
    expect(await exists(path.join(result.outDir, 'poster.jpg'))).toBe(false);
    expect(result.rungs.map((r) => [r.name, r.codecs])).toEqual([['audio', 'mp4a.40.2']]);
    const master = await readFile(path.join(result.outDir, 'master.m3u8'), 'utf8');
    const rung = result.rungs[0]!;
    expect(master).toContain(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.ceil(rung.peakBitrate)},AVERAGE-BANDWIDTH=${Math.ceil(rung.averageBitrate)},CODECS="mp4a.40.2"\naudio/index.m3u8\n`,
    );
    expect(master).not.toContain('RESOLUTION');
    expect(master).not.toContain('EXT-X-MEDIA');
  });

  it('transcodes a video without audio into video rungs only', async () => {
    const seen: number[] = [];
    const opts = options(clips.videoOnly, 'video-only', {
      onProgress: (p) => seen.push(...p.rungs.map((r) => r.mediaSeconds)),
    });
    // Left over from an earlier attempt: must be neither reported as progress nor published.
    await mkdir(path.join(opts.outDir, '180p'), { recursive: true });
    await writeFile(path.join(opts.outDir, '180p', 'old.m4s'), 'stale');
    await writeFile(
      path.join(opts.outDir, '180p', 'index.m3u8'),
      '#EXTM3U\n#EXTINF:9,\nold.m4s\n#EXT-X-ENDLIST\n',
    );
    const result = await transcodeVodHls(opts);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThan(3.5);
    expect(await exists(path.join(opts.outDir, '180p', 'old.m4s'))).toBe(false);
    expect(result.rungs.map((r) => r.name)).toEqual(['180p']);
    expect(result.audio).toBeNull();
    expect(result.rungs[0]!.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(await exists(path.join(result.outDir, 'audio'))).toBe(false);
    const master = await readFile(path.join(result.outDir, 'master.m3u8'), 'utf8');
    expect(master).not.toContain('EXT-X-MEDIA');
    expect(master).not.toContain('AUDIO=');
    expect(master).toContain('RESOLUTION=320x180');
  });

  it('stream-copies the top rung of a source whose GOP divides the segment, aligned with the encoded rung', async () => {
    const plan = planFor(clips.copyable, { segmentSeconds: 2 });
    expect(plan.copyDecision).toMatchObject({ copy: true });
    const result = await transcodeVodHls(options(clips.copyable, 'copy', { plan }));
    expect(result.rungs.map((r) => [r.name, r.mode])).toEqual([
      ['360p', 'copy'],
      ['240p', 'encode'],
    ]);
    expect(result.rungs[0]!.codecs).toMatch(/^avc1\.42c0/); // the source's own (ultrafast → Constrained Baseline)
    expect(await extinfs(result.outDir, '360p')).toEqual([2, 2]);
    expect(await extinfs(result.outDir, '240p')).toEqual([2, 2]);
    const copied = await keyframeTimes(path.join(result.outDir, '360p/index.m3u8'));
    const encoded = await keyframeTimes(path.join(result.outDir, '240p/index.m3u8'));
    expect(copied).toHaveLength(4);
    expect(encoded).toEqual(copied);
  });
});

describe('transcodeVodHls failures', () => {
  it('reports ffmpeg killed by a foreign SIGKILL, and removes its output', async () => {
    let pid = 0;
    const opts = options(clips.av, 'killed', {
      onSpawn: (p) => {
        pid = p;
        process.kill(p, 'SIGKILL');
      },
    });
    const err = await rejection(transcodeVodHls(opts));
    expect(err.type).toBe('killed');
    expect(err.message).toBe('ffmpeg was killed by SIGKILL');
    expect(err.transient).toBe(true);
    expect(alive(pid)).toBe(false);
    expect(await exists(opts.outDir)).toBe(false);
  });

  it('is cancelled by its signal mid-run, killing ffmpeg and removing its output', async () => {
    const ac = new AbortController();
    let pid = 0;
    let sawProgress = false;
    const opts = options(clips.av, 'aborted', {
      signal: ac.signal,
      onSpawn: (p) => (pid = p),
      onProgress: () => {
        sawProgress = true;
        ac.abort();
      },
    });
    const err = await rejection(transcodeVodHls(opts));
    expect(sawProgress).toBe(true);
    expect(err.type).toBe('cancelled');
    expect(err.transient).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(await exists(opts.outDir)).toBe(false);
  });

  it('does not start when already cancelled', async () => {
    let spawned = false;
    const opts = options(clips.av, 'pre-aborted', {
      signal: AbortSignal.abort(),
      onSpawn: () => (spawned = true),
    });
    expect((await rejection(transcodeVodHls(opts))).type).toBe('cancelled');
    expect(spawned).toBe(false);
  });

  it('times out with the limit in the message, and removes its output', async () => {
    // 'veryslow' keeps this 4 s clip well beyond 300 ms even on a fast machine.
    const opts = options(clips.av, 'timeout', {
      plan: planFor(clips.av, { preset: 'veryslow' }),
      timeoutMs: 300,
      // FFmpeg answers SIGTERM by flushing veryslow's lookahead; no need to wait for that here.
      killGraceMs: 300,
    });
    const err = await rejection(transcodeVodHls(opts));
    expect(err.type).toBe('timeout');
    expect(err.message).toContain('300 ms');
    expect(await exists(opts.outDir)).toBe(false);
  });

  it('names a missing ffmpeg binary', async () => {
    const opts = options(clips.av, 'no-binary', { ffmpegPath: path.join(dir, 'no-such-ffmpeg') });
    const err = await rejection(transcodeVodHls(opts));
    expect(err.type).toBe('spawn_failed');
    expect(err.message).toContain('no-such-ffmpeg');
    expect(await exists(opts.outDir)).toBe(false);
  });

  it('catches a segment FFmpeg failed to write although it exited 0', async () => {
    const opts = options(clips.av, 'write-error', {
      // Planted once the output directory is prepared and before the first 4 s segment exists.
      // Writes to /dev/full fail with ENOSPC; FFmpeg 5.1's HLS muxer ignores that and exits 0.
      onSpawn: () => symlinkSync('/dev/full', path.join(dir, 'write-error', '240p', 'seg_00000.m4s')),
    });
    const err = await rejection(transcodeVodHls(opts));
    expect(err.type).toBe('internal');
    expect(err.message).toContain('240p/seg_00000.m4s is empty');
    expect(await exists(opts.outDir)).toBe(false);
  });
});

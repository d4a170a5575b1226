import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO, media, video as videoInfo } from '../../test-support/media-info-fixtures.js';
import { FFMPEG, FFPROBE } from '../../test-support/media-test-kit.js';
import { probeMedia } from '../ffprobe-probe.js';
import type { MediaInfo } from '../media-info.js';
import { decidePlayback } from '../playback-plan.js';
import { measureVariant } from '../rung-measure.js';
import { generateMkvTestClip } from '../samples/mkv-test-clip.js';
import { readTsSegmentCodecs } from '../ts-segment-codecs.js';
import { jitVbv, type JitAudio, type JitVideo } from './jit-args.js';
import { encodedVideo, probeCopiedStreams, type CopiedStreams } from './jit-codecs.js';
import { startJitEncoder } from './jit-encoder.js';
import { jitMasterPlaylist } from './jit-master-playlist.js';
import { probeKeyframes } from './keyframe-probe.js';
import { bytesPerSegment, keyframeGrid, segmentGrid, type SegmentGrid } from './segment-grid.js';
import { gridTargetDuration } from './vod-media-playlist.js';

const run = promisify(execFile);
let dir = '';
const clips = { noisy: '', mkv: '', cut: '' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-jit-master-'));
  clips.noisy = path.join(dir, 'noisy.mp4');
  clips.mkv = path.join(dir, 'h264.mkv');
  clips.cut = path.join(dir, 'cut.mp4');
  await Promise.all([
    // A lecture's cut from a still slide to a camera: the encoder's buffer, full after the still, is spent at once.
    run(FFMPEG, [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'color=c=gray:size=426x240:rate=30:d=4',
      '-f', 'lavfi', '-i', 'testsrc2=size=426x240:rate=30,noise=alls=60:allf=t+u',
      '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]',
      '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '18', clips.cut,
    ]), // prettier-ignore
    // Noise is what a camera's grain is to an encoder: it takes every bit offered, so the VBV is what holds it.
    run(FFMPEG, [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=426x240:rate=30,noise=alls=50:allf=t+u',
      '-f', 'lavfi', '-i', 'anoisesrc=color=pink:sample_rate=48000',
      '-t', '9', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '20', '-c:a', 'aac', '-ac', '2', clips.noisy,
    ]), // prettier-ignore
    generateMkvTestClip({
      ffmpegPath: FFMPEG,
      out: clips.mkv,
      seconds: 12,
      width: 320,
      height: 180,
      gopSeconds: 1.5,
      codec: 'h264',
    }),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A session's master (what it copies as probed, if anything): its text and its one variant's attributes. */
function masterOf(
  info: MediaInfo,
  grid: SegmentGrid,
  streams: { video: JitVideo; audio: JitAudio },
  copied: CopiedStreams | null = null,
  copiedVideoBytes: number[] | null = null,
) {
  const text = jitMasterPlaylist({ info, grid, ...streams, copied, copiedVideoBytes, uri: 'index.m3u8' });
  return { text, v: variantOf(text) };
}

/** The attributes of the master's one variant. */
function variantOf(master: string): Record<string, string> {
  const line = master.split('\n').find((l) => l.startsWith('#EXT-X-STREAM-INF:'))!;
  const attrs = line.slice('#EXT-X-STREAM-INF:'.length).match(/[A-Z-]+=("[^"]*"|[^,]*)/g)!;
  const pairs = attrs.map((a): [string, string] => {
    const at = a.indexOf('=');
    return [a.slice(0, at), a.slice(at + 1).replace(/"/g, '')];
  });
  return Object.fromEntries(pairs);
}

/** Runs one encoder over the whole grid; the segments' durations (from the grid) and sizes, and the first's path. */
async function served(name: string, source: string, grid: SegmentGrid, video: JitVideo, audio: JitAudio) {
  const outDir = path.join(dir, name);
  await mkdir(outDir, { recursive: true });
  const encoder = startJitEncoder({
    ffmpegPath: FFMPEG,
    source,
    outDir,
    grid,
    startIndex: 0,
    video,
    audio,
    onSegment: () => undefined,
  });
  expect((await encoder.exited).reason).toBe('completed');
  const files = (await readdir(outDir)).filter((f) => f.startsWith('seg_')).sort();
  expect(files).toHaveLength(grid.count);
  const segments = await Promise.all(
    files.map(async (f, i) => ({
      duration: grid.segments[i]!.duration,
      bytes: (await stat(path.join(outDir, f))).size,
    })),
  );
  const measured = measureVariant(segments, gridTargetDuration(grid));
  return { segments, first: path.join(outDir, files[0]!), measured };
}

/** The JIT encode settings of a plan, the level pinned (what the server's encoderStreams does). */
function encodeOf(info: MediaInfo, height: number, bitrate: number, maxrate: number | null): JitVideo {
  const encode = { mode: 'encode', height, bitrate, maxrate, preset: 'veryfast', codec: 'h264' } as const;
  const display = info.video!;
  return {
    ...encode,
    level: encodedVideo({ ...encode, ...jitVbv(encode), display, frameRate: info.video!.frameRate }).level,
  };
}

async function frameSize(file: string): Promise<string> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=s=x:p=0', file]); // prettier-ignore
  // A TS file lists its streams twice (in its program too).
  return stdout.trim().split('\n')[0]!;
}

/**
 * What a master must say of the segments served: a BANDWIDTH no measured run exceeds, an AVERAGE-BANDWIDTH near
 * the measured average, the CODECS in the segments' SPS and ADTS headers, the RESOLUTION of their frames.
 */
async function expectDescribes(
  v: Record<string, string>,
  { measured, first }: { measured: ReturnType<typeof measureVariant>; first: string },
): Promise<void> {
  expect(Number(v.BANDWIDTH)).toBeGreaterThanOrEqual(measured.peakBitrate);
  expect(measured.averageBitrate).toBeGreaterThan(Number(v['AVERAGE-BANDWIDTH']) * 0.75);
  expect(measured.averageBitrate).toBeLessThan(Number(v['AVERAGE-BANDWIDTH']) * 1.1);
  const codecs = await readTsSegmentCodecs(first);
  expect(v.CODECS).toBe(`${codecs.video},${codecs.audio}`);
  expect(v.RESOLUTION).toBe(await frameSize(first));
}

describe('jitMasterPlaylist against the segments a session serves', () => {
  it('an encode: BANDWIDTH at or above the RFC 8216 peak, AVERAGE-BANDWIDTH near the average, CODECS and RESOLUTION as written', async () => {
    const info = await probeMedia(clips.noisy, { ffprobePath: FFPROBE });
    const grid = segmentGrid(info.durationSeconds, 2);
    const video = encodeOf(info, 240, 400_000, null);
    const audio: JitAudio = { mode: 'encode', bitrate: 128_000 };
    const { text, v } = masterOf(info, grid, { video, audio });
    expect(text).toMatch(
      /^#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:.*\nindex\.m3u8\n$/,
    );
    await expectDescribes(v, await served('encode', clips.noisy, grid, video, audio));
    expect(v['FRAME-RATE']).toBe('30.000');
  });

  it('a cut from a still to noise: a segment over maxrate by the VBV buffer, still within BANDWIDTH', async () => {
    const info = await probeMedia(clips.cut, { ffprobePath: FFPROBE });
    const grid = segmentGrid(info.durationSeconds, 2);
    const video = encodeOf(info, 240, 400_000, null);
    const audio: JitAudio = { mode: 'none' };
    const { v } = masterOf(info, grid, { video, audio });
    const { measured, segments } = await served('cut', clips.cut, grid, video, audio);
    // Why maxrate is no bound by itself: the first segment after the cut carries the buffer saved up in the still.
    const { maxrate } = jitVbv(video as Extract<JitVideo, { mode: 'encode' }>);
    expect(Math.max(...segments.map((s) => (s.bytes * 8) / s.duration))).toBeGreaterThan(maxrate * 1.2);
    expect(Number(v.BANDWIDTH)).toBeGreaterThanOrEqual(measured.peakBitrate);
  });

  it('a capped encode: BANDWIDTH within the client’s cap, and still at or above what is served', async () => {
    const info = await probeMedia(clips.noisy, { ffprobePath: FFPROBE });
    const cap = 600_000;
    const caps = {
      containers: ['mp4'],
      videoCodecs: [],
      audioCodecs: ['aac'],
      maxHeight: 240,
      maxBitrate: cap,
    };
    const plan = decidePlayback(info, false, caps, {
      maxTranscodeHeight: 720,
      audioBitrate: 128_000,
      segmentSeconds: 2,
    });
    expect(plan.video.action).toBe('encode');
    const grid = segmentGrid(info.durationSeconds, 2);
    const video = encodeOf(info, plan.video.height!, plan.video.bitrate!, plan.video.maxrate);
    // The source's AAC is copied: its rate is known from the MP4's index.
    expect(plan.audio.action).toBe('copy');
    const copied = await probeCopiedStreams({ ffmpegPath: FFMPEG, source: clips.noisy, dir, durationSeconds: info.durationSeconds, video: false, audio: true }); // prettier-ignore
    const audio: JitAudio = { mode: 'copy' };
    const { v } = masterOf(info, grid, { video, audio }, copied);
    expect(Number(v.BANDWIDTH)).toBeLessThanOrEqual(cap);
    expect(Number(v.BANDWIDTH)).toBeGreaterThan(cap * 0.95);
    const { measured, first } = await served('capped', clips.noisy, grid, video, audio);
    expect(measured.peakBitrate).toBeLessThanOrEqual(Number(v.BANDWIDTH));
    const codecs = await readTsSegmentCodecs(first);
    expect(v.CODECS).toBe(`${codecs.video},${codecs.audio}`);
  });

  it('a remux: the copied streams’ codecs, and the source’s own bytes per segment for BANDWIDTH', async () => {
    const info = await probeMedia(clips.mkv, { ffprobePath: FFPROBE });
    const keyframes = await probeKeyframes(FFPROBE, clips.mkv);
    const grid = keyframeGrid(keyframes.times, info.durationSeconds, 2);
    const streams = { video: { mode: 'copy' }, audio: { mode: 'copy' } } as const;
    const copied = await probeCopiedStreams({ ffmpegPath: FFMPEG, source: clips.mkv, dir, durationSeconds: info.durationSeconds, video: true, audio: true }); // prettier-ignore
    const copiedVideoBytes = bytesPerSegment(grid, keyframes.times, keyframes.bytes);
    const { v } = masterOf(info, grid, streams, copied, copiedVideoBytes);
    await expectDescribes(v, await served('remux', clips.mkv, grid, streams.video, streams.audio));
  });
});

describe('jitMasterPlaylist, pure', () => {
  it('describes an audio-only session without RESOLUTION, and leaves out an unknown frame rate', () => {
    const grid = segmentGrid(60, 4);
    const { text: audioOnly } = masterOf(media(null, AUDIO), grid, {
      video: { mode: 'copy' },
      audio: { mode: 'encode', bitrate: 96_000 },
    });
    expect(audioOnly).toMatch(
      /#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="mp4a\.40\.2"\nindex\.m3u8\n$/,
    );
    const still = media(videoInfo({ frameRate: 0, width: 1280, height: 720 }), null);
    const { v } = masterOf(still, grid, {
      video: { mode: 'encode', height: 720, bitrate: 2_000_000, preset: 'ultrafast', codec: 'h264' },
      audio: { mode: 'none' },
    });
    expect(v).toMatchObject({ RESOLUTION: '1280x720', CODECS: 'avc1.42c01f' });
    expect(v['FRAME-RATE']).toBeUndefined();
  });
});

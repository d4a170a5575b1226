import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from './ffprobe-probe.js';
import { initTimescale, readFragmentTiming } from './fmp4-retime.js';
import { probeFrameTimes, type FrameTimes } from './frame-times-probe.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';
import { DEFAULT_LADDER_OPTIONS, planLadder } from './ladder-plan.js';
import { generateLookalikeClip } from './samples/lookalike-clip-generate.js';
import { transcodeVodHls } from './transcode-vod-hls.js';
import type { TranscodeResult } from './transcode-types.js';
import { FFMPEG, FFPROBE } from '../test-support/media-test-kit.js';

// A slide recording as screen recorders write it: frames only when the screen changes, the last one
// shown until the recording stops. What a viewer sees is when each frame starts and how long it stays.

let dir = '';
let source: FrameTimes = { times: [], end: 0 };
let result: TranscodeResult | null = null;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-vfr-'));
  const input = path.join(dir, 'screen.mp4');
  await generateLookalikeClip({
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    kind: 'screen',
    out: input,
    seconds: 11,
  });
  source = await probeFrameTimes(FFPROBE, input, { timeoutMs: 30_000 });
  const info = await probeMedia(input, { ffprobePath: FFPROBE });
  const plan = planLadder(info, { ...DEFAULT_LADDER_OPTIONS, heights: [360, 240], segmentSeconds: 2 });
  expect(plan.frameTiming).toBe('variable');
  result = await transcodeVodHls({
    input,
    outDir: path.join(dir, 'out'),
    plan,
    durationSeconds: info.durationSeconds,
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    timeoutMs: 120_000,
  });
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Each frame's start and the last one's end, in seconds, as an fMP4 player places them. */
async function presented(
  rung: string,
): Promise<{ starts: number[]; end: number; extinf: number[]; segmentStarts: number[] }> {
  const variant = path.join(dir, 'out', rung);
  const playlist = parseVariantPlaylist(await readFile(path.join(variant, 'index.m3u8'), 'utf8'));
  const timescale = initTimescale(await readFile(path.join(variant, 'init.mp4')))!;
  const starts: number[] = [];
  const segmentStarts: number[] = [];
  let end = 0;
  for (const segment of playlist.segments) {
    const timing = readFragmentTiming(await readFile(path.join(variant, segment.uri)));
    segmentStarts.push(timing.baseTime / timescale);
    expect(timing.reordered).toBe(false);
    let at = timing.baseTime;
    for (const d of timing.durations) {
      starts.push(at / timescale);
      at += d;
    }
    end = at / timescale;
  }
  return { starts, end, extinf: playlist.segments.map((s) => s.duration), segmentStarts };
}

describe('transcodeVodHls: a variable-frame-rate screen recording', () => {
  it('shows every source frame when the source does, the last one until the recording ends', async () => {
    expect(result!.retimed).toEqual([
      { name: '360p', retimed: true, reason: null },
      { name: '240p', retimed: true, reason: null },
    ]);
    const frame = 1 / 30;
    for (const rung of ['360p', '240p']) {
      const { starts, end, extinf } = await presented(rung);
      expect(starts).toHaveLength(source.times.length);
      const offset = starts[0]! - source.times[0]!;
      starts.forEach((t, i) => expect(Math.abs(t - offset - source.times[i]!)).toBeLessThan(0.001));
      expect(Math.abs(end - offset - source.end)).toBeLessThan(0.001);
      // The playlist says the same: its durations add up to the picture's.
      expect(Math.abs(extinf.reduce((a, b) => a + b, 0) - (end - starts[0]!))).toBeLessThan(0.001);
      expect(source.end - source.times[source.times.length - 1]!).toBeGreaterThan(frame * 2);
    }
  });

  it('starts every rung’s segments on the same frames, one per grid cell', async () => {
    const [top, low] = [await presented('360p'), await presented('240p')];
    expect(low.segmentStarts).toEqual(top.segmentStarts);
    const cells = top.segmentStarts.map((t) => Math.floor((t - top.starts[0]! + 1e-6) / 2));
    expect(new Set(cells).size).toBe(cells.length);
  });
});

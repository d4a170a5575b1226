import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG, rejection } from '../../test-support/media-test-kit.js';
import { generateMkvTestClip } from '../samples/mkv-test-clip.js';
import { generateTestClip } from '../samples/test-clip-generate.js';
import { readTsSegmentCodecs } from '../ts-segment-codecs.js';
import { jitVbv, type JitVideo } from './jit-args.js';
import { encodedSize, encodedVideo, h264Level, probeCopiedStreams } from './jit-codecs.js';
import { startJitEncoder } from './jit-encoder.js';
import { segmentGrid } from './segment-grid.js';

let dir = '';
const clips = { mp4: '', hevc: '' };
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-jit-codecs-'));
  clips.mp4 = path.join(dir, 'av.mp4');
  clips.hevc = path.join(dir, 'hevc.mkv');
  const clip = { ffmpegPath: FFMPEG, width: 320, height: 180 };
  await Promise.all([
    generateTestClip({ ...clip, out: clips.mp4, seconds: 2 }),
    generateMkvTestClip({ ...clip, out: clips.hevc, seconds: 3, codec: 'hevc' }),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('h264Level', () => {
  const at = (width: number, height: number, frameRate: number, maxrate: number, high = true) =>
    h264Level({ width, height, frameRate, maxrate, bufsize: maxrate, high });

  it('picks the lowest level whose frame size, macroblock rate and VBV rate hold', () => {
    expect(at(640, 360, 30, 1_000_000)).toBe(30);
    expect(at(1280, 720, 30, 3_000_000)).toBe(31);
    expect(at(1280, 720, 60, 3_000_000)).toBe(32);
    expect(at(1920, 1080, 30, 6_000_000)).toBe(40);
    // Past level 4.0's 25 Mb/s for High (20 Mb/s x 1.25), 4.1; Main has no such allowance.
    expect(at(1920, 1080, 30, 24_000_000)).toBe(40);
    expect(at(1920, 1080, 30, 24_000_000, false)).toBe(41);
    expect(at(3840, 2160, 30, 20_000_000)).toBe(51);
    expect(at(256, 144, 30, 200_000)).toBe(12);
  });
});

describe('encodedSize', () => {
  it('computes the width as the scale filter does: even, from the display aspect', () => {
    expect(encodedSize({ width: 1920, height: 1080 }, 720)).toEqual({ width: 1280, height: 720 });
    expect(encodedSize({ width: 640, height: 360 }, 360)).toEqual({ width: 640, height: 360 });
    expect(encodedSize({ width: 1440, height: 1080 }, 361)).toEqual({ width: 482, height: 362 });
  });
});

describe('encodedVideo, against what x264 writes', () => {
  it.each(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast'])(
    'names the profile and the pinned level of preset %s exactly as the SPS of its segments does',
    async (preset) => {
      const encode = {
        mode: 'encode',
        height: 180,
        bitrate: 400_000,
        maxrate: null,
        preset,
        codec: 'h264',
      } as const;
      const expected = encodedVideo({
        ...encode,
        ...jitVbv(encode),
        display: { width: 320, height: 180 },
        frameRate: 30,
      });
      const video: JitVideo = { ...encode, level: expected.level };
      const outDir = path.join(dir, preset);
      const encoder = startJitEncoder({
        ffmpegPath: FFMPEG,
        source: clips.mp4,
        outDir,
        grid: segmentGrid(2, 1),
        startIndex: 0,
        video,
        audio: { mode: 'encode' },
        onSegment: () => undefined,
      });
      expect((await encoder.exited).reason).toBe('completed');
      const segments = (await readdir(outDir)).filter((f) => f.startsWith('seg_'));
      expect(segments).toHaveLength(2);
      for (const seg of segments) {
        expect(await readTsSegmentCodecs(path.join(outDir, seg))).toEqual({
          video: expected.codec,
          audio: 'mp4a.40.2',
        });
      }
      // 320x180 at 30 fps is 7200 macroblocks a second: past level 1.2, within 1.3.
      expect(expected.codec).toBe(preset === 'ultrafast' ? 'avc1.42c00d' : 'avc1.64000d');
    },
  );
});

describe('probeCopiedStreams', () => {
  it('reads the codecs FFmpeg writes when copying, and the copied audio’s rate, leaving no file behind', async () => {
    const probeDir = path.join(dir, 'probe');
    await rm(probeDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(probeDir));
    const copied = await probeCopiedStreams({
      ffmpegPath: FFMPEG,
      source: clips.hevc,
      dir: probeDir,
      durationSeconds: 3,
      video: true,
      audio: true,
    });
    expect(copied.video).toMatch(/^hvc1\.1\.6\.L\d+\.90$/);
    expect(copied.audio).toBe('mp4a.40.2');
    // generateTestClip's AAC is FFmpeg's default 128 kb/s (a sine takes less).
    expect(copied.audioBitrate).toBeGreaterThan(20_000);
    expect(copied.audioBitrate).toBeLessThan(200_000);
    expect(await readdir(probeDir)).toEqual([]);
    const audioOnly = await probeCopiedStreams({
      ffmpegPath: FFMPEG,
      source: clips.hevc,
      dir: probeDir,
      durationSeconds: 3,
      video: false,
      audio: true,
    });
    expect(audioOnly.video).toBeNull();
    const err = await rejection(
      probeCopiedStreams({
        ffmpegPath: FFMPEG,
        source: path.join(dir, 'missing.mkv'),
        dir: probeDir,
        durationSeconds: 3,
        video: true,
        audio: false,
      }),
    );
    expect(err.message).toMatch(/missing\.mkv/);
    expect(await readdir(probeDir)).toEqual([]);
  });
});

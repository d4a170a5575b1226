import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from './ffprobe-probe.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';
import { generateTestClip } from './samples/test-clip-generate.js';
import { FFMPEG, FFPROBE, rejection } from '../test-support/media-test-kit.js';

let dir = '';
let clip = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-probe-'));
  clip = path.join(dir, 'lecture.mp4');
  await generateTestClip({
    ffmpegPath: FFMPEG,
    out: clip,
    seconds: 4,
    width: 640,
    height: 360,
    fps: 25,
    gopSeconds: 2,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probeMedia', () => {
  it('describes a generated clip: duration, codecs, frame rate, keyframe interval, audio', async () => {
    const info = await probeMedia(clip, { ffprobePath: FFPROBE });
    expect(info.durationSeconds).toBeGreaterThan(3.9);
    expect(info.durationSeconds).toBeLessThan(4.2);
    expect(info.container).toBe('mov');
    expect(info.formatName).toContain('mp4');
    expect(info.sizeBytes).toBeGreaterThan(10_000);
    expect(info.video).toMatchObject({
      codec: 'h264',
      pixelFormat: 'yuv420p',
      width: 640,
      height: 360,
      frameRate: 25,
      nominalFrameRate: 25,
      variableFrameRate: false,
      rotation: 0,
      interlaced: false,
      keyframeInterval: { min: 2, max: 2, mean: 2 },
    });
    expect(info.video!.bitrate).toBeGreaterThan(0);
    expect(info.audio).toMatchObject({ codec: 'aac', channels: 2, sampleRate: 48_000 });
  });

  it('skips the keyframe measurement when asked', async () => {
    const info = await probeMedia(clip, { ffprobePath: FFPROBE, keyframes: false });
    expect(info.video!.keyframeInterval).toBeNull();
  });

  it('rejects a text file as invalid_media, quoting ffprobe', async () => {
    const text = path.join(dir, 'slides.txt');
    await writeFile(text, 'Lecture 1: introduction\n');
    const err = await rejection(probeMedia(text, { ffprobePath: FFPROBE }));
    expect(err.type).toBe('invalid_media');
    expect(err.transient).toBe(false);
    expect(err.message).toBe('ffprobe cannot read slides.txt: Invalid data found when processing input');
  });

  it('rejects a subtitle-only file as no_streams', async () => {
    const srt = path.join(dir, 'captions.srt');
    await writeFile(srt, '1\n00:00:00,000 --> 00:00:01,000\nHello\n\n');
    const err = await rejection(probeMedia(srt, { ffprobePath: FFPROBE }));
    expect(err.type).toBe('no_streams');
  });

  it('does not count cover art as video', async () => {
    const mp3 = path.join(dir, 'podcast.mp3');
    const r = await runOwnedProcess({
      command: FFMPEG,
      timeoutMs: 30_000,
      args: [
        '-nostdin', '-y', '-loglevel', 'error',
        '-f', 'lavfi', '-i', 'sine=duration=2',
        '-f', 'lavfi', '-i', 'color=red:size=64x64:duration=1',
        '-map', '0', '-map', '1', '-frames:v', '1',
        '-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic',
        mp3,
      ], // prettier-ignore
    });
    expect(ffmpegExitError(r)).toBeNull();
    const info = await probeMedia(mp3, { ffprobePath: FFPROBE });
    expect(info.video).toBeNull();
    expect(info.audio?.codec).toBe('mp3');
  });

  it('times out with the limit in the message', async () => {
    const err = await rejection(probeMedia(clip, { ffprobePath: FFPROBE, timeoutMs: 1 }));
    expect(err.type).toBe('timeout');
    expect(err.message).toContain('1 ms');
  });

  it('is cancelled by its signal', async () => {
    const err = await rejection(probeMedia(clip, { ffprobePath: FFPROBE, signal: AbortSignal.abort() }));
    expect(err.type).toBe('cancelled');
  });

  it('names a missing ffprobe', async () => {
    const err = await rejection(probeMedia(clip, { ffprobePath: path.join(dir, 'no-ffprobe') }));
    expect(err.type).toBe('spawn_failed');
    expect(err.message).toContain('no-ffprobe');
  });
});

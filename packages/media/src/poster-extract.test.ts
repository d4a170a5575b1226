import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOwnedProcess } from './owned-process.js';
import { buildPosterArgs, extractPoster, posterRung } from './poster-extract.js';
import { generateTestClip } from './samples/test-clip-generate.js';
import { FFMPEG, FFPROBE } from '../test-support/media-test-kit.js';

let dir = '';
let clip = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-poster-'));
  clip = path.join(dir, 'wide.mp4');
  await generateTestClip({
    ffmpegPath: FFMPEG,
    out: clip,
    seconds: 2,
    width: 1280,
    height: 720,
    audio: false,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Codec and size of an image, as ffprobe reads it. */
async function jpegSize(file: string): Promise<unknown> {
  const r = await runOwnedProcess({
    command: FFPROBE,
    args: ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-print_format', 'json', file],
    timeoutMs: 30_000,
    collectStdout: true,
  });
  expect(r.exitCode).toBe(0);
  return (JSON.parse(r.stdout) as { streams: unknown[] }).streams[0];
}

describe('posterRung', () => {
  it('picks the narrowest rung as wide as the poster, else the widest', () => {
    const rungs = [
      { name: '1080p', width: 1080 },
      { name: '720p', width: 720 },
      { name: '360p', width: 360 },
    ];
    expect(posterRung(rungs)?.name).toBe('720p');
    expect(posterRung(rungs.slice(2))?.name).toBe('360p');
    expect(posterRung([])).toBeNull();
  });
});

describe('extractPoster', () => {
  it('seeks the input and writes one frame, 640 px wide at most', async () => {
    const out = path.join(dir, 'poster.jpg');
    await extractPoster({ ffmpegPath: FFMPEG, input: clip, out, atSeconds: 0.2, timeoutMs: 30_000 });
    expect(await jpegSize(out)).toEqual({ codec_name: 'mjpeg', width: 640, height: 360 });
  });

  it('falls back to the first frame when the position is past the end', async () => {
    const out = path.join(dir, 'late.jpg');
    await extractPoster({ ffmpegPath: FFMPEG, input: clip, out, atSeconds: 60, timeoutMs: 30_000 });
    expect(await jpegSize(out)).toEqual({ codec_name: 'mjpeg', width: 640, height: 360 });
  });

  it('puts -ss before -i so FFmpeg seeks instead of decoding up to the position', () => {
    const args = buildPosterArgs({
      ffmpegPath: FFMPEG,
      input: '/a.mp4',
      out: '/p.jpg',
      atSeconds: 12,
      timeoutMs: 1,
    });
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args).toContain('-frames:v');
    expect(args.join(' ')).toContain("scale=w='min(640,iw)':h=-2");
  });
});

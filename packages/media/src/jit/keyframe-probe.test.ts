import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG, FFPROBE, rejection } from '../../test-support/media-test-kit.js';
import { parseKeyframeCsv, probeKeyframes } from './keyframe-probe.js';
import { generateMkvTestClip } from '../samples/mkv-test-clip.js';

describe('parseKeyframeCsv', () => {
  it('keeps keyframes, relative to the format start, sorted and without duplicates, with the bytes each opens', () => {
    const csv = [
      'packet,1.380000,5,__',
      'packet,1.521000,100,K_',
      'packet,1.400000,200,K_',
      'packet,1.433333,10,__',
      'packet,N/A,20,K_',
      'packet,3.400000,300,K_',
      'packet,3.400000,1,K_',
      'packet,3.366667,2,__',
      'format,1.400000',
      '',
    ].join('\n');
    // Bytes go with the keyframe before them in demuxing order; those before the first keyframe with the first.
    expect(parseKeyframeCsv(csv)).toEqual({ times: [0, 0.121, 2], bytes: [235, 100, 303] });
  });
});

describe('probeKeyframes', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-jit-kf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the keyframes of an H.264 MKV with B-frames from packet flags', async () => {
    const file = path.join(dir, 'gop.mkv');
    await generateMkvTestClip({
      ffmpegPath: FFMPEG,
      out: file,
      seconds: 6,
      width: 160,
      height: 90,
      gopSeconds: 1.5,
      codec: 'h264',
    });
    // Matroska shifts the video by the AAC priming (21 ms at 48 kHz): keyframes at 0.021 + 1.5 k.
    const index = await probeKeyframes(FFPROBE, file);
    expect(index.times).toEqual([0.021, 1.521, 3.021, 4.521]);
    // Every video packet's bytes count once: the file's video stream is their sum and a little container.
    const total = index.bytes.reduce((a, b) => a + b, 0);
    expect(index.bytes.every((b) => b > 0)).toBe(true);
    expect(total).toBeLessThan((await stat(file)).size);
  });

  it('rejects a file that is not media with invalid_media and ffprobe’s reason', async () => {
    const file = path.join(dir, 'notes.mkv');
    await writeFile(file, 'lecture notes, not a video\n'.repeat(100));
    const err = await rejection(probeKeyframes(FFPROBE, file));
    expect(err.type).toBe('invalid_media');
    expect(err.message).toMatch(/notes\.mkv: .*Invalid data/);
  });
});

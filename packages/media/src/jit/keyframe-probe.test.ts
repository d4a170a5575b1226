import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG, FFPROBE, rejection } from '../../test-support/media-test-kit.js';
import { parseKeyframeCsv, probeKeyframeTimes } from './keyframe-probe.js';
import { generateMkvTestClip } from '../samples/mkv-test-clip.js';

describe('parseKeyframeCsv', () => {
  it('keeps keyframes, relative to the format start, sorted and without duplicates', () => {
    const csv = [
      'packet,1.521000,K_',
      'packet,1.400000,K_',
      'packet,1.433333,__',
      'packet,N/A,K_',
      'packet,3.400000,K_',
      'packet,3.400000,K_',
      'format,1.400000',
      '',
    ].join('\n');
    expect(parseKeyframeCsv(csv)).toEqual([0, 0.121, 2]);
  });
});

describe('probeKeyframeTimes', () => {
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
    expect(await probeKeyframeTimes(FFPROBE, file)).toEqual([0.021, 1.521, 3.021, 4.521]);
  });

  it('rejects a file that is not media with invalid_media and ffprobe’s reason', async () => {
    const file = path.join(dir, 'notes.mkv');
    await writeFile(file, 'lecture notes, not a video\n'.repeat(100));
    const err = await rejection(probeKeyframeTimes(FFPROBE, file));
    expect(err.type).toBe('invalid_media');
    expect(err.message).toMatch(/notes\.mkv: .*Invalid data/);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitSegment } from './init-segment-codecs.js';
import { generateTestClip } from './samples/test-clip-generate.js';
import { FFMPEG } from '../test-support/media-test-kit.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-init-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fragmented MP4 of one stream: its moov is exactly what an HLS init segment holds. */
async function fragmented(
  name: string,
  opts: Parameters<typeof generateTestClip>[0]['extraArgs'],
  video: boolean,
) {
  const out = path.join(dir, name);
  await generateTestClip({
    ffmpegPath: FFMPEG,
    out,
    seconds: 1,
    width: 320,
    height: 180,
    video,
    audio: !video,
    extraArgs: [...(opts ?? []), '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4'],
  });
  return out;
}

describe('readInitSegment', () => {
  it('reads profile, constraint flags and level from avcC', async () => {
    const main31 = await fragmented(
      'main.mp4',
      ['-preset', 'veryfast', '-profile:v', 'main', '-level', '3.1'],
      true,
    );
    expect(await readInitSegment(main31)).toEqual({
      codec: 'avc1.4d401f',
      sampleEntry: 'avc1',
      width: 320,
      height: 180,
    });
    const high30 = await fragmented(
      'high.mp4',
      ['-preset', 'veryfast', '-profile:v', 'high', '-level', '3.0'],
      true,
    );
    expect((await readInitSegment(high30))?.codec).toBe('avc1.64001e');
  });

  it('reads the audio object type from esds', async () => {
    const aac = await fragmented('aac.mp4', [], false);
    expect(await readInitSegment(aac)).toEqual({
      codec: 'mp4a.40.2',
      sampleEntry: 'mp4a',
      width: null,
      height: null,
    });
  });

  it('returns null for a file without a track', async () => {
    const text = path.join(dir, 'x.mp4');
    await writeFile(text, 'not an init segment');
    expect(await readInitSegment(text)).toBeNull();
  });
});

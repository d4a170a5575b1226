import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG } from '../test-support/media-test-kit.js';
import { parseTsCodecs, readTsSegmentCodecs } from './ts-segment-codecs.js';

const run = promisify(execFile);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-ts-codecs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One second of testsrc2 (and a sine) encoded with `codecArgs` into an MPEG-TS file, as a JIT segment is. */
async function segment(name: string, codecArgs: string[], audio = true): Promise<string> {
  const out = path.join(dir, name);
  await run(FFMPEG, [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    '-t', '1', ...codecArgs, '-f', 'mpegts', out,
  ]); // prettier-ignore
  return out;
}

describe('readTsSegmentCodecs', () => {
  it('reads H.264 profile, constraint flags and level from the SPS, and AAC-LC from ADTS', async () => {
    const main = await segment('main.ts', [
      '-c:v',
      'libx264',
      '-profile:v',
      'main',
      '-level',
      '3.1',
      '-c:a',
      'aac',
    ]);
    expect(await readTsSegmentCodecs(main)).toEqual({ video: 'avc1.4d401f', audio: 'mp4a.40.2' });
    const high = await segment('high.ts', ['-c:v', 'libx264', '-preset', 'veryfast', '-level', '4.0']);
    expect((await readTsSegmentCodecs(high)).video).toBe('avc1.640028');
    const baseline = await segment('base.ts', ['-c:v', 'libx264', '-preset', 'ultrafast'], false);
    expect(await readTsSegmentCodecs(baseline)).toEqual({ video: 'avc1.42c00c', audio: null });
  });

  it('names HEVC from its profile_tier_level, MPEG audio by its layer, AC-3 by its stream type', async () => {
    const hevc = await segment('hevc.ts', [
      '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error',
      '-c:a', 'libmp3lame',
    ]); // prettier-ignore
    // Main profile (1), compatible with Main and Main 10 (flags 1 and 2, reversed: 0x6), level 2 (60), progressive
    // and frame-only source flags (0x90).
    expect(await readTsSegmentCodecs(hevc)).toEqual({ video: 'hvc1.1.6.L60.90', audio: 'mp4a.40.34' });
    const ac3 = await segment('ac3.ts', ['-c:v', 'libx264', '-c:a', 'ac3']);
    expect((await readTsSegmentCodecs(ac3)).audio).toBe('ac-3');
    const mp2 = await segment('mp2.ts', ['-c:v', 'libx264', '-c:a', 'mp2']);
    expect((await readTsSegmentCodecs(mp2)).audio).toBe('mp4a.40.33');
  });

  it('answers nulls for bytes that are not MPEG-TS, and for a truncated file', async () => {
    expect(parseTsCodecs(Buffer.from('#EXTM3U\n'.repeat(100)))).toEqual({ video: null, audio: null });
    const junk = path.join(dir, 'junk.ts');
    await writeFile(junk, Buffer.alloc(188 * 3, 0x47));
    expect(await readTsSegmentCodecs(junk)).toEqual({ video: null, audio: null });
  });
});

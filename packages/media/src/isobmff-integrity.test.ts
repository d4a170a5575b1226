import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIsoBmffIntegrity } from './isobmff-integrity.js';
import { generateTestClip } from './samples/test-clip-generate.js';
import { FFMPEG } from '../test-support/media-test-kit.js';

let dir = '';
let clip = '';

/** A box: 32-bit size, type, payload. */
function box(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-isobmff-'));
  clip = path.join(dir, 'clip.mp4');
  await generateTestClip({ ffmpegPath: FFMPEG, out: clip, seconds: 2, width: 320, height: 180 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkIsoBmffIntegrity', () => {
  it('passes a complete MP4', async () => {
    expect(await checkIsoBmffIntegrity(clip)).toBeNull();
  });

  it('names the box that a truncated copy cuts short', async () => {
    const cut = path.join(dir, 'cut.mp4');
    await copyFile(clip, cut);
    const size = (await readFile(clip)).length;
    // FFmpeg writes ftyp, free, mdat, moov: half the file ends inside mdat.
    await truncate(cut, Math.floor(size / 2));
    expect(await checkIsoBmffIntegrity(cut)).toMatch(
      new RegExp(`^truncated MP4: box 'mdat' declares \\d+ bytes but only \\d+ remain$`),
    );
    await copyFile(clip, cut);
    await truncate(cut, size - 10);
    expect(await checkIsoBmffIntegrity(cut)).toMatch(
      /^truncated MP4: box 'moov' declares (\d+) bytes but only \d+ remain$/,
    );
  });

  it('reports an MP4 that was never finalized (no moov)', async () => {
    const file = path.join(dir, 'nomoov.mp4');
    await writeFile(
      file,
      Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0')), box('mdat', Buffer.alloc(64))]),
    );
    expect(await checkIsoBmffIntegrity(file)).toMatch(/no 'moov' box/);
  });

  it('follows 64-bit box sizes', async () => {
    const large = Buffer.alloc(16 + 32);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(BigInt(large.length), 8);
    const file = path.join(dir, 'large.mp4');
    await writeFile(file, Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0')), large, box('moov')]));
    expect(await checkIsoBmffIntegrity(file)).toBeNull();
    large.writeBigUInt64BE(BigInt(1e12), 8);
    await writeFile(file, Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0')), large, box('moov')]));
    expect(await checkIsoBmffIntegrity(file)).toMatch(/box 'mdat' declares 1000000000000 bytes/);
  });

  it('returns null for files that are not ISO-BMFF', async () => {
    const text = path.join(dir, 'notes.txt');
    await writeFile(text, 'hello, this is not a video\n');
    expect(await checkIsoBmffIntegrity(text)).toBeNull();
    const empty = path.join(dir, 'empty.mp4');
    await writeFile(empty, '');
    expect(await checkIsoBmffIntegrity(empty)).toBeNull();
  });
});

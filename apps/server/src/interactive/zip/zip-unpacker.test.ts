import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import yauzl from 'yauzl';
import {
  buildZip,
  corruptCentralDirectory,
  encryptedEntry,
  rawZip,
  refusedPackage,
  samplePackage,
  tryUnpack,
  writtenPaths,
  ZIP_FLAGS,
  ZIP_METHODS,
  zipWorkspace,
  type RawEntry,
  type ZipWorkspace,
} from '../../../test-support/zip-fixtures.js';
import {
  PACKAGE_REJECTIONS,
  PackageError,
  unpackZip,
  ZIP_REJECTIONS,
  type PackageRejection,
  type UnpackLimits,
  type UnpackProgress,
} from './zip-unpacker.js';

/* The unpacker end to end: a good package, and every refusal but the names' (zip-entry-name.test.ts). */

const R = PACKAGE_REJECTIONS;
let ws: ZipWorkspace;

beforeEach(async () => {
  ws = await zipWorkspace();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await ws.cleanup();
});

/** Unpacks `zip` expecting a refusal; returns it. */
async function refusal(zip: Buffer, limits?: Partial<UnpackLimits>): Promise<PackageError> {
  const err = await tryUnpack(ws, zip, limits);
  expect(err).toBeInstanceOf(PackageError);
  return err as PackageError;
}

/** A refusal before anything was written: nothing in dest, nothing new beside it or above it. */
async function expectRefused(
  zip: Buffer,
  reason: PackageRejection,
  entry: string | null,
  limits?: Partial<UnpackLimits>,
): Promise<void> {
  const err = await refusal(zip, limits);
  expect({ reason: err.reason, entry: err.entry }).toEqual({ reason, entry });
  expect(err.message).toContain(reason);
  if (entry !== null) expect(err.message).toContain(JSON.stringify(entry));
  expect(await writtenPaths(ws)).toEqual(['stage', 'stage/dest']);
}

/** One harmless file, then `entry`. */
function withEntry(entry: RawEntry): Buffer {
  return rawZip([{ name: 'index.html', data: '<!doctype html>' }, entry]);
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    const st = await stat(path.join(dir, name));
    if (st.isFile()) total += st.size;
  }
  return total;
}

describe('unpackZip: a good package', () => {
  it('writes every file byte for byte, with fixed modes, and reports totals and progress', async () => {
    const sample = await samplePackage();
    const progress: UnpackProgress[] = [];
    const result = await unpackZip(await ws.writeZip(sample.zip), ws.dest, {}, (p) => progress.push(p));

    expect(result.entries.map((e) => [e.path, e.size])).toEqual(
      sample.files.map((f) => [f.path, f.data.length]),
    );
    const stored = result.entries.find((e) => e.path === 'assets/js/app.js');
    expect(stored?.compressedSize).toBe(stored?.size);
    const noise = result.entries.find((e) => e.path === 'assets/img/noise.bin');
    expect(noise!.compressedSize).toBeGreaterThan(0);
    const totalBytes = sample.files.reduce((n, f) => n + f.data.length, 0);
    expect(result.totalBytes).toBe(totalBytes);
    expect(result.compressedBytes).toBe(result.entries.reduce((n, e) => n + e.compressedSize, 0));
    expect(result.directories).toBe(sample.directories.length);

    const listed = (await readdir(ws.dest, { recursive: true })).sort();
    expect(listed).toEqual([...sample.files.map((f) => f.path), ...sample.directories].sort());
    for (const f of sample.files) {
      const file = path.join(ws.dest, f.path);
      expect(await readFile(file)).toEqual(f.data);
      expect((await stat(file)).mode & 0o777).toBe(0o644);
    }
    for (const d of sample.directories) expect((await stat(path.join(ws.dest, d))).mode & 0o777).toBe(0o755);

    const last = progress.at(-1);
    expect(last).toEqual({ entriesDone: 5, entriesTotal: 5, bytesDone: totalBytes, bytesTotal: totalBytes });
    expect(progress[0]).toEqual({ entriesDone: 0, entriesTotal: 5, bytesDone: 0, bytesTotal: totalBytes });
    // The 200 KiB file is reported along the way, not only at its end.
    expect(progress.length).toBeGreaterThan(5 + 1 + 2);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
      expect(progress[i]!.entriesDone).toBeGreaterThanOrEqual(progress[i - 1]!.entriesDone);
    }
  });

  it('lets a small, highly compressible file through (the ratio is judged above 1 MiB only)', async () => {
    const zip = await buildZip([{ path: 'blank.svg', data: Buffer.alloc(512 * 1024, 0x20) }]);
    expect(zip.length).toBeLessThan(4096);
    const result = await unpackZip(await ws.writeZip(zip), ws.dest);
    expect(result.totalBytes).toBe(512 * 1024);
  });

  it('unpacks an empty archive and exactly maxEntries entries', async () => {
    const progress: UnpackProgress[] = [];
    const empty = await unpackZip(await ws.writeZip(rawZip([])), ws.dest, {}, (p) => progress.push(p));
    expect(empty).toEqual({ entries: [], directories: 0, totalBytes: 0, compressedBytes: 0 });
    expect(progress).toEqual([{ entriesDone: 0, entriesTotal: 0, bytesDone: 0, bytesTotal: 0 }]);
    const five = rawZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    const result = await unpackZip(await ws.writeZip(five, 'five.zip'), ws.dest, { maxEntries: 5 });
    expect(result.entries).toHaveLength(5);
  });

  it('survives a progress callback that throws', async () => {
    const sample = await samplePackage();
    const result = await unpackZip(await ws.writeZip(sample.zip), ws.dest, {}, () => {
      throw new Error('broken progress bar');
    });
    expect(result.entries).toHaveLength(sample.files.length);
  });
});

describe('unpackZip: refusals before a byte is written', () => {
  it.each([
    ['random bytes', Buffer.from('this is not a zip file\n'.repeat(64))],
    ['an empty file', Buffer.alloc(0)],
    ['a bad central directory signature', corruptCentralDirectory(withEntry({ name: 'a.txt', data: 'a' }))],
    ['a stored entry whose two sizes differ', withEntry({ name: 'a.txt', data: 'abc', compressedSize: 2 })],
  ])('corrupt_zip: %s', async (_label, zip) => {
    await expectRefused(zip, R.corruptZip, null);
  });

  it('corrupt_zip: a valid zip truncated in the middle', async () => {
    const { zip } = await samplePackage();
    await expectRefused(zip.subarray(0, Math.floor(zip.length / 2)), R.corruptZip, null);
  });

  it('corrupt_zip: entries sharing their data, or data past the end of the file', async () => {
    const shared = rawZip([
      { name: 'a.bin', data: Buffer.alloc(8192, 7) },
      { name: 'b.bin', shareDataWith: 0 },
    ]);
    await expectRefused(shared, R.corruptZip, 'b.bin');
    const past = withEntry({
      name: 'x.bin',
      data: 'x',
      method: ZIP_METHODS.deflate,
      compressedSize: 1 << 20,
    });
    await expectRefused(past, R.corruptZip, 'x.bin');
  });

  it.each([
    ['the encryption bit', encryptedEntry('secret.html'), 'secret.html'],
    ['WinZip AES (method 99)', { ...encryptedEntry('aes.html'), method: ZIP_METHODS.aes }, 'aes.html'],
    // yauzl stops at the record itself, before the name is known.
    ['PKWARE strong encryption', { name: 'strong.html', data: 'x', flags: ZIP_FLAGS.strongEncryption }, null],
  ])('encrypted_entry: %s', async (_label, entry: RawEntry, shown) => {
    await expectRefused(withEntry(entry), R.encrypted, shown);
  });

  it('too_many_entries: more entries than maxEntries', async () => {
    const zip = rawZip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    await expectRefused(zip, R.tooManyEntries, null, { maxEntries: 5 });
  });

  it('too_large: declared total over maxTotalBytes, names the entry that crosses it', async () => {
    const files = ['a.bin', 'b.bin', 'c.bin'].map((name) => ({ name, data: Buffer.alloc(40 * 1024, 1) }));
    await expectRefused(rawZip(files), R.tooLarge, 'c.bin', { maxTotalBytes: 100 * 1024 });
  });

  it('too_large: one entry over maxEntryBytes', async () => {
    const zip = withEntry({ name: 'big.bin', data: Buffer.alloc(20 * 1024, 1) });
    await expectRefused(zip, R.tooLarge, 'big.bin', { maxEntryBytes: 10 * 1024 });
  });

  it('compression_ratio: 50 MiB of zeros deflated by a real zip writer', async () => {
    const zip = await buildZip([
      { path: 'index.html', data: 'hi' },
      { path: 'zeros.bin', data: Buffer.alloc(50 << 20) },
    ]);
    expect(zip.length).toBeLessThan(100 * 1024);
    await expectRefused(zip, R.compressionRatio, 'zeros.bin');
  });

  it('compression_ratio: many entries each under the floor, the archive as a whole over it', async () => {
    const zeros = Buffer.alloc(900 * 1024);
    const zip = rawZip(['a', 'b', 'c'].map((name) => ({ name, data: zeros, method: ZIP_METHODS.deflate })));
    await expectRefused(zip, R.compressionRatio, null);
  });

  it.each([
    ['bzip2', ZIP_METHODS.bzip2],
    ['LZMA', ZIP_METHODS.lzma],
    ['zstd', ZIP_METHODS.zstd],
  ])('unsupported_compression: %s', async (_label, method) => {
    await expectRefused(
      withEntry({ name: 'course.html', data: 'x', method }),
      R.unsupportedCompression,
      'course.html',
    );
  });

  it.each(ZIP_REJECTIONS)(
    'refusedPackage(%j) is refused for that reason under the default limits',
    async (reason) => {
      const fixture = await refusedPackage(reason);
      await expectRefused(fixture.zip, reason, fixture.entry);
    },
  );
});

describe('unpackZip: refusals while writing (the caller removes the staging dir)', () => {
  it('corrupt_zip: a CRC-32 that does not match the data', async () => {
    const err = await refusal(withEntry({ name: 'bad-crc.html', data: 'hello', crc32: 0x12345678 }));
    expect([err.reason, err.entry]).toEqual([R.corruptZip, 'bad-crc.html']);
  });

  it('corrupt_zip: a broken deflate stream', async () => {
    const entry = { name: 'broken.html', data: 'hello', method: 8, compressed: Buffer.alloc(64, 0xff) };
    const err = await refusal(withEntry(entry));
    expect([err.reason, err.entry]).toEqual([R.corruptZip, 'broken.html']);
  });

  it('a declared size that lies: refused at the declared size, not a byte more written', async () => {
    const liar = { name: 'liar.bin', data: Buffer.alloc(5 << 20), method: 8, uncompressedSize: 1024 };
    const err = await refusal(withEntry(liar));
    expect([err.reason, err.entry]).toEqual([R.corruptZip, 'liar.bin']);
    expect(await bytesUnder(ws.dest)).toBeLessThanOrEqual(1024 + '<!doctype html>'.length);
  });

  it('a declared size that lies, with a reader trusting it: the real bytes still stop at the limit', async () => {
    // Stands in for a yauzl that does not check sizes: only our own count of real bytes remains.
    type Open = (
      r: yauzl.RandomAccessReader,
      size: number,
      o: yauzl.Options,
      cb: (err: Error | null, z: yauzl.ZipFile) => void,
    ) => void;
    const realOpen = yauzl.fromRandomAccessReader.bind(yauzl) as Open;
    const trusting: Open = (r, size, o, cb) => realOpen(r, size, { ...o, validateEntrySizes: false }, cb);
    const spy = vi
      .spyOn(yauzl, 'fromRandomAccessReader')
      .mockImplementation(trusting as typeof yauzl.fromRandomAccessReader);
    const limit = 64 * 1024;
    const liar = { name: 'liar.bin', data: Buffer.alloc(5 << 20), method: 8, uncompressedSize: 1024 };
    const err = await refusal(withEntry(liar), { maxTotalBytes: limit });
    expect(spy).toHaveBeenCalled();
    expect([err.reason, err.entry]).toEqual([R.tooLarge, 'liar.bin']);
    expect(await bytesUnder(ws.dest)).toBeLessThanOrEqual(limit);
  });
});

describe('unpackZip: failures that are not the package', () => {
  it('throws the file-system error for a missing zip', async () => {
    const err: unknown = await unpackZip(path.join(ws.root, 'missing.zip'), ws.dest).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PackageError);
    expect(err).toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a destination that is not empty, and leaves it alone', async () => {
    const sample = await samplePackage();
    await ws.writeZip(sample.zip);
    const file = await ws.writeZip(sample.zip, 'again.zip');
    await unpackZip(file, ws.dest);
    const err: unknown = await unpackZip(file, ws.dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PackageError);
    expect((await readdir(ws.dest)).length).toBeGreaterThan(0);
  });

  it('rejects limits that are not positive', async () => {
    const file = await ws.writeZip(rawZip([]));
    await expect(unpackZip(file, ws.dest, { maxEntries: 0 })).rejects.toThrow(RangeError);
  });
});

describe.runIf(existsSync('/proc/self/fd'))('unpackZip: file descriptors', () => {
  it('closes the zip and every file it wrote, after success and after a refusal mid-stream', async () => {
    const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const good = await ws.writeZip((await samplePackage()).zip, 'good.zip');
    const liar = { name: 'liar.bin', data: Buffer.alloc(1 << 20), method: 8, uncompressedSize: 1024 };
    const bad = await ws.writeZip(rawZip([liar]), 'bad.zip');
    const before = await openFds();
    for (let i = 0; i < 10; i++) {
      const dest = path.join(ws.root, `run-${i}`);
      await mkdir(path.join(dest, 'good'), { recursive: true });
      await mkdir(path.join(dest, 'bad'));
      await unpackZip(good, path.join(dest, 'good'));
      await expect(unpackZip(bad, path.join(dest, 'bad'))).rejects.toBeInstanceOf(PackageError);
    }
    // yauzl closes its fd once the last read stream lets go: give it a moment, then count.
    let after = await openFds();
    for (let waited = 0; after > before + 2 && waited < 2000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await openFds();
    }
    expect(after).toBeLessThanOrEqual(before + 2);
  });
});

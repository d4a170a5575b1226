import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import {
  DEFAULT_UNPACK_LIMITS,
  PACKAGE_REJECTIONS,
  RATIO_FLOOR_BYTES,
  unpackZip,
  type UnpackLimits,
  type UnpackProgress,
  type ZipRejection,
} from '../src/interactive/zip/zip-unpacker.js';

/*
 * Zips for the unpacker's tests and the upload routes' tests: good ones built with yazl, and bad ones
 * from a raw writer of our own, since yazl (rightly) refuses to write absolute names, `..`, symlinks
 * or lying headers.
 */

/** Unix `st_mode` values (type and permissions) as zips store them in the high half of the attributes. */
export const UNIX_MODES = {
  file: 0o100644,
  executable: 0o100755,
  dir: 0o040755,
  symlink: 0o120777,
  fifo: 0o010644,
  charDevice: 0o020644,
  blockDevice: 0o060644,
  socket: 0o140755,
} as const;

/** Compression method ids of the zip spec (APPNOTE 4.4.5). */
export const ZIP_METHODS = { stored: 0, deflate: 8, bzip2: 12, lzma: 14, zstd: 93, aes: 99 } as const;

/** General purpose flag bits (APPNOTE 4.4.4). */
export const ZIP_FLAGS = { encrypted: 0x1, strongEncryption: 0x40, utf8: 0x800 } as const;

/** A Unix mode as a zip's external file attributes (version made by must say Unix, the default). */
export function unixAttributes(mode: number): number {
  return (mode << 16) >>> 0;
}

/** One entry for rawZip: any name, type, flag or size, true or not. */
export interface RawEntry {
  /** A string is written as UTF-8 (with bit 11 unless `utf8: false`); a Buffer byte for byte (CP437). */
  name: string | Buffer;
  /** The uncompressed content (default empty). */
  data?: Buffer | string;
  /** ZIP_METHODS id; deflate compresses `data` here, any other method stores `data` as it is. Default stored. */
  method?: number;
  utf8?: boolean;
  /** More general purpose bits (ZIP_FLAGS), or'ed in. */
  flags?: number;
  /** Default: a regular file (or a directory when the name ends in `/`), 0o644/0o755. */
  externalAttributes?: number;
  /** Default 0x031e: Unix, spec 3.0. */
  versionMadeBy?: number;
  /** Lies: written in both headers instead of the true values. */
  crc32?: number;
  uncompressedSize?: number;
  compressedSize?: number;
  /** The entry's data bytes exactly as written (e.g. a broken deflate stream); `data` still sets CRC and size. */
  compressed?: Buffer;
  /** Index of an earlier entry whose local header and data this one points at (an overlapping entry). */
  shareDataWith?: number;
}

interface Written {
  offset: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
}

/** A zip written byte by byte: local headers with data, central directory, end record. No zip64. */
export function rawZip(entries: readonly RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const flags = ((e.utf8 ?? typeof e.name === 'string') ? ZIP_FLAGS.utf8 : 0) | (e.flags ?? 0);
    const shared = e.shareDataWith === undefined ? undefined : written[e.shareDataWith];
    let w: Written;
    if (shared) {
      w = shared;
    } else {
      const data = Buffer.from(e.data ?? '');
      const method = e.method ?? ZIP_METHODS.stored;
      const body = e.compressed ?? (method === ZIP_METHODS.deflate ? deflateRawSync(data) : data);
      w = {
        offset,
        method,
        crc: e.crc32 ?? crc32(data),
        compressedSize: e.compressedSize ?? body.length,
        uncompressedSize: e.uncompressedSize ?? data.length,
      };
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(w.method, 8);
      local.writeUInt16LE(0, 10);
      local.writeUInt16LE(0x5821, 12); // 2024-01-01
      local.writeUInt32LE(w.crc, 14);
      local.writeUInt32LE(w.compressedSize, 18);
      local.writeUInt32LE(w.uncompressedSize, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      parts.push(local, name, body);
      offset += local.length + name.length + body.length;
    }
    written.push(w);
    const isDir = name.at(-1) === 0x2f;
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(e.versionMadeBy ?? 0x031e, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(flags, 8);
    record.writeUInt16LE(w.method, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(0x5821, 14);
    record.writeUInt32LE(w.crc, 16);
    record.writeUInt32LE(w.compressedSize, 20);
    record.writeUInt32LE(w.uncompressedSize, 24);
    record.writeUInt16LE(name.length, 28);
    // 30 extra length, 32 comment length, 34 disk, 36 internal attributes: all 0.
    const attributes = e.externalAttributes ?? unixAttributes(isDir ? UNIX_MODES.dir : UNIX_MODES.file);
    record.writeUInt32LE(attributes >>> 0, 38);
    record.writeUInt32LE(w.offset, 42);
    central.push(record, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** A stored entry with the encryption bit and the 12-byte encryption header its size must include. */
export function encryptedEntry(name: string, content = 'secret'): RawEntry {
  const data = Buffer.concat([Buffer.alloc(12, 0xa5), Buffer.from(content)]);
  return { name, data, flags: ZIP_FLAGS.encrypted, crc32: crc32(content), uncompressedSize: content.length };
}

/** A copy of `zip` whose central directory records no longer start with their signature. */
export function corruptCentralDirectory(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  const at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (at < 0) throw new Error('corruptCentralDirectory: no central directory record');
  out.writeUInt32LE(0xdeadbeef, at);
  return out;
}

/** One file or directory for buildZip. */
export interface ZipItem {
  /** A directory when it ends in `/`. */
  path: string;
  data?: Buffer | string;
  /** Deflate (default) or store. */
  compress?: boolean;
  /** Unix mode bits to record (yazl's default: 0o100664 for files, 0o40775 for directories). */
  mode?: number;
}

/** A well-formed zip, written by yazl. */
export async function buildZip(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const item of items) {
    const mode = item.mode === undefined ? {} : { mode: item.mode };
    if (item.path.endsWith('/')) zip.addEmptyDirectory(item.path, { mtime, ...mode });
    else
      zip.addBuffer(Buffer.from(item.data ?? ''), item.path, {
        mtime,
        compress: item.compress ?? true,
        ...mode,
      });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A valid package: files (archive order, with their content) and the directories it creates. */
export interface SamplePackage {
  zip: Buffer;
  files: { path: string; data: Buffer; compressed: boolean }[];
  directories: string[];
}

/**
 * A small HTML5 package: nested folders, listed and implied directories, a UTF-8 name, stored and deflated
 * files, an empty file, and 200 KiB of noise (several progress reports). Modes are odd on purpose (0o700,
 * 0o777): the unpacker must write 0o755/0o644 regardless.
 */
export async function samplePackage(): Promise<SamplePackage> {
  let seed = 1;
  const noise = Buffer.alloc(200 * 1024);
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = seed >>> 24;
  }
  const index = { path: 'index.html', data: Buffer.from('<!doctype html><a href="dossier/été.html">go</a>') };
  const ete = { path: 'dossier/été.html', data: Buffer.from('<p>Leçon d’été</p>\n'.repeat(50)) };
  const app = { path: 'assets/js/app.js', data: Buffer.from('console.log("hi");\n') };
  const img = { path: 'assets/img/noise.bin', data: noise };
  const empty = { path: 'empty.txt', data: Buffer.alloc(0) };
  const zip = await buildZip([
    index,
    { path: 'dossier/', mode: 0o040700 },
    ete,
    { ...app, compress: false, mode: 0o100777 },
    img,
    { path: 'assets/css/' },
    empty,
  ]);
  const files = [index, ete, app, img, empty].map((f) => ({ ...f, compressed: f !== app }));
  const directories = ['dossier', 'assets', 'assets/js', 'assets/img', 'assets/css'];
  return { zip, files, directories };
}

/** A zip unpackZip refuses with `reason`, and the `entry` the refusal names. */
export interface RefusedPackage {
  zip: Buffer;
  entry: string | null;
}

/**
 * A zip refused for `reason` under `limits` (default DEFAULT_UNPACK_LIMITS; pass the server's configured
 * limits when testing through it). Each is small and built in milliseconds, except too_many_entries,
 * which holds maxEntries + 1 entries (about 100 bytes each). Throws when the limits make the fixture
 * impossible (a ratio limit of 1000 or more, sizes beyond 4 GiB).
 */
export async function refusedPackage(
  reason: ZipRejection,
  limits: Partial<UnpackLimits> = {},
): Promise<RefusedPackage> {
  const lim = { ...DEFAULT_UNPACK_LIMITS, ...limits };
  const one = (entry: RawEntry, shown = String(entry.name)): RefusedPackage => ({
    zip: rawZip([{ name: 'index.html', data: '<!doctype html>' }, entry]),
    entry: shown,
  });
  switch (reason) {
    case PACKAGE_REJECTIONS.corruptZip:
      return { zip: Buffer.from('this is not a zip file\n'.repeat(64)), entry: null };
    case PACKAGE_REJECTIONS.encrypted:
      return one(encryptedEntry('secret.html'));
    case PACKAGE_REJECTIONS.zipSlip:
      return one({ name: '../escaped.html', data: 'x' });
    case PACKAGE_REJECTIONS.absolutePath:
      return one({ name: '/tmp/coursecast-absolute.html', data: 'x' });
    case PACKAGE_REJECTIONS.invalidName:
      return one({ name: 'bad\u0001name.html', data: 'x' }, 'bad\\x01name.html');
    case PACKAGE_REJECTIONS.reservedName:
      return one({ name: '__coursecast/scorm-runtime.js', data: 'window.API = {};' });
    case PACKAGE_REJECTIONS.symlink:
      return one({
        name: 'link.html',
        data: '/etc/passwd',
        externalAttributes: unixAttributes(UNIX_MODES.symlink),
      });
    case PACKAGE_REJECTIONS.specialFile:
      return one({ name: 'pipe', externalAttributes: unixAttributes(UNIX_MODES.fifo) });
    case PACKAGE_REJECTIONS.duplicateName:
      return one({ name: 'INDEX.html', data: 'twice' });
    case PACKAGE_REJECTIONS.tooManyEntries:
      if (lim.maxEntries >= 0xffff)
        throw new Error('refusedPackage: a too_many_entries fixture needs zip64 here');
      return {
        zip: rawZip(Array.from({ length: lim.maxEntries + 1 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }))),
        entry: null,
      };
    case PACKAGE_REJECTIONS.tooLarge: {
      // Only the central directory is read before the refusal, so the declared size need not be true.
      const declared = Math.min(lim.maxEntryBytes, lim.maxTotalBytes) + 1;
      if (declared > 0xfffffffe) throw new Error('refusedPackage: a too_large fixture needs zip64 here');
      return one({ name: 'big.bin', data: 'x', method: ZIP_METHODS.deflate, uncompressedSize: declared });
    }
    case PACKAGE_REJECTIONS.compressionRatio: {
      if (lim.maxRatio >= 1000) throw new Error('refusedPackage: zeros deflate about 1000:1 at most');
      return one({
        name: 'zeros.bin',
        data: Buffer.alloc(2 * RATIO_FLOOR_BYTES),
        method: ZIP_METHODS.deflate,
      });
    }
    case PACKAGE_REJECTIONS.unsupportedCompression:
      return one({ name: 'course.html', data: 'BZh9', method: ZIP_METHODS.bzip2 });
  }
}

/** A scratch folder: `dest` (empty, nested two levels down so `..` lands inside `root`) and zips to unpack. */
export interface ZipWorkspace {
  readonly root: string;
  readonly dest: string;
  /** Writes `zip` under root and returns its path. */
  writeZip(zip: Buffer, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a ZipWorkspace under the OS temp dir. */
export async function zipWorkspace(): Promise<ZipWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'coursecast-zip-'));
  const dest = path.join(root, 'stage', 'dest');
  await mkdir(dest, { recursive: true });
  return {
    root,
    dest,
    async writeZip(zip, name = 'package.zip') {
      const file = path.join(root, name);
      await writeFile(file, zip);
      return file;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Unpacks `zip` (written into the workspace) into `ws.dest`; returns what it threw, or null if it unpacked. */
export async function tryUnpack(
  ws: ZipWorkspace,
  zip: Buffer,
  limits?: Partial<UnpackLimits>,
  onProgress?: (p: UnpackProgress) => void,
): Promise<unknown> {
  const file = await ws.writeZip(zip);
  return unpackZip(file, ws.dest, limits, onProgress).then(
    () => null,
    (err: unknown) => err,
  );
}

/**
 * Everything in the workspace but the zips, sorted: `['stage', 'stage/dest']` when nothing was written,
 * neither in dest nor beside or above it (where a `..` would land).
 */
export async function writtenPaths(ws: ZipWorkspace): Promise<string[]> {
  const all = await readdir(ws.root, { recursive: true });
  return all
    .filter((p) => !p.endsWith('.zip'))
    .map((p) => p.split(path.sep).join('/'))
    .sort();
}

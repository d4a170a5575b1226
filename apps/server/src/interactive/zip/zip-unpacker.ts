import { chmod, mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type yauzl from 'yauzl';
import {
  PACKAGE_REJECTIONS,
  PackageError,
  readFailure,
  ZIP_REJECTIONS,
  type PackageRejection,
  type ZipRejection,
} from '../package-error.js';
import { openZip } from './zip-file-reader.js';
import { decodeEntryName, judgeEntryName, NameRegistry, type EntryName } from './zip-entry-name.js';

/*
 * Unpacks an instructor's HTML5/SCORM zip, the most dangerous input the server takes. Two passes over one
 * open zip: the first reads the whole central directory and judges every entry before a byte is written;
 * the second streams the files out, counting the real bytes, since a header may lie.
 */

// PackageError and its reasons live in package-error.ts; re-exported so callers import one module.
export { PACKAGE_REJECTIONS, PackageError, ZIP_REJECTIONS, type PackageRejection, type ZipRejection };

/** How much a package may hold. */
export interface UnpackLimits {
  maxEntries: number;
  /** Uncompressed bytes of all files, declared and actually written. */
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Largest uncompressed/compressed ratio of an entry or of the archive, above RATIO_FLOOR_BYTES. */
  maxRatio: number;
}

/** Limits for a caller with none of its own (the server passes its configured ones). */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 1024 ** 3,
  maxEntryBytes: 512 * 1024 ** 2,
  maxRatio: 100,
});

/**
 * Below this many uncompressed bytes the ratio is not judged: small text files (a minified script, a
 * run of SVG) often deflate 100x or more, and a 1 MiB bomb does no harm.
 */
export const RATIO_FLOOR_BYTES = 1024 ** 2;

/** A file written: its path in the package (`/`-separated, no leading slash) and sizes. */
export interface UnpackedEntry {
  path: string;
  size: number;
  compressedSize: number;
}

/** What was written: `entries` lists the files in archive order. */
export interface UnpackResult {
  entries: UnpackedEntry[];
  /** Directories created, listed in the zip or implied by a file's path. */
  directories: number;
  totalBytes: number;
  compressedBytes: number;
}

/** Files and bytes written so far, out of the files and declared bytes of the whole package. */
export interface UnpackProgress {
  entriesDone: number;
  entriesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const STORED = 0;
const DEFLATED = 8;
// WinZip AES: the data is encrypted even when general purpose bit 0 is clear.
const AES = 99;
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
const PROGRESS_EVERY_BYTES = 64 * 1024;
/** Files written at once (bench/unpack measures the effect). */
const WRITERS = 4;

interface PlannedEntry {
  readonly entry: yauzl.Entry;
  readonly name: EntryName;
}

interface Plan {
  /** Every entry to create, in archive order. */
  readonly entries: PlannedEntry[];
  readonly files: number;
  readonly declaredBytes: number;
  readonly compressedBytes: number;
}

/**
 * Unpacks `zipPath` into `destDir` (which must exist and be empty — the caller gives a fresh staging dir and
 * removes it on failure). Pass 1 reads the whole central directory and validates every entry (names, types,
 * counts, declared sizes, ratios, duplicates) before a single byte is written; pass 2 streams each file out,
 * counting real bytes (declared sizes may lie), so nothing is written for a refused package and the limits
 * hold even against lying headers. Refusals are PackageErrors; I/O failures are thrown as they are.
 */
export async function unpackZip(
  zipPath: string,
  destDir: string,
  limits?: Partial<UnpackLimits>,
  onProgress?: (p: UnpackProgress) => void,
): Promise<UnpackResult> {
  const lim = resolveLimits(limits);
  const root = path.resolve(destDir);
  const present = await readdir(root);
  if (present.length > 0) throw new Error(`unpackZip: ${root} is not empty`);
  const zipfile = await openZip(zipPath);
  // After the passes are over, a late error (closing the fd) must not become an uncaught exception.
  zipfile.on('error', () => {});
  try {
    const plan = await validate(zipfile, lim);
    return await extract(zipfile, plan, root, lim, onProgress);
  } finally {
    zipfile.close();
  }
}

function resolveLimits(limits: Partial<UnpackLimits> | undefined): UnpackLimits {
  const out = { ...DEFAULT_UNPACK_LIMITS };
  for (const key of Object.keys(out) as (keyof UnpackLimits)[]) {
    const value = limits?.[key];
    if (value === undefined) continue;
    if (!(value > 0)) throw new RangeError(`unpackZip: limit ${key} must be positive, got ${value}`);
    out[key] = value;
  }
  return out;
}

/** Pass 1: judges every entry of the central directory; throws the first refusal. */
async function validate(zipfile: yauzl.ZipFile, lim: UnpackLimits): Promise<Plan> {
  if (zipfile.entryCount > lim.maxEntries) {
    throw new PackageError(
      PACKAGE_REJECTIONS.tooManyEntries,
      null,
      `the zip lists ${zipfile.entryCount} entries, more than the limit of ${lim.maxEntries}`,
    );
  }
  const entries: PlannedEntry[] = [];
  const registry = new NameRegistry();
  const offsets = new Set<number>();
  let files = 0;
  let declaredBytes = 0;
  let compressedBytes = 0;
  let allCompressed = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      const name = checkEntry(entry, registry);
      if (entry.relativeOffsetOfLocalHeader + entry.compressedSize > zipfile.fileSize) {
        throw new PackageError(
          PACKAGE_REJECTIONS.corruptZip,
          name.path,
          'the entry lies past the end of the zip',
        );
      }
      // Entries sharing their data are the "overlapping files" zip bomb: each looks honest on its own.
      allCompressed += entry.compressedSize;
      if (offsets.has(entry.relativeOffsetOfLocalHeader) || allCompressed > zipfile.fileSize) {
        throw new PackageError(PACKAGE_REJECTIONS.corruptZip, name.path, 'entries overlap in the zip');
      }
      offsets.add(entry.relativeOffsetOfLocalHeader);
      entries.push({ entry, name });
      if (name.directory) continue;
      files += 1;
      declaredBytes += entry.uncompressedSize;
      compressedBytes += entry.compressedSize;
      checkSize(entry, name, declaredBytes, lim);
    }
  } catch (err) {
    throw readFailure(err, null);
  }
  if (declaredBytes > RATIO_FLOOR_BYTES && declaredBytes > lim.maxRatio * compressedBytes) {
    throw new PackageError(
      PACKAGE_REJECTIONS.compressionRatio,
      null,
      `the files expand ${ratio(declaredBytes, compressedBytes)} times, more than the limit of ${lim.maxRatio}`,
    );
  }
  return { entries, files, declaredBytes, compressedBytes };
}

/** Name, type, encryption, compression and collisions of one entry. */
function checkEntry(entry: yauzl.Entry, registry: NameRegistry): EntryName {
  const decoded = decodeEntryName(entry);
  const verdict = judgeEntryName(decoded, entry.fileNameRaw);
  if (!verdict.ok) throw new PackageError(verdict.reason, decoded, verdict.why);
  const { name } = verdict;
  // Only Unix hosts put a file type in the high half; other hosts leave it 0, which means "by the name".
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw new PackageError(PACKAGE_REJECTIONS.symlink, decoded, 'the entry is a symlink');
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    const detail = `the entry is a special file (Unix type 0o${type.toString(8)})`;
    throw new PackageError(PACKAGE_REJECTIONS.specialFile, decoded, detail);
  }
  if (!name.directory) {
    if (entry.isEncrypted() || entry.compressionMethod === AES) {
      throw new PackageError(PACKAGE_REJECTIONS.encrypted, decoded, 'the entry is encrypted');
    }
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      throw new PackageError(
        PACKAGE_REJECTIONS.unsupportedCompression,
        decoded,
        `compression method ${entry.compressionMethod} is not supported (only stored and deflate)`,
      );
    }
  }
  const clash = registry.claim(name);
  if (clash !== null) throw new PackageError(PACKAGE_REJECTIONS.duplicateName, decoded, clash);
  return name;
}

/** Declared sizes against the limits: the entry, the running total, the entry's ratio. */
function checkSize(entry: yauzl.Entry, name: EntryName, declaredTotal: number, lim: UnpackLimits): void {
  const size = entry.uncompressedSize;
  if (size > lim.maxEntryBytes) {
    const detail = `the entry declares ${size} bytes, more than the limit of ${lim.maxEntryBytes}`;
    throw new PackageError(PACKAGE_REJECTIONS.tooLarge, name.path, detail);
  }
  if (declaredTotal > lim.maxTotalBytes) {
    const detail = `the files declare over ${lim.maxTotalBytes} bytes in all (the limit) with this entry`;
    throw new PackageError(PACKAGE_REJECTIONS.tooLarge, name.path, detail);
  }
  if (size > RATIO_FLOOR_BYTES && size > lim.maxRatio * entry.compressedSize) {
    const detail = `the entry expands ${ratio(size, entry.compressedSize)} times, more than the limit of ${lim.maxRatio}`;
    throw new PackageError(PACKAGE_REJECTIONS.compressionRatio, name.path, detail);
  }
}

function ratio(size: number, compressed: number): string {
  return compressed === 0 ? 'infinitely many' : (size / compressed).toFixed(0);
}

/** Counters of pass 2, shared by the files as they are written. */
interface Extraction {
  readonly root: string;
  readonly lim: UnpackLimits;
  readonly plan: Plan;
  readonly made: Set<string>;
  readonly report: () => void;
  entriesDone: number;
  bytesDone: number;
}

/** Pass 2: creates the directories, then writes the files (results in archive order). */
async function extract(
  zipfile: yauzl.ZipFile,
  plan: Plan,
  root: string,
  lim: UnpackLimits,
  onProgress: ((p: UnpackProgress) => void) | undefined,
): Promise<UnpackResult> {
  const state: Extraction = {
    root,
    lim,
    plan,
    made: new Set(),
    entriesDone: 0,
    bytesDone: 0,
    report: () => {
      if (!onProgress) return;
      const p = { entriesDone: state.entriesDone, bytesDone: state.bytesDone };
      try {
        onProgress({ ...p, entriesTotal: plan.files, bytesTotal: plan.declaredBytes });
      } catch {
        // A broken progress bar must not fail (or half-fail) the unpack it observes.
      }
    },
  };
  state.report();
  // Every folder first, in archive order, so the files can then be written several at a time without two of
  // them racing to create the same folder.
  for (const { name } of plan.entries) {
    await makeDirs(state, name.directory ? name.segments : name.segments.slice(0, -1));
  }
  const files = plan.entries.filter((e) => !e.name.directory);
  const written: (UnpackedEntry | undefined)[] = new Array<UnpackedEntry | undefined>(files.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  // A few files at once: inflating (zlib's thread pool) and writing overlap instead of taking turns.
  const worker = async (): Promise<void> => {
    while (failure === null && next < files.length) {
      const i = next++;
      const { entry, name } = files[i]!;
      try {
        const size = await writeFile(zipfile, entry, name, state);
        written[i] = { path: name.path, size, compressedSize: entry.compressedSize };
        state.entriesDone += 1;
        state.report();
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, files.length) }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
  const entries = written as UnpackedEntry[];
  return {
    entries,
    directories: state.made.size,
    totalBytes: state.bytesDone,
    compressedBytes: plan.compressedBytes,
  };
}

/** Creates each missing level of `segments`, one at a time, so each gets DIR_MODE whatever the umask. */
async function makeDirs(state: Extraction, segments: readonly string[]): Promise<void> {
  for (let i = 1; i <= segments.length; i++) {
    const relative = segments.slice(0, i);
    const key = relative.join('/');
    if (state.made.has(key)) continue;
    const dir = inside(state.root, relative);
    // Not recursive: every level is new (the root was empty, names were judged), so EEXIST is a fault.
    await mkdir(dir, { mode: DIR_MODE });
    await chmod(dir, DIR_MODE);
    state.made.add(key);
  }
}

/** Streams one file out; returns the bytes written. */
async function writeFile(
  zipfile: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: EntryName,
  state: Extraction,
): Promise<number> {
  // 'wx': create or fail, so an existing file or a planted symlink is never followed or overwritten.
  const file = await open(inside(state.root, name.segments), 'wx', FILE_MODE);
  try {
    await file.chmod(FILE_MODE);
    let stream: Readable;
    try {
      stream = await zipfile.openReadStreamPromise(entry);
    } catch (err) {
      throw readFailure(err, name.path);
    }
    const { bytes, crc } = await copyCounted(stream, file, name, state);
    if (crc !== entry.crc32) {
      throw new PackageError(PACKAGE_REJECTIONS.corruptZip, name.path, 'the data fails its CRC-32 check');
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/** Copies `stream` into `file`, refusing the moment the real bytes pass a limit. */
async function copyCounted(
  stream: Readable,
  file: FileHandle,
  name: EntryName,
  state: Extraction,
): Promise<{ bytes: number; crc: number }> {
  // Errors yauzl forwards after we stopped reading (a destroyed inflater) have no one left to tell.
  stream.on('error', () => {});
  const { lim } = state;
  let bytes = 0;
  let crc = 0;
  let reported = state.bytesDone;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytes + chunk.length > lim.maxEntryBytes || state.bytesDone + chunk.length > lim.maxTotalBytes) {
        const detail = 'the data is longer than the limits allow (the header understated it)';
        throw new PackageError(PACKAGE_REJECTIONS.tooLarge, name.path, detail);
      }
      crc = crc32(chunk, crc);
      for (let at = 0; at < chunk.length;) at += (await file.write(chunk, at)).bytesWritten;
      bytes += chunk.length;
      state.bytesDone += chunk.length;
      if (state.bytesDone - reported >= PROGRESS_EVERY_BYTES) {
        reported = state.bytesDone;
        state.report();
      }
    }
  } catch (err) {
    stream.destroy();
    throw readFailure(err, name.path);
  }
  return { bytes, crc };
}

/** The absolute path of `segments` under `root`; a second guard, after the name checks, against escape. */
function inside(root: string, segments: readonly string[]): string {
  const target = path.resolve(root, ...segments);
  if (!target.startsWith(root + path.sep)) {
    throw new PackageError(PACKAGE_REJECTIONS.zipSlip, segments.join('/'), 'the entry resolves outside');
  }
  return target;
}

import { PACKAGE_REJECTIONS, type PackageRejection } from '@coursecast/semconv';
import yauzl from 'yauzl';
import { SERVER_DIR } from '../scorm/scorm-injector.js';

/*
 * The names of a zip's entries, judged before anything is written: where each would land, and whether
 * two of them would land on the same file on some file system.
 */

/** A name that passed every check: where the entry goes inside the package folder. */
export interface EntryName {
  /** `/`-separated, no leading or trailing slash, exactly as the archive spells it (case, normal form). */
  readonly path: string;
  readonly segments: readonly string[];
  /** The name ended in `/`: a directory entry. */
  readonly directory: boolean;
}

/** A name's verdict: the name, or the reason it is refused and why, in words. */
export type NameVerdict =
  | { readonly ok: true; readonly name: EntryName }
  | { readonly ok: false; readonly reason: PackageRejection; readonly why: string };

/** Longest segment and whole name, in UTF-8 bytes (ext4's NAME_MAX; a URL path we would serve). */
export const MAX_SEGMENT_BYTES = 255;
export const MAX_NAME_BYTES = 1024;
/** The longest `entry` a refusal carries (it lands on a span and in a JSON answer). */
export const MAX_SHOWN_NAME = 256;

// C0 (with NUL), DEL and C1: the delivery side refuses them in a URL, and they make names lie in a log.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
// `C:x` is relative to drive C's current directory, so a bare drive letter counts as absolute too.
const DRIVE = /^[A-Za-z]:/;

/**
 * An entry's name as text: UTF-8 when general purpose bit 11 says so (or an Info-ZIP Unicode Path field
 * matches), CP437 otherwise, with `\` turned into `/` (Windows tools write it as a separator).
 */
export function decodeEntryName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/**
 * Judges a decoded name. `raw` is the name's bytes in the archive: CP437 shows control bytes as
 * printable glyphs (0x01 is ☺), so they are looked for in the bytes as well as in the text.
 */
export function judgeEntryName(name: string, raw: Uint8Array): NameVerdict {
  if (name === '') return refuse(PACKAGE_REJECTIONS.invalidName, 'the name is empty');
  if (name.startsWith('/') || DRIVE.test(name)) {
    return refuse(PACKAGE_REJECTIONS.absolutePath, 'the name is an absolute path');
  }
  const directory = name.endsWith('/');
  const segments = (directory ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) {
    return refuse(PACKAGE_REJECTIONS.zipSlip, 'a ".." segment would climb out of the package');
  }
  if (raw.some((b) => b < 0x20 || b === 0x7f) || CONTROL.test(name)) {
    return refuse(PACKAGE_REJECTIONS.invalidName, 'the name holds a control character');
  }
  if (name.includes('\ufffd')) {
    return refuse(PACKAGE_REJECTIONS.invalidName, 'the name is not valid UTF-8');
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    return refuse(PACKAGE_REJECTIONS.invalidName, `the name is longer than ${MAX_NAME_BYTES} bytes`);
  }
  for (const segment of segments) {
    if (segment === '') return refuse(PACKAGE_REJECTIONS.invalidName, 'the name has an empty segment');
    if (segment === '.') return refuse(PACKAGE_REJECTIONS.invalidName, 'the name has a "." segment');
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return refuse(PACKAGE_REJECTIONS.invalidName, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  if (foldName(segments[0] ?? '') === SERVER_DIR) {
    return refuse(PACKAGE_REJECTIONS.reservedName, `the top-level "${SERVER_DIR}" folder is the server's`);
  }
  return { ok: true, name: { path: segments.join('/'), segments, directory } };
}

/**
 * The form two names share when a file system could take them for one file: NFC (macOS decomposes
 * `é`) and lower case (macOS and Windows ignore case).
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** A name fit to show: control characters written as `\xNN`, at most MAX_SHOWN_NAME characters. */
export function showName(name: string): string {
  const escaped = name.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (escaped.length <= MAX_SHOWN_NAME) return escaped;
  const cut = escaped.slice(0, MAX_SHOWN_NAME);
  // Never end on half a surrogate pair (an emoji cut in two is not valid UTF-16).
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Remembers every path a package claims, files and directories (listed or implied by a file's path), so
 * that no two entries land on one file: the same name twice, two names that differ only in case or
 * Unicode normal form, or a file where another entry needs a directory.
 */
export class NameRegistry {
  private readonly files = new Set<string>();
  private readonly listedDirs = new Set<string>();
  private readonly impliedDirs = new Set<string>();

  /** Records `name`; returns why it collides with an earlier one, or null. */
  claim(name: EntryName): string | null {
    const folded = name.segments.map(foldName);
    for (let i = 1; i < folded.length; i++) {
      const parent = folded.slice(0, i).join('/');
      if (this.files.has(parent)) return 'a parent folder of this entry is a file of the package';
      this.impliedDirs.add(parent);
    }
    const key = folded.join('/');
    if (this.files.has(key)) return 'another entry has the same name (ignoring case and Unicode form)';
    if (name.directory) {
      if (this.listedDirs.has(key)) return 'the folder is listed twice (ignoring case and Unicode form)';
      this.listedDirs.add(key);
      return null;
    }
    if (this.listedDirs.has(key) || this.impliedDirs.has(key)) {
      return 'a folder of the package has the same name as this file';
    }
    this.files.add(key);
    return null;
  }
}

function refuse(reason: PackageRejection, why: string): NameVerdict {
  return { ok: false, reason, why };
}

import { AppError } from '../errors.js';

// The content-URL grammar, in one place: `/media/<item>/<version>/<file...>` for learners (through an edge),
// `/origin/media/...` for edges asking the origin. A version is a published ladder's id, `source` (the uploaded
// file, for direct play) or `jit-<session>` (a just-in-time session's window).

/** URL prefix of everything delivered; the origin also answers it under ORIGIN_PREFIX for edges. */
export const MEDIA_PREFIX = '/media/';

/** The origin's own prefix, which edges (embedded, remote, nginx) fetch from. */
export const ORIGIN_PREFIX = '/origin/media/';

/** The version segment of a session's URLs: `/media/<item>/jit-<session>/index.m3u8`. */
export const JIT_VERSION_PREFIX = 'jit-';

/** Public URL path of a file in a version, e.g. `/media/itm_1/job_2/master.m3u8` (`file` already encoded). */
export function mediaUrlPath(itemId: string, version: string, file: string): string {
  return `${MEDIA_PREFIX}${encodeURIComponent(itemId)}/${encodeURIComponent(version)}/${file}`;
}

/** The version segment naming a just-in-time session. */
export function jitVersion(sessionId: string): string {
  return `${JIT_VERSION_PREFIX}${sessionId}`;
}

/** The session id a version names, or null when the version is not a just-in-time one. */
export function jitSessionOf(version: string): string | null {
  return version.startsWith(JIT_VERSION_PREFIX) ? version.slice(JIT_VERSION_PREFIX.length) : null;
}

/** A validated delivery path: `/media/<item>/<version>/<file...>`. */
export interface ContentPath {
  readonly itemId: string;
  readonly version: string;
  /** Decoded file path inside the version, `/`-separated, e.g. `720p/seg_00001.m4s`. */
  readonly file: string;
  /** Decoded segments of `file`. */
  readonly fileSegments: readonly string[];
}

/**
 * The version segment of an item's uploaded source, for direct play: `/media/<item>/source/<file>`; its caption
 * tracks' WebVTT sit beside it, `/media/<item>/source/captions/<file>` (caption-urls.ts).
 */
export const SOURCE_VERSION = 'source';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PATH = 1024;
// Control characters (C0 with NUL, DEL, C1) and the Windows separator never belong in a content name.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * Parses the raw (still percent-encoded) part of a URL after the media prefix. Each segment is decoded
 * on its own, so `%2e%2e`, `%2f` and `%00` are judged after decoding and can never become a separator or
 * a parent step. Dot-names (staging dirs of running jobs) are reported as missing, not as forbidden.
 */
export function parseContentPath(raw: string): ContentPath {
  if (raw.length > MAX_PATH) throw new AppError('invalid_path', `path longer than ${MAX_PATH} characters`);
  const parts = raw.split('/');
  const decoded: string[] = [];
  for (const part of parts) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      throw new AppError('invalid_path', `malformed percent-encoding in path segment "${part.slice(0, 64)}"`);
    }
    if (segment === '')
      throw new AppError('invalid_path', 'empty path segment (a doubled or trailing slash)');
    if (segment === '.' || segment === '..') {
      throw new AppError('invalid_path', 'path segments "." and ".." are not allowed');
    }
    if (segment.includes('/') || FORBIDDEN.test(segment)) {
      throw new AppError('invalid_path', 'path segment contains a slash, backslash or control character');
    }
    if (segment.startsWith('.')) throw new AppError('object_not_found');
    decoded.push(segment);
  }
  const [itemId, version, ...fileSegments] = decoded;
  if (itemId === undefined || version === undefined || fileSegments.length === 0) {
    throw new AppError('invalid_path', 'expected /media/<item>/<version>/<file>');
  }
  if (!ID.test(itemId)) throw new AppError('item_not_found', `No such item: ${itemId.slice(0, 64)}`);
  if (!ID.test(version)) throw new AppError('object_not_found', `No such version: ${version.slice(0, 64)}`);
  return { itemId, version, fileSegments, file: fileSegments.join('/') };
}

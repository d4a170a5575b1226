import { AppError } from '../errors.js';

/** A validated delivery path: `/media/<item>/<version>/<file...>`. */
export interface ContentPath {
  readonly itemId: string;
  readonly version: string;
  /** Decoded file path inside the version, `/`-separated, e.g. `720p/seg_00001.m4s`. */
  readonly file: string;
  /** Decoded segments of `file`. */
  readonly fileSegments: readonly string[];
}

/** The version segment of an item's uploaded source, for direct play: `/media/<item>/source/<file>`. */
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

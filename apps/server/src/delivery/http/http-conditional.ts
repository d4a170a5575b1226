import type { IncomingHttpHeaders } from 'node:http';
import parseRange from 'range-parser';

/** What the validators of one stored representation are. */
export interface Representation {
  /** Strong ETag, quoted. */
  readonly etag: string;
  /** Last-Modified in ms since the epoch (whole seconds: HTTP dates have no finer resolution). */
  readonly lastModifiedMs: number;
  readonly size: number;
}

/** How to answer a GET/HEAD for a representation (RFC 9110 §13 preconditions, §14 ranges). */
export type Answer =
  | { readonly status: 200 }
  | { readonly status: 206; readonly start: number; readonly end: number }
  | { readonly status: 304 }
  | { readonly status: 412; readonly reason: string }
  | { readonly status: 416; readonly reason: string };

const FULL: Answer = { status: 200 };
const NOT_MODIFIED: Answer = { status: 304 };

function etagList(header: string): string[] {
  return header.split(',').map((t) => t.trim());
}

// Weak comparison for If-None-Match: `W/"x"` matches `"x"`.
function weakMatch(list: string[], etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return list.some((t) => t === '*' || t.replace(/^W\//, '') === bare);
}

// Strong comparison for If-Match and If-Range: weak tags never match.
function strongMatch(list: string[], etag: string): boolean {
  return list.some((t) => t === '*' || (!t.startsWith('W/') && t === etag));
}

// The three HTTP-date forms (RFC 9110 §5.6.7). Date.parse alone accepts far more ("0", "2999", ISO 8601),
// and reads asctime, which has no zone, in the server's local zone instead of GMT.
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

/** Ms since the epoch of a valid HTTP-date; null for anything else, which a recipient must ignore. */
function parseDate(value: string | undefined): number | null {
  if (!value) return null;
  const text = value.trim();
  let gmt: string;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) gmt = text;
  else if (ASCTIME_DATE.test(text)) gmt = `${text} GMT`;
  else return null;
  const ms = Date.parse(gmt);
  return Number.isNaN(ms) ? null : ms;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * range-parser drops a suffix-range longer than the object as unsatisfiable, but RFC 9110 §14.1.3 says "the
 * entire representation is used": shorten such suffixes to the object's size before parsing.
 */
function clampSuffixes(range: string, size: number): string {
  return range.replace(/([=,]\s*)-\s*(\d+)/g, (all, lead: string, digits: string) =>
    Number(digits) > size ? `${lead}-${size}` : all,
  );
}

/**
 * Evaluates the preconditions and the Range of a GET or HEAD in RFC 9110 order. Multi-range requests
 * get the whole object (allowed by §14.2; multipart/byteranges buys players nothing); a malformed or
 * unsatisfiable bytes range is refused with 416 rather than silently ignored, so a broken client sees it.
 */
export function evaluateRequest(headers: IncomingHttpHeaders, rep: Representation): Answer {
  const ifMatch = header(headers, 'if-match');
  if (ifMatch !== undefined && !strongMatch(etagList(ifMatch), rep.etag)) {
    return { status: 412, reason: `If-Match ${ifMatch} does not match ${rep.etag}` };
  }
  if (ifMatch === undefined) {
    const since = parseDate(header(headers, 'if-unmodified-since'));
    if (since !== null && rep.lastModifiedMs > since) {
      return { status: 412, reason: 'the object was modified after If-Unmodified-Since' };
    }
  }
  const ifNoneMatch = header(headers, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (weakMatch(etagList(ifNoneMatch), rep.etag)) return NOT_MODIFIED;
  } else {
    const since = parseDate(header(headers, 'if-modified-since'));
    if (since !== null && rep.lastModifiedMs <= since) return NOT_MODIFIED;
  }

  const range = header(headers, 'range');
  if (range === undefined) return FULL;
  const ifRange = header(headers, 'if-range');
  if (ifRange !== undefined) {
    const date = ifRange.startsWith('"') || ifRange.startsWith('W/') ? null : parseDate(ifRange);
    // An entity-tag or an HTTP-date, nothing else: "*" is not an If-Range validator (§13.1.5).
    const tag = ifRange.trim();
    const current = date !== null ? rep.lastModifiedMs === date : tag !== '*' && strongMatch([tag], rep.etag);
    if (!current) return FULL;
  }
  // Other units must be ignored (RFC 9110 §14.2).
  if (!/^\s*bytes\s*=/i.test(range)) return FULL;
  const parsed = parseRange(rep.size, clampSuffixes(range, rep.size), { combine: true });
  if (parsed === -2) return { status: 416, reason: `malformed Range header: ${range.slice(0, 100)}` };
  if (parsed === -1 || parsed.length === 0) {
    return { status: 416, reason: `range ${range.slice(0, 100)} is outside the ${rep.size}-byte object` };
  }
  if (parsed.length > 1) return FULL;
  const [first] = parsed;
  if (!first) return FULL;
  return { status: 206, start: first.start, end: first.end };
}

/** A strong ETag from file identity: versioned files never change in place, so size+mtime+inode is exact. */
export function fileEtag(size: number, mtimeMs: number, ino: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}-${ino.toString(16)}"`;
}

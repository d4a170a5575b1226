import { decodeCmcd, type CmcdEventType } from '@svta/cml-cmcd';
import { AppError } from '../../errors.js';

/**
 * Readable names of the CMCD v2 event types (the `e` key, CTA-5004-B). Checked against the library's
 * `CmcdEventType`, so a library upgrade that adds a type fails the typecheck until it is named here.
 * `h` (hostname changed) is in the library's documentation of `e` but not yet in its `CmcdEventType`.
 */
export const CMCD_EVENT_NAMES = {
  ps: 'play_state',
  e: 'error',
  t: 'time_interval',
  c: 'content_id_change',
  b: 'background_change',
  bc: 'bitrate_change',
  pr: 'playback_rate_change',
  m: 'mute',
  um: 'unmute',
  pe: 'player_expand',
  pc: 'player_collapse',
  rr: 'response_received',
  as: 'ad_start',
  ae: 'ad_end',
  abs: 'ad_break_start',
  abe: 'ad_break_end',
  sk: 'skip',
  ce: 'custom_event',
  h: 'hostname_change',
} as const satisfies Record<CmcdEventType | 'h', string>;

/** The name of an event type this server does not know (a later CMCD revision's, or a typo). */
export const CMCD_UNKNOWN_EVENT_NAME = 'unknown';

export type CmcdEventName =
  (typeof CMCD_EVENT_NAMES)[keyof typeof CMCD_EVENT_NAMES] | typeof CMCD_UNKNOWN_EVENT_NAME;

/** Why a line was dropped; a fixed set, so the drops can be counted by reason. */
export const CMCD_REJECT_REASONS = {
  undecodable: 'undecodable',
  missing_event: 'missing_event',
  invalid_event: 'invalid_event',
  invalid_ts: 'invalid_ts',
  invalid_sid: 'invalid_sid',
  invalid_cid: 'invalid_cid',
} as const;

export type CmcdRejectReason = (typeof CMCD_REJECT_REASONS)[keyof typeof CMCD_REJECT_REASONS];

const REASON_TEXT: Record<CmcdRejectReason, string> = {
  undecodable: 'not a CMCD structured-field dictionary (RFC 8941)',
  missing_event: 'no event key "e"',
  invalid_event: 'the event key "e" is not a token',
  invalid_ts: 'the timestamp "ts" is not a non-negative number',
  invalid_sid: 'the session id "sid" is not a string',
  invalid_cid: 'the content id "cid" is not a string',
};

/** An attribute value, in the shapes an OpenTelemetry attribute accepts. */
export type CmcdAttrValue = string | number | boolean | string[] | number[] | boolean[];

/** One decoded event-mode record. */
export interface CmcdEventRecord {
  /** The raw `e` key, e.g. 'ps', 'rr'. */
  event: string;
  /** Readable name of `event` from CMCD_EVENT_NAMES, 'unknown' for a type not listed there. */
  eventName: CmcdEventName;
  /** `ts`, epoch milliseconds; null when the player left it out. */
  ts: number | null;
  sid: string | null;
  cid: string | null;
  /** Every other key, prefixed `cmcd.` (e.g. 'cmcd.sta', 'cmcd.rc', 'cmcd.url'). */
  attrs: Record<string, CmcdAttrValue>;
}

export interface CmcdRejectedLine {
  /** 1-based line number in the body, blank lines counted. */
  line: number;
  reason: CmcdRejectReason;
}

export interface CmcdDecodeLimits {
  /** Most non-blank lines a body may hold. */
  maxRecords: number;
  /** Longest line, in UTF-8 bytes, without its line break. */
  maxLineBytes: number;
}

export interface CmcdEventsResult {
  records: CmcdEventRecord[];
  rejected: CmcdRejectedLine[];
}

export const CMCD_ATTR_PREFIX = 'cmcd.';

/** Describes a rejection for a person: 'line 3: no event key "e"'. */
export function describeRejection(rejected: CmcdRejectedLine): string {
  return `line ${rejected.line}: ${REASON_TEXT[rejected.reason]}`;
}

// Structured-field items that carry parameters stay `{ value, params }` after decoding (CMCD v2 uses
// them for per-object-type values such as `bl=(21300;v 19800;a)`); the duck type avoids importing
// @svta/cml-structured-field-values, of which apps/server resolves a different copy than the library.
interface ParamItem {
  value: unknown;
  params: Record<string, unknown>;
}

function isParamItem(value: unknown): value is ParamItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    'value' in value &&
    'params' in value &&
    typeof value.params === 'object' &&
    value.params !== null
  );
}

function scalar(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'symbol') return value.description ?? '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `(${value.map((item) => String(scalar(item))).join(' ')})`;
  if (isParamItem(value)) {
    // Kept as text rather than dropped: the parameter says which object type the number is for.
    const params = Object.entries(value.params)
      .map(([key, param]) => (param === true ? `;${key}` : `;${key}=${String(scalar(param))}`))
      .join('');
    return `${String(scalar(value.value))}${params}`;
  }
  return String(value);
}

function attrValue(value: unknown): CmcdAttrValue {
  if (!Array.isArray(value)) return scalar(value);
  const items = value.map(scalar);
  // OpenTelemetry attribute arrays are homogeneous; a mixed inner list becomes text.
  if (items.every((item) => typeof item === 'number')) return items;
  if (items.every((item) => typeof item === 'boolean')) return items;
  return items.map(String);
}

function decodeLine(text: string): CmcdEventRecord | CmcdRejectReason {
  let data: Record<string, unknown>;
  try {
    // useSymbol keeps tokens apart from strings: CTA-5004 types `e` as a token and `sid`, `cid` as strings,
    // so `e="ps"` and `sid=abc` are the wrong types, not spellings to guess at.
    data = decodeCmcd(text, { useSymbol: true });
  } catch {
    return CMCD_REJECT_REASONS.undecodable;
  }
  const { ts, sid, cid } = data;
  if (data['e'] === undefined) return CMCD_REJECT_REASONS.missing_event;
  if (typeof data['e'] !== 'symbol') return CMCD_REJECT_REASONS.invalid_event;
  const e = data['e'].description ?? '';
  if (ts !== undefined && !(typeof ts === 'number' && Number.isFinite(ts) && ts >= 0)) {
    return CMCD_REJECT_REASONS.invalid_ts;
  }
  if (sid !== undefined && typeof sid !== 'string') return CMCD_REJECT_REASONS.invalid_sid;
  if (cid !== undefined && typeof cid !== 'string') return CMCD_REJECT_REASONS.invalid_cid;
  const attrs: Record<string, CmcdAttrValue> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'e' || key === 'ts' || key === 'sid' || key === 'cid') continue;
    attrs[CMCD_ATTR_PREFIX + key] = attrValue(value);
  }
  return {
    event: e,
    // hasOwn: an `e` such as `constructor` must not find an Object.prototype member.
    eventName: Object.hasOwn(CMCD_EVENT_NAMES, e)
      ? CMCD_EVENT_NAMES[e as keyof typeof CMCD_EVENT_NAMES]
      : CMCD_UNKNOWN_EVENT_NAME,
    ts: ts ?? null,
    sid: sid ?? null,
    cid: cid ?? null,
    attrs,
  };
}

function tooLong(line: string, maxBytes: number): boolean {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit, so most lines are judged without encoding them.
  if (line.length > maxBytes) return true;
  return line.length * 3 > maxBytes && Buffer.byteLength(line, 'utf8') > maxBytes;
}

/**
 * Decodes a CMCD v2 event-mode body (`Content-Type: application/cmcd`, one record a line). Bad lines are
 * returned in `rejected`; throws `payload_too_large` over the limits and `invalid_body` when no line is good.
 */
export function decodeCmcdEvents(text: string, limits: CmcdDecodeLimits): CmcdEventsResult {
  const records: CmcdEventRecord[] = [];
  const rejected: CmcdRejectedLine[] = [];
  const lines = text.split('\n');
  let count = 0;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const lineNumber = index + 1;
    if (tooLong(line, limits.maxLineBytes)) {
      throw new AppError(
        'payload_too_large',
        `CMCD line ${lineNumber} is longer than ${limits.maxLineBytes} bytes`,
        { line: lineNumber, maxLineBytes: limits.maxLineBytes },
      );
    }
    if (line.trim() === '') continue;
    // Counted before decoding, so undecodable lines cannot slip past the limit.
    count++;
    if (count > limits.maxRecords) {
      throw new AppError('payload_too_large', `The body holds more than ${limits.maxRecords} CMCD records`, {
        maxRecords: limits.maxRecords,
      });
    }
    const decoded = decodeLine(line);
    if (typeof decoded === 'string') rejected.push({ line: lineNumber, reason: decoded });
    else records.push(decoded);
  }
  if (records.length === 0) {
    const first = rejected[0];
    throw new AppError(
      'invalid_body',
      first === undefined
        ? 'The body holds no CMCD record'
        : `The body holds no valid CMCD record; ${describeRejection(first)}`,
      first === undefined ? undefined : { line: first.line, reason: first.reason },
    );
  }
  return { records, rejected };
}

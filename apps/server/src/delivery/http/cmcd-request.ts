import type { IncomingHttpHeaders } from 'node:http';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { CmcdObjectType, CmcdStreamType, CmcdStreamingFormat, decodeCmcd } from '@svta/cml-cmcd';
import {
  ATTR_CMCD_BITRATE_KBPS,
  ATTR_CMCD_BUFFER_LENGTH_MS,
  ATTR_CMCD_BUFFER_STARVATION,
  ATTR_CMCD_CONTENT_ID,
  ATTR_CMCD_DEADLINE_MS,
  ATTR_CMCD_MEASURED_THROUGHPUT_KBPS,
  ATTR_CMCD_NEXT_OBJECT,
  ATTR_CMCD_OBJECT_DURATION_MS,
  ATTR_CMCD_OBJECT_TYPE,
  ATTR_CMCD_PLAYBACK_RATE,
  ATTR_CMCD_REQUESTED_THROUGHPUT_KBPS,
  ATTR_CMCD_STARTUP,
  ATTR_CMCD_STREAM_TYPE,
  ATTR_CMCD_STREAMING_FORMAT,
  ATTR_CMCD_TOP_BITRATE_KBPS,
  ATTR_CMCD_VERSION,
  ATTR_SESSION_ID,
  CMCD_SOURCES,
  type CmcdSource,
} from '@coursecast/semconv';

/** The CMCD a player sent with one request, ready to put on the request's span. */
export interface RequestCmcd {
  /** 'query' | 'header' (CMCD_SOURCES from @coursecast/semconv), null when the request carried no CMCD. */
  source: CmcdSource | null;
  /** Span attributes (keys from @coursecast/semconv cdn-attributes.ts: ATTR_SESSION_ID for sid, ATTR_CMCD_*). Empty when none or malformed. */
  attributes: Attributes;
  /** CMCD `sid`, if present and valid. */
  sessionId: string | null;
  /** CMCD `ot`, if present. */
  objectType: string | null;
  /** Human-readable reason when the CMCD was present but malformed (the request is still served); null otherwise. */
  error: string | null;
}

/** Longest CMCD payload read (decoded query value, or all four headers together), in characters. */
export const CMCD_MAX_INPUT_CHARS = 4096;
/** Longest string value kept (`sid`, `cid`, `nor`); CTA-5004 asks for 64 (sid) and 128 (cid), players exceed that. */
export const CMCD_MAX_STRING_CHARS = 256;

const EMPTY_ATTRIBUTES: Attributes = Object.freeze({});
const NONE: RequestCmcd = Object.freeze({
  source: null,
  attributes: EMPTY_ATTRIBUTES,
  sessionId: null,
  objectType: null,
  error: null,
});

// Node lowercases header names; the order is the CTA-5004 shard order, used in error messages.
const HEADER_SHARDS = ['cmcd-object', 'cmcd-request', 'cmcd-session', 'cmcd-status'] as const;

/**
 * How one CMCD key is checked. The value types are CTA-5004's: Integer and Decimal keys must be
 * structured-field numbers, String keys quoted strings, Token keys bare tokens from the spec's list.
 * `list` keys become inner lists in CMCD v2 (`br=(3000)`); the attribute keeps the first item, the one
 * that applies to the requested object.
 */
interface KeyRule {
  readonly attr: string;
  readonly kind: 'integer' | 'decimal' | 'boolean' | 'string' | 'token';
  readonly list?: true;
  readonly tokens?: ReadonlySet<string>;
}

const tokens = (values: Record<string, string>): ReadonlySet<string> => new Set(Object.values(values));

// A Map, not an object literal: a decoded key such as `constructor` must not find Object.prototype members.
const RULES = new Map<string, KeyRule>([
  ['sid', { attr: ATTR_SESSION_ID, kind: 'string' }],
  ['cid', { attr: ATTR_CMCD_CONTENT_ID, kind: 'string' }],
  ['ot', { attr: ATTR_CMCD_OBJECT_TYPE, kind: 'token', tokens: tokens(CmcdObjectType) }],
  ['br', { attr: ATTR_CMCD_BITRATE_KBPS, kind: 'integer', list: true }],
  ['bl', { attr: ATTR_CMCD_BUFFER_LENGTH_MS, kind: 'integer', list: true }],
  ['mtp', { attr: ATTR_CMCD_MEASURED_THROUGHPUT_KBPS, kind: 'integer', list: true }],
  ['tb', { attr: ATTR_CMCD_TOP_BITRATE_KBPS, kind: 'integer', list: true }],
  ['d', { attr: ATTR_CMCD_OBJECT_DURATION_MS, kind: 'integer' }],
  ['dl', { attr: ATTR_CMCD_DEADLINE_MS, kind: 'integer' }],
  ['rtp', { attr: ATTR_CMCD_REQUESTED_THROUGHPUT_KBPS, kind: 'integer' }],
  ['pr', { attr: ATTR_CMCD_PLAYBACK_RATE, kind: 'decimal' }],
  ['bs', { attr: ATTR_CMCD_BUFFER_STARVATION, kind: 'boolean' }],
  ['su', { attr: ATTR_CMCD_STARTUP, kind: 'boolean' }],
  ['st', { attr: ATTR_CMCD_STREAM_TYPE, kind: 'token', tokens: tokens(CmcdStreamType) }],
  ['sf', { attr: ATTR_CMCD_STREAMING_FORMAT, kind: 'token', tokens: tokens(CmcdStreamingFormat) }],
  ['nor', { attr: ATTR_CMCD_NEXT_OBJECT, kind: 'string', list: true }],
]);

function expected(rule: KeyRule, v2: boolean): string {
  const one =
    rule.kind === 'integer'
      ? 'a non-negative integer'
      : rule.kind === 'decimal'
        ? 'a non-negative number'
        : rule.kind === 'boolean'
          ? 'a boolean'
          : rule.kind === 'string'
            ? `a quoted string of at most ${CMCD_MAX_STRING_CHARS} characters`
            : `one of the tokens ${[...(rule.tokens ?? [])].join(', ')}`;
  return v2 && rule.list ? `${one}, or an inner list of them` : one;
}

/** The bare value of a structured-field item: the library keeps items that carry parameters as `{ value, params }`. */
function bareItem(item: unknown): unknown {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && 'value' in item
    ? item.value
    : item;
}

/** The checked value of one key, or undefined when it has the wrong type or range. */
function checkValue(rule: KeyRule, raw: unknown): AttributeValue | undefined {
  switch (rule.kind) {
    case 'integer':
      return typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
    case 'decimal':
      return typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 ? raw : undefined;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'string':
      return typeof raw === 'string' && raw.length <= CMCD_MAX_STRING_CHARS ? raw : undefined;
    case 'token': {
      // Decoded with useSymbol, so a token is a Symbol and a quoted string stays a string.
      const token = typeof raw === 'symbol' ? raw.description : undefined;
      return token !== undefined && rule.tokens?.has(token) ? token : undefined;
    }
  }
}

function checkKey(rule: KeyRule, raw: unknown, v2: boolean): AttributeValue | undefined {
  if (!(v2 && rule.list && Array.isArray(raw))) return checkValue(rule, raw);
  const items: unknown[] = raw;
  if (items.length === 0) return undefined;
  let first: AttributeValue | undefined;
  for (const item of items) {
    const value = checkValue(rule, bareItem(item));
    if (value === undefined) return undefined;
    first ??= value;
  }
  return first;
}

function failed(source: CmcdSource, error: string): RequestCmcd {
  return { source, attributes: EMPTY_ATTRIBUTES, sessionId: null, objectType: null, error };
}

/** Decodes one structured-field dictionary; null when it is not one (the library throws on those). */
function decodeDict(text: string): Record<string, unknown> | null {
  try {
    // useSymbol keeps tokens apart from strings, so `ot="v"` and `sid=abc` are caught as wrong types.
    return decodeCmcd(text, { useSymbol: true });
  } catch {
    return null;
  }
}

/** Checks the known keys of a decoded payload and builds the result; unknown and custom keys are ignored. */
function interpret(source: CmcdSource, data: Record<string, unknown>): RequestCmcd {
  const version = data['v'] ?? 1;
  if (version !== 1 && version !== 2) return failed(source, 'CMCD key "v" must be 1 or 2');
  const v2 = version === 2;
  const attributes: Attributes = {};
  if (data['v'] !== undefined) attributes[ATTR_CMCD_VERSION] = version;
  let sessionId: string | null = null;
  let objectType: string | null = null;
  for (const key of Object.keys(data)) {
    const rule = RULES.get(key);
    if (rule === undefined) continue;
    const value = checkKey(rule, data[key], v2);
    if (value === undefined) return failed(source, `CMCD key "${key}" must be ${expected(rule, v2)}`);
    attributes[rule.attr] = value;
    if (key === 'sid') sessionId = value as string;
    else if (key === 'ot') objectType = value as string;
  }
  return { source, attributes, sessionId, objectType, error: null };
}

/**
 * The raw (still percent-encoded) value of the `CMCD` query parameter, '' when there is none, or null
 * when it appears twice (which one the player meant is unknowable).
 */
function queryParam(rawQuery: string): string | null {
  let found: string | undefined;
  let at = rawQuery.indexOf('CMCD=');
  while (at !== -1) {
    if (at === 0 || rawQuery.charCodeAt(at - 1) === 0x26 /* & */) {
      if (found !== undefined) return null;
      const end = rawQuery.indexOf('&', at);
      found = rawQuery.slice(at + 5, end === -1 ? undefined : end);
    }
    at = rawQuery.indexOf('CMCD=', at + 5);
  }
  return found ?? '';
}

function fromQuery(encoded: string): RequestCmcd {
  const source = CMCD_SOURCES.query;
  // Percent-encoding at most triples the length: a longer raw value cannot decode under the cap.
  if (encoded.length > CMCD_MAX_INPUT_CHARS * 3) {
    return failed(source, `CMCD query parameter is longer than ${CMCD_MAX_INPUT_CHARS} characters`);
  }
  let text: string;
  try {
    // '+' is a space in a query string (URLSearchParams, which the library itself uses, agrees).
    text = decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return failed(source, 'CMCD query parameter is not valid percent-encoding');
  }
  if (text.length > CMCD_MAX_INPUT_CHARS) {
    return failed(source, `CMCD query parameter is longer than ${CMCD_MAX_INPUT_CHARS} characters`);
  }
  const data = decodeDict(text);
  if (data === null)
    return failed(source, 'CMCD query parameter is not a structured-field dictionary (RFC 8941)');
  return interpret(source, data);
}

function headerText(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  // Repeated field lines of a structured-field dictionary combine with commas (RFC 8941 §3.2).
  return (Array.isArray(value) ? value.join(',') : value).trim();
}

function fromHeaders(headers: IncomingHttpHeaders): RequestCmcd {
  const source = CMCD_SOURCES.header;
  const shards: [string, string][] = [];
  let total = 0;
  for (const name of HEADER_SHARDS) {
    const text = headerText(headers[name]);
    if (text === '') continue;
    shards.push([name, text]);
    total += text.length;
  }
  if (shards.length === 0) return NONE;
  if (total > CMCD_MAX_INPUT_CHARS) {
    return failed(source, `CMCD headers are longer than ${CMCD_MAX_INPUT_CHARS} characters together`);
  }
  const merged: Record<string, unknown> = {};
  for (const [name, text] of shards) {
    // Decoded shard by shard, not with fromCmcdHeaders: that one merges keys silently (last wins) and
    // drops the useSymbol option; here the bad header is named and a key sent twice is caught.
    const data = decodeDict(text);
    if (data === null)
      return failed(source, `${name} header is not a structured-field dictionary (RFC 8941)`);
    for (const key of Object.keys(data)) {
      if (RULES.has(key) || key === 'v') {
        if (Object.hasOwn(merged, key))
          return failed(source, `CMCD key "${key}" is sent in more than one header`);
        merged[key] = data[key];
      }
    }
  }
  return interpret(source, merged);
}

/** Reads CMCD from the raw query string (without '?', may be '' ) and the request headers. */
export function readRequestCmcd(rawQuery: string, headers: IncomingHttpHeaders): RequestCmcd {
  // The hot path: most requests carry no CMCD, and they must not pay for parsing.
  const inQuery = rawQuery.includes('CMCD=');
  if (
    !inQuery &&
    headers['cmcd-object'] === undefined &&
    headers['cmcd-request'] === undefined &&
    headers['cmcd-session'] === undefined &&
    headers['cmcd-status'] === undefined
  ) {
    return NONE;
  }
  try {
    if (inQuery) {
      const encoded = queryParam(rawQuery);
      if (encoded === null) return failed(CMCD_SOURCES.query, 'CMCD query parameter is sent more than once');
      // CTA-5004 forbids sending both; when a player does, one source is read (the query) so the
      // attributes never mix two payloads.
      if (encoded !== '') return fromQuery(encoded);
    }
    return fromHeaders(headers);
  } catch {
    // Telemetry never breaks the request it observes: anything unforeseen is reported, not thrown.
    return failed(inQuery ? CMCD_SOURCES.query : CMCD_SOURCES.header, 'CMCD could not be read');
  }
}

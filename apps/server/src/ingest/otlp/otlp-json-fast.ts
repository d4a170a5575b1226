import type { AttrValue, Attributes, OtlpLogRecord, OtlpLogsRequest, OtlpScope } from './otlp-types.js';

/*
 * The ingest's hot path: OTLP/JSON logs in the shape players and SDKs send (lowerCamelCase keys, string or
 * number int64s, hex ids, scalar and array attribute values), checked and normalized in one walk. Anything
 * else — an unknown key, kvlist or bytes values, a wrong type, a bad id — returns null, and the full
 * schema-checked path (otlp-json.ts → otlp-normalize.ts) decodes the body and names the problem. The result
 * is the same object that path builds; a test compares the two over every fixture.
 */

// Thrown inside the walk to abandon the fast path; never escapes fastJsonLogs. One instance, made once, so a
// bail costs no stack capture.
class FastPathBail extends Error {}
const BAIL = new FastPathBail('not the common OTLP/JSON logs shape');
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function obj(v: unknown): Obj | null {
  if (v == null) return null;
  if (!isObj(v)) throw BAIL;
  return v;
}
function arr(v: unknown): unknown[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw BAIL;
  return v;
}
function onlyKeys(o: Obj, allowed: ReadonlySet<string>): void {
  for (const k in o) if (!allowed.has(k)) throw BAIL;
}
function str(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v !== 'string') throw BAIL;
  return v;
}
/** A small non-negative integer field (int32/uint32): numbers only here. */
function int(v: unknown): number {
  if (v == null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw BAIL;
  return v;
}
const DIGITS = /^[0-9]{1,20}$/;
function nanos(v: unknown): bigint | null {
  if (v == null) return null;
  let ns: bigint;
  if (typeof v === 'string' && DIGITS.test(v)) ns = BigInt(v);
  else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ns = BigInt(v);
  else throw BAIL;
  if (ns > 0xffffffffffffffffn) throw BAIL;
  return ns === 0n ? null : ns;
}
const HEX = { 16: /^[0-9a-fA-F]{32}$/, 8: /^[0-9a-fA-F]{16}$/ } as const;
const ZERO = /^0*$/;
function hexId(v: unknown, bytes: 16 | 8): string | null {
  if (v == null || v === '') return null;
  if (typeof v !== 'string' || !HEX[bytes].test(v)) throw BAIL;
  const hex = v.toLowerCase();
  return ZERO.test(hex) ? null : hex;
}

const INT64 = /^-?[0-9]{1,19}$/;
function scalar(v: unknown, depth: number): AttrValue {
  if (v == null) return null;
  const o = obj(v)!;
  let out: AttrValue | undefined;
  let n = 0;
  for (const k in o) {
    n++;
    const x = o[k];
    if (x == null) throw BAIL;
    if (k === 'stringValue' && typeof x === 'string') out = x;
    else if (k === 'boolValue' && typeof x === 'boolean') out = x;
    else if (k === 'doubleValue' && typeof x === 'number' && Number.isFinite(x)) out = x;
    else if (k === 'intValue' && typeof x === 'string' && INT64.test(x)) {
      const num = Number(x);
      if (!Number.isSafeInteger(num)) throw BAIL;
      out = num === 0 ? 0 : num;
    } else if (k === 'intValue' && typeof x === 'number' && Number.isSafeInteger(x)) out = x === 0 ? 0 : x;
    else if (k === 'arrayValue' && depth < 4 && isObj(x)) {
      onlyKeys(x, VALUES_KEYS);
      out = arr(x['values']).map((e) => scalar(e, depth + 1));
    } else throw BAIL;
  }
  // No value set is proto3's "unset"; two set is a oneof the full path must judge.
  if (n === 0) return null;
  if (n > 1 || out === undefined) throw BAIL;
  return out;
}

const VALUES_KEYS = new Set(['values']);
const KV_KEYS = new Set(['key', 'value']);
function attributes(v: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of arr(v)) {
    const o = obj(kv);
    if (!o) throw BAIL;
    onlyKeys(o, KV_KEYS);
    const key = str(o['key']) ?? '';
    if (key === '__proto__') throw BAIL;
    out[key] = scalar(o['value'], 0);
  }
  return out;
}

const RESOURCE_KEYS = new Set(['attributes', 'droppedAttributesCount']);
const SCOPE_KEYS = new Set(['name', 'version', 'attributes', 'droppedAttributesCount']);
const RECORD_KEYS = new Set([
  'timeUnixNano',
  'observedTimeUnixNano',
  'severityNumber',
  'severityText',
  'eventName',
  'body',
  'attributes',
  'droppedAttributesCount',
  'flags',
  'traceId',
  'spanId',
]);
const SCOPE_LOGS_KEYS = new Set(['scope', 'logRecords', 'schemaUrl']);
const RESOURCE_LOGS_KEYS = new Set(['resource', 'scopeLogs', 'schemaUrl']);
const ROOT_KEYS = new Set(['resourceLogs']);

function scope(v: unknown): OtlpScope {
  const s = obj(v);
  if (s) onlyKeys(s, SCOPE_KEYS);
  return {
    name: str(s?.['name']) ?? '',
    version: str(s?.['version']) || null,
    attributes: attributes(s?.['attributes']),
    droppedAttributesCount: int(s?.['droppedAttributesCount']),
  };
}

function record(v: unknown): OtlpLogRecord {
  const r = obj(v);
  if (!r) throw BAIL;
  onlyKeys(r, RECORD_KEYS);
  const severity = int(r['severityNumber']);
  if (severity > 24) throw BAIL;
  return {
    timeUnixNano: nanos(r['timeUnixNano']),
    observedTimeUnixNano: nanos(r['observedTimeUnixNano']),
    severityNumber: severity || null,
    severityText: str(r['severityText']) || null,
    eventName: str(r['eventName']) || null,
    body: scalar(r['body'], 0),
    attributes: attributes(r['attributes']),
    droppedAttributesCount: int(r['droppedAttributesCount']),
    flags: int(r['flags']),
    traceId: hexId(r['traceId'], 16),
    spanId: hexId(r['spanId'], 8),
  };
}

/** The normalized logs request for a common-shaped parsed OTLP/JSON body, or null to take the full path. */
export function fastJsonLogs(parsed: unknown): OtlpLogsRequest | null {
  try {
    const root = obj(parsed);
    if (!root) return null;
    onlyKeys(root, ROOT_KEYS);
    return {
      resourceLogs: arr(root['resourceLogs']).map((rlv) => {
        const rl = obj(rlv);
        if (!rl) throw BAIL;
        onlyKeys(rl, RESOURCE_LOGS_KEYS);
        const res = obj(rl['resource']);
        if (res) onlyKeys(res, RESOURCE_KEYS);
        return {
          resource: {
            attributes: attributes(res?.['attributes']),
            droppedAttributesCount: int(res?.['droppedAttributesCount']),
          },
          scopeLogs: arr(rl['scopeLogs']).map((slv) => {
            const sl = obj(slv);
            if (!sl) throw BAIL;
            onlyKeys(sl, SCOPE_LOGS_KEYS);
            return {
              scope: scope(sl['scope']),
              logRecords: arr(sl['logRecords']).map(record),
              schemaUrl: str(sl['schemaUrl']) || null,
            };
          }),
          schemaUrl: str(rl['schemaUrl']) || null,
        };
      }),
    };
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
}

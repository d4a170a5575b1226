import type { AttrValue, Attributes } from './otlp-types.js';
import { otlpEnumValues } from './otlp-protobuf.js';
import { MAX_VALUE_DEPTH } from './otlp-wire.js';
import type {
  WireAnyValue,
  WireBytes,
  WireDouble,
  WireEnum,
  WireInt32,
  WireInt64,
  WireKeyValue,
} from './otlp-wire.js';

/*
 * Single values from their wire spellings to normalized ones: times to bigint, ids to hex, AnyValue to
 * AttrValue, the string spellings proto3 JSON allows to numbers. Shared by every signal's normalizer.
 */

/** Absent, or null (proto3 JSON's "default"). */
export type Opt<T> = T | null | undefined;

/** A value that breaks a rule the wire format cannot express (an id's length, nesting depth). */
export class OtlpValueError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
    this.name = 'OtlpValueError';
  }
}

function prefixed(error: unknown, ...segments: (string | number)[]): unknown {
  if (error instanceof OtlpValueError) error.path.unshift(...segments);
  return error;
}

/** Maps a repeated field, naming the field and index in any error from an element. */
export function each<T, R>(field: string, items: Opt<readonly T[]>, map: (item: T) => R): R[] {
  const out: R[] = [];
  if (!items) return out;
  let i = 0;
  try {
    for (; i < items.length; i++) out.push(map(items[i]!));
  } catch (error) {
    throw prefixed(error, field, i);
  }
  return out;
}

/** Runs `map` on a singular field, naming the field in any error. */
export function at<R>(field: string, map: () => R): R {
  try {
    return map();
  } catch (error) {
    throw prefixed(error, field);
  }
}

/** A fixed64 nanosecond time as bigint; null for 0, which OTLP uses for "unset". */
export function time(value: Opt<WireInt64>): bigint | null {
  if (value == null) return null;
  const ns = BigInt(value);
  return ns === 0n ? null : ns;
}

/** A uint64 count as a number (exact below 2^53, far beyond any real count). */
export function count(value: Opt<WireInt64>): number {
  return value == null ? 0 : Number(value);
}

/** A 32-bit integer field; 0 when absent. */
export function int32(value: Opt<WireInt32>): number {
  return value == null ? 0 : Number(value);
}

/** A double; null when absent (the proto3 `optional` ones: sum, min, max). */
export function double(value: Opt<WireDouble>): number | null {
  return value == null ? null : Number(value);
}

/** An enum's integer; JSON senders may have spelled its name, which the schema already checked. */
export function enumValue(value: Opt<WireEnum>, fullName: string): number {
  if (value == null) return 0;
  return typeof value === 'number' ? value : (otlpEnumValues(fullName)[value] ?? 0);
}

/** int64 → a number when exact, else the decimal string, so no digit is silently lost. */
function int64Value(value: WireInt64): number | string {
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  return BigInt(value).toString();
}

/** A string OTLP treats as unset when empty; null then. */
export function text(value: Opt<string>): string | null {
  return value ? value : null;
}

const ALL_ZERO = /^0*$/;

/** A trace id (16 bytes) or span id (8 bytes) as lowercase hex; null when empty or all zero. */
export function id(value: Opt<WireBytes>, bytes: 16 | 8, field: string): string | null {
  if (value == null || value.length === 0) return null;
  let hex: string;
  if (typeof value === 'string') {
    if (value.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(value)) {
      throw new OtlpValueError(`expected ${bytes * 2} hex digits`, [field]);
    }
    hex = value.toLowerCase();
  } else {
    if (value.length !== bytes) {
      throw new OtlpValueError(`expected ${bytes} bytes, got ${value.length}`, [field]);
    }
    hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  }
  return ALL_ZERO.test(hex) ? null : hex;
}

function base64(value: WireBytes): string {
  // Re-encoding JSON's base64 makes padding and url-safe spellings match what protobuf bytes give.
  const bytes =
    typeof value === 'string'
      ? Buffer.from(value, 'base64')
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return bytes.toString('base64');
}

function anyValue(value: Opt<WireAnyValue>, depth: number): AttrValue {
  if (!value) return null;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return int64Value(value.intValue);
  if (value.doubleValue != null) return Number(value.doubleValue);
  if (value.bytesValue != null) return base64(value.bytesValue);
  if (value.arrayValue == null && value.kvlistValue == null) return null;
  if (depth >= MAX_VALUE_DEPTH) {
    const field = value.arrayValue != null ? 'arrayValue' : 'kvlistValue';
    throw new OtlpValueError(`values nest deeper than ${MAX_VALUE_DEPTH} levels`, [field]);
  }
  if (value.arrayValue != null) {
    return each('arrayValue.values', value.arrayValue.values, (v) => anyValue(v, depth + 1));
  }
  return keyValues('kvlistValue.values', value.kvlistValue?.values, depth + 1);
}

function keyValues(field: string, list: Opt<readonly WireKeyValue[]>, depth: number): Attributes {
  const out: Attributes = {};
  if (!list) return out;
  let i = 0;
  try {
    for (; i < list.length; i++) {
      const kv = list[i]!;
      const key = kv.key ?? '';
      const value = anyValue(kv.value, depth);
      // A key named __proto__ must stay data, not replace the object's prototype.
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = value;
      }
    }
  } catch (error) {
    throw prefixed(error, field, i, 'value');
  }
  return out;
}

/** A log body or other lone AnyValue. */
export function attrValue(value: Opt<WireAnyValue>): AttrValue {
  return anyValue(value, 0);
}

/** A KeyValue list flattened into an object. */
export function attributes(list: Opt<readonly WireKeyValue[]>, field = 'attributes'): Attributes {
  return keyValues(field, list, 0);
}

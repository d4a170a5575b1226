import { DuckDBTimestampTZValue, timestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import { StoreError } from './catalog-store.js';

// The boundary between DuckDB's value types and the store's plain data: BIGINT arrives as bigint,
// TIMESTAMPTZ as microseconds since the epoch, JSON as text. Nothing DuckDB-shaped leaves this file.

/** A TIMESTAMPTZ parameter from an ISO-8601 string or a Date; StoreError 'invalid' if unparseable. */
export function timestampParam(value: string | Date, field = 'timestamp'): DuckDBTimestampTZValue {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new StoreError('invalid', `${field} is not a valid ISO-8601 timestamp: ${String(value)}`);
  }
  return timestampTZValue(BigInt(ms) * 1000n);
}

/** Like timestampParam, passing null through. */
export function nullableTimestampParam(
  value: string | Date | null,
  field?: string,
): DuckDBTimestampTZValue | null {
  return value === null ? null : timestampParam(value, field);
}

/** A JSON parameter (bind it as `$n::JSON`); StoreError 'invalid' if the value can't be serialised. */
export function jsonParam(value: object | null, field = 'json'): string | null {
  if (value === null) return null;
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new StoreError('invalid', `${field} is not JSON-serialisable: ${String(err)}`, { cause: err });
  }
}

/** A number parameter; StoreError 'invalid' for NaN or ±Infinity, which DuckDB would store silently. */
export function numberParam(value: number, field: string): number {
  if (!Number.isFinite(value))
    throw new StoreError('invalid', `${field} must be a finite number, got ${value}`);
  return value;
}

/** Like numberParam, passing null through. */
export function nullableNumberParam(value: number | null, field: string): number | null {
  return value === null ? null : numberParam(value, field);
}

function unexpected(column: string, value: DuckDBValue, wanted: string): StoreError {
  return new StoreError(
    'internal',
    `column ${column}: expected ${wanted}, got ${typeof value} ${String(value)}`,
  );
}

/** A non-null text column. */
export function readString(row: Record<string, DuckDBValue>, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw unexpected(column, value ?? null, 'text');
  return value;
}

/** A nullable text column. */
export function readNullableString(row: Record<string, DuckDBValue>, column: string): string | null {
  return (row[column] ?? null) === null ? null : readString(row, column);
}

/** A non-null numeric column (INTEGER, DOUBLE, or BIGINT within ±2^53). */
export function readNumber(row: Record<string, DuckDBValue>, column: string): number {
  const value = row[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw unexpected(column, value, 'an integer within ±2^53');
    return n;
  }
  throw unexpected(column, value ?? null, 'a number');
}

/** A nullable numeric column. */
export function readNullableNumber(row: Record<string, DuckDBValue>, column: string): number | null {
  return (row[column] ?? null) === null ? null : readNumber(row, column);
}

/** A non-null TIMESTAMPTZ column as an ISO-8601 string (millisecond precision, UTC). */
export function readTimestamp(row: Record<string, DuckDBValue>, column: string): string {
  const value = row[column];
  if (!(value instanceof DuckDBTimestampTZValue) || !value.isFinite) {
    throw unexpected(column, value ?? null, 'a finite TIMESTAMPTZ');
  }
  // Floor division, so instants before 1970 round the same way as after.
  const micros = value.micros;
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return new Date(Number(ms)).toISOString();
}

/** A nullable TIMESTAMPTZ column. */
export function readNullableTimestamp(row: Record<string, DuckDBValue>, column: string): string | null {
  return (row[column] ?? null) === null ? null : readTimestamp(row, column);
}

/** A nullable JSON column holding an object. */
export function readJsonObject(
  row: Record<string, DuckDBValue>,
  column: string,
): Record<string, unknown> | null {
  const text = readNullableString(row, column);
  if (text === null) return null;
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StoreError('internal', `column ${column}: expected a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** A text column constrained to `allowed` (the schema's CHECK keeps it so; this narrows the type). */
export function readOneOf<T extends string>(
  row: Record<string, DuckDBValue>,
  column: string,
  allowed: readonly T[],
): T {
  const value = readString(row, column);
  if (!(allowed as readonly string[]).includes(value)) throw unexpected(column, value, allowed.join('|'));
  return value as T;
}

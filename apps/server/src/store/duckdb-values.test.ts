import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { classifyDuckDbError } from './duckdb-errors.js';
import { jsonParam, readJsonObject, readNumber, readTimestamp, timestampParam } from './duckdb-values.js';

describe('DuckDB value boundary', () => {
  it('round-trips timestamps at millisecond precision, before and after 1970', () => {
    for (const iso of ['2030-01-01T12:34:56.789Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z']) {
      expect(readTimestamp({ t: timestampParam(iso) }, 't')).toBe(iso);
    }
    expect(readTimestamp({ t: new DuckDBTimestampTZValue(-1500n) }, 't')).toBe('1969-12-31T23:59:59.998Z');
  });

  it('rejects what it cannot convert', () => {
    expect(() => timestampParam('not a date', 'runAfter')).toThrow(/runAfter/);
    expect(() => jsonParam({ big: 1n }, 'sourceInfo')).toThrow(/sourceInfo/);
    expect(() => readNumber({ n: 2n ** 60n }, 'n')).toThrow(/±2\^53/);
    expect(() => readJsonObject({ j: '[1,2]' }, 'j')).toThrow(/JSON object/);
  });

  it('reads BIGINT as number', () => {
    expect(readNumber({ n: 5_000_000_000n }, 'n')).toBe(5_000_000_000);
  });
});

describe('classifyDuckDbError', () => {
  it('maps DuckDB messages to store codes', () => {
    expect(
      classifyDuckDbError('Constraint Error: Duplicate key "id: a" violates primary key constraint.'),
    ).toBe('conflict');
    expect(classifyDuckDbError('Constraint Error: CHECK constraint failed on table jobs')).toBe('invalid');
    expect(classifyDuckDbError('Conversion Error: Could not convert string')).toBe('invalid');
    expect(classifyDuckDbError('IO Error: Could not set lock on file "x": Conflicting lock')).toBe('locked');
    expect(
      classifyDuckDbError('IO Error: The file "x" exists, but it is not a valid DuckDB database file!'),
    ).toBe('corrupt');
    expect(classifyDuckDbError('Catalog Error: Table with name nope does not exist!')).toBe('internal');
  });
});

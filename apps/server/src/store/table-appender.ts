import {
  BIGINT,
  DOUBLE,
  DuckDBTimestampValue,
  LIST,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { toStoreError } from './duckdb-errors.js';

/** How one column is written: its kind picks the appender call, so a row needs no per-value type check. */
export type ColumnKind =
  'varchar' | 'integer' | 'bigint' | 'double' | 'boolean' | 'timestamp_ms' | 'doubles' | 'bigints';

/** A column of a table, in the table's order, and how to read its value from a row object. */
export interface Column<Row> {
  kind: ColumnKind;
  get(row: Row): unknown;
}

/** Appends rows to one table through DuckDB's appender; `commit` makes them durable (WAL fsync). */
export interface TableAppender<Row> {
  /** Appends and commits `rows` in one transaction; throws StoreError when nothing was committed. */
  commit(rows: readonly Row[]): void;
  close(): void;
}

const DOUBLE_LIST = LIST(DOUBLE);
const BIGINT_LIST = LIST(BIGINT);

function appendOne(a: DuckDBAppender, kind: ColumnKind, v: unknown): void {
  if (v === null || v === undefined) {
    a.appendNull();
    return;
  }
  switch (kind) {
    case 'varchar':
      a.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
      return;
    case 'integer':
      a.appendInteger(v as number);
      return;
    case 'bigint':
      a.appendBigInt(BigInt(Math.trunc(v as number)));
      return;
    case 'double':
      a.appendDouble(v as number);
      return;
    case 'boolean':
      a.appendBoolean(v as boolean);
      return;
    case 'timestamp_ms':
      a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round((v as number) * 1000))));
      return;
    // Typed lists: untyped, the client infers the element type from the first item alone, so bounds such
    // as [0, 0.05, ...] became an INTEGER list and failed the whole batch ("number is not an integer").
    case 'doubles':
      a.appendValue(listValue(v as number[]), DOUBLE_LIST);
      return;
    case 'bigints':
      a.appendValue(listValue((v as number[]).map((n) => BigInt(Math.trunc(n)))), BIGINT_LIST);
      return;
  }
}

/** Creates the appender for `table` on `connection`; a failed commit clears it so the next batch starts clean. */
export async function createTableAppender<Row>(
  connection: DuckDBConnection,
  table: string,
  columns: readonly Column<Row>[],
): Promise<TableAppender<Row>> {
  const appender = await connection.createAppender(table);
  return {
    commit(rows) {
      if (rows.length === 0) return;
      try {
        for (const row of rows) {
          for (const c of columns) appendOne(appender, c.kind, c.get(row));
          appender.endRow();
        }
        appender.flushSync();
      } catch (err) {
        try {
          // Half-appended rows of this batch must not ride along with the next one.
          appender.clear();
        } catch {
          // Nothing more to undo: the next commit fails the same way and says so.
        }
        throw toStoreError(err);
      }
    },
    close() {
      appender.closeSync();
    },
  };
}

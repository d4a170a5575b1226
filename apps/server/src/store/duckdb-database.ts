import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { StoreError } from './catalog-store.js';
import { toStoreError } from './duckdb-errors.js';
import { createSerialQueue } from './serial-queue.js';

/** A value bound to a `$n` placeholder. */
export type SqlParam = DuckDBValue;
/** A result row, keyed by column name, values as DuckDB returns them. */
export type SqlRow = Record<string, DuckDBValue>;

/** Something statements run on: the database itself (autocommit) or an open transaction. */
export interface SqlSession {
  /** Runs one statement with positional `$1..$n` parameters; resolves with its rows. */
  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Runs a parameterless script of one or more statements. */
  exec(sql: string): Promise<void>;
}

/** What read-only queries need: dashboards take this, so they can run on a reader connection of their own. */
export type SqlReader = Pick<SqlSession, 'all'>;

/** Queries on a connection of their own, one at a time, beside (not behind) the database's queue. */
export function createSqlReader(connection: DuckDBConnection): SqlReader {
  const queue = createSerialQueue();
  return {
    all: (sql, params = []) =>
      queue.run(async () => {
        try {
          return (await connection.runAndReadAll(sql, [...params])).getRowObjects();
        } catch (err) {
          throw toStoreError(err);
        }
      }),
  };
}

/** One DuckDB database on one connection, every statement and transaction run one at a time. */
export interface DuckDbDatabase extends SqlSession {
  /** The path it was opened with (':memory:' for a private in-memory database). */
  readonly path: string;
  /**
   * Runs `work` between BEGIN and COMMIT, rolling back if it throws. Nothing else runs on the database
   * meanwhile. `work` must await every statement it starts.
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Another connection to the same database, outside the queue (appenders, concurrent readers); closed
   * with the database.
   */
  connect(): Promise<DuckDBConnection>;
  /** Lets queued work finish, then checkpoints and closes; later calls reject with StoreError 'closed'. */
  close(): Promise<void>;
}

/** The in-memory database path. */
export const MEMORY_PATH = ':memory:';

// DuckDB's file lock is a per-process fcntl lock, so it stops a second process but not a second
// instance in this one, and two instances writing one file corrupt it. This set closes that gap.
const openFiles = new Set<string>();

/**
 * Opens (creating if needed, along with its directory) the DuckDB database at `file`.
 * A non-DuckDB or damaged file rejects with StoreError 'corrupt'; a file in use, with 'locked'.
 */
export async function openDuckDbDatabase(file: string): Promise<DuckDbDatabase> {
  const key = file === MEMORY_PATH ? null : await canonicalPath(file);
  if (key !== null && openFiles.has(key)) {
    throw new StoreError('locked', `cannot open ${file}: it is already open in this process`);
  }
  // Reserved before the first await so two concurrent opens of one file can't both get through.
  if (key !== null) openFiles.add(key);
  let instance: DuckDBInstance | undefined;
  try {
    // No surprise downloads from a self-hosted server: the extensions we use (json) are built in.
    instance = await DuckDBInstance.create(file, { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    return createDatabase(file, key, instance, connection);
  } catch (err) {
    instance?.closeSync();
    if (key !== null) openFiles.delete(key);
    throw openError(file, err);
  }
}

async function canonicalPath(file: string): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  try {
    await mkdir(dir, { recursive: true });
    return path.join(await realpath(dir), path.basename(file));
  } catch (err) {
    throw new StoreError('internal', `cannot create the directory for ${file}: ${String(err)}`, {
      cause: err,
    });
  }
}

function openError(file: string, err: unknown): StoreError {
  const cause = toStoreError(err);
  if (cause.code === 'corrupt') {
    return new StoreError(
      'corrupt',
      `cannot open ${file}: not a DuckDB database, or damaged (${cause.message})`,
      {
        cause: err,
      },
    );
  }
  if (cause.code === 'locked') {
    return new StoreError('locked', `cannot open ${file}: another process has it open (${cause.message})`, {
      cause: err,
    });
  }
  return new StoreError(cause.code, `cannot open ${file}: ${cause.message}`, { cause: err });
}

function createDatabase(
  file: string,
  key: string | null,
  instance: DuckDBInstance,
  connection: DuckDBConnection,
): DuckDbDatabase {
  // One connection and one queue: DuckDB has a single writer anyway, and BEGIN..COMMIT on a shared
  // connection is only a transaction if nothing else interleaves statements into it.
  const queue = createSerialQueue();
  const extra: DuckDBConnection[] = [];
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new StoreError('closed', `the store at ${file} is closed`);
  }

  async function all(sql: string, params: readonly SqlParam[] = []): Promise<SqlRow[]> {
    try {
      const reader = await connection.runAndReadAll(sql, [...params]);
      return reader.getRowObjects();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async function exec(sql: string): Promise<void> {
    try {
      await connection.run(sql);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async function rollbackQuietly(): Promise<void> {
    try {
      await connection.run('ROLLBACK');
    } catch {
      // A failed COMMIT has already ended the transaction; nothing is left to roll back.
    }
  }

  return {
    path: file,
    async all(sql, params) {
      assertOpen();
      return queue.run(() => all(sql, params));
    },
    async exec(sql) {
      assertOpen();
      return queue.run(() => exec(sql));
    },
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      assertOpen();
      return queue.run(async () => {
        let active = true;
        const ensureActive = (): void => {
          if (!active) throw new StoreError('internal', 'statement issued after its transaction ended');
        };
        const tx: SqlSession = {
          async all(sql, params) {
            ensureActive();
            return all(sql, params);
          },
          async exec(sql) {
            ensureActive();
            return exec(sql);
          },
        };
        await exec('BEGIN TRANSACTION');
        try {
          const result = await work(tx);
          // COMMIT returns only after DuckDB has written and fsync'ed the WAL: acked means durable.
          await exec('COMMIT');
          return result;
        } catch (err) {
          await rollbackQuietly();
          throw toStoreError(err);
        } finally {
          active = false;
        }
      });
    },
    async connect() {
      assertOpen();
      const c = await instance.connect();
      extra.push(c);
      return c;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.run(() => {
        try {
          for (const c of extra) c.closeSync();
          connection.closeSync();
          // Closing the instance checkpoints the WAL into the main file.
          instance.closeSync();
        } finally {
          if (key !== null) openFiles.delete(key);
        }
        return Promise.resolve();
      });
    },
  };
}

import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { StoreError } from './catalog-store.js';
import { isFatalDuckDbError, toStoreError } from './duckdb-errors.js';
import { createReopener, type ReopenPolicy } from './duckdb-reopen.js';
import {
  closeHandle,
  connectOn,
  memoryLimit,
  openHandle,
  reopenHandle,
  type Handle,
} from './duckdb-handle.js';
import { createSerialQueue } from './serial-queue.js';
import type { StoreHealth, StoreHealthSource } from './store-health.js';

export { DEFAULT_REOPEN_POLICY, type ReopenPolicy } from './duckdb-reopen.js';

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

/**
 * What is built on connections of `connect()` (appenders, a reader): a reopen releases it before the old
 * instance closes and restores it on the new one, so its holders keep the same objects.
 */
export interface ReopenHook {
  /** Stop using the old connections: wait for work in flight on them, then close what was built on them. */
  release(): Promise<void>;
  /** Build again on connections of the reopened instance; a throw fails this attempt (the next one retries). */
  restore(connect: () => Promise<DuckDBConnection>): Promise<void>;
}

/**
 * One DuckDB database on one connection, every statement and transaction run one at a time. After a fatal
 * error (a checkpoint on a full disk invalidates the instance) it closes and reopens the same file by itself,
 * with backoff, until it succeeds: DuckDB replays the WAL, so every committed write is still there. Meanwhile
 * every call rejects with StoreError 'unavailable'.
 */
export interface DuckDbDatabase extends SqlSession, StoreHealthSource {
  /** The path it was opened with (':memory:' for a private in-memory database). */
  readonly path: string;
  /**
   * Runs `work` between BEGIN and COMMIT, rolling back if it throws. Nothing else runs on the database
   * meanwhile. `work` must await every statement it starts.
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Another connection to the same database, outside the queue (appenders, concurrent readers); closed
   * with the database, and by a reopen: whoever keeps one registers a ReopenHook.
   */
  connect(): Promise<DuckDBConnection>;
  /** Registers what must be released and rebuilt around a reopen. */
  addReopenHook(hook: ReopenHook): void;
  /** Throws StoreError 'unavailable' while reopening, 'closed' once closed. */
  assertOpen(): void;
  /**
   * The StoreError for a failure on a connection of `connect()`; a fatal one starts the reopen (statements
   * of the database itself are checked without this).
   */
  failure(err: unknown): StoreError;
  /** Lets queued work finish, then checkpoints and closes; later calls reject with StoreError 'closed'. */
  close(): Promise<void>;
}

/** Options of openDuckDbDatabase. */
export interface DuckDbDatabaseOptions {
  /** How reopen attempts after a fatal error are spaced (default DEFAULT_REOPEN_POLICY). */
  reopen?: Partial<ReopenPolicy>;
  /**
   * DuckDB's memory budget (its buffer pool; larger work spills to `<file>.tmp`). DuckDB's own default is 80 %
   * of the machine's memory, which a stream of large inserts fills with cached blocks.
   */
  memoryLimitBytes?: number;
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
export async function openDuckDbDatabase(
  file: string,
  options: DuckDbDatabaseOptions = {},
): Promise<DuckDbDatabase> {
  const key = file === MEMORY_PATH ? null : await canonicalPath(file);
  if (key !== null && openFiles.has(key)) {
    throw new StoreError('locked', `cannot open ${file}: it is already open in this process`);
  }
  // Reserved before the first await so two concurrent opens of one file can't both get through.
  if (key !== null) openFiles.add(key);
  try {
    return createDatabase(file, key, await openHandle(file, memoryLimit(options)), options);
  } catch (err) {
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

/** Statements on the current instance's queue connection, failures classified by `failure`. */
function statementsOn(current: () => Handle, failure: (err: unknown) => StoreError): SqlSession {
  return {
    async all(sql, params = []) {
      const { connection } = current();
      try {
        return (await connection.runAndReadAll(sql, [...params])).getRowObjects();
      } catch (err) {
        throw failure(err);
      }
    },
    async exec(sql) {
      const { connection } = current();
      try {
        await connection.run(sql);
      } catch (err) {
        throw failure(err);
      }
    },
  };
}

/** BEGIN, `work`, COMMIT on `session`; `rollback` when anything throws (rethrown). */
async function runTransaction<T>(
  session: SqlSession,
  work: (tx: SqlSession) => Promise<T>,
  rollback: () => Promise<void>,
): Promise<T> {
  let active = true;
  const ensureActive = (): void => {
    if (!active) throw new StoreError('internal', 'statement issued after its transaction ended');
  };
  const tx: SqlSession = {
    async all(sql, params) {
      ensureActive();
      return session.all(sql, params);
    },
    async exec(sql) {
      ensureActive();
      return session.exec(sql);
    },
  };
  await session.exec('BEGIN TRANSACTION');
  try {
    const result = await work(tx);
    // COMMIT returns only after DuckDB has written and fsync'ed the WAL: acked means durable.
    await session.exec('COMMIT');
    return result;
  } catch (err) {
    await rollback();
    throw err;
  } finally {
    active = false;
  }
}

function createDatabase(
  file: string,
  key: string | null,
  first: Handle,
  options: DuckDbDatabaseOptions,
): DuckDbDatabase {
  // One connection and one queue: DuckDB has a single writer anyway, and BEGIN..COMMIT on a shared
  // connection is only a transaction if nothing else interleaves statements into it.
  const queue = createSerialQueue();
  const hooks: ReopenHook[] = [];
  let handle: Handle | null = first;
  let closed = false;

  // The swap runs on the queue, so no statement of the database overlaps it; hooks drain their own work.
  const reopener = createReopener({
    // An in-memory database would come back empty: it stays unavailable instead.
    canReopen: file !== MEMORY_PATH,
    policy: options.reopen,
    reopen: () =>
      queue.run(async () => {
        if (closed) return;
        const failed = handle;
        handle = null;
        handle = await reopenHandle(file, memoryLimit(options), failed, hooks);
      }),
  });

  // Named by its file alone: this message reaches public answers (ingest's 503); the error itself is in
  // health() (readiness, the log).
  const name = path.basename(file);
  function unavailable(): StoreError {
    if (closed) return new StoreError('closed', `the store at ${file} is closed`);
    return new StoreError('unavailable', `the database ${name} failed fatally and is reopening; retry later`);
  }

  function assertOpen(): void {
    if (closed || reopener.failed() || !handle) throw unavailable();
  }

  // Inside the queue: work queued before close() still runs; work queued before a fatal error fails fast.
  function current(): Handle {
    if (reopener.failed() || !handle) throw unavailable();
    return handle;
  }

  function failure(err: unknown): StoreError {
    const e = toStoreError(err);
    // An 'unavailable' stands for a fatal error already seen: it is no new failure.
    if (closed || e.code === 'unavailable' || !isFatalDuckDbError(e.message)) return e;
    reopener.fail(e.message);
    const u = unavailable();
    return new StoreError(u.code, u.message, { cause: err });
  }

  const statements = statementsOn(current, failure);

  async function rollbackQuietly(): Promise<void> {
    try {
      await handle?.connection.run('ROLLBACK');
    } catch {
      // A failed COMMIT has already ended the transaction; nothing is left to roll back.
    }
  }

  return {
    path: file,
    async all(sql, params) {
      assertOpen();
      return queue.run(() => statements.all(sql, params));
    },
    async exec(sql) {
      assertOpen();
      return queue.run(() => statements.exec(sql));
    },
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      assertOpen();
      return queue.run(async () => {
        try {
          return await runTransaction(statements, work, async () => {
            if (!reopener.failed()) await rollbackQuietly();
          });
        } catch (err) {
          throw failure(err);
        }
      });
    },
    async connect() {
      assertOpen();
      return connectOn(current());
    },
    addReopenHook(hook) {
      hooks.push(hook);
    },
    assertOpen,
    failure,
    health(): StoreHealth {
      return closed ? { ...reopener.health(), state: 'closed' } : reopener.health();
    },
    onHealthChange: (listener) => reopener.onHealthChange(listener),
    async close() {
      if (closed) return;
      closed = true;
      reopener.stop();
      await queue.run(() => {
        try {
          // Closing the instance checkpoints the WAL into the main file.
          if (handle) closeHandle(handle);
          handle = null;
        } finally {
          if (key !== null) openFiles.delete(key);
        }
        return Promise.resolve();
      });
    },
  };
}

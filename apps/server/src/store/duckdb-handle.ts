import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DuckDbDatabaseOptions, ReopenHook } from './duckdb-database.js';

// The instance layer under DuckDbDatabase: opening an instance with its memory budget, closing it whatever
// state it is in, and the close-and-open-again of a reopen. No queueing, no health: duckdb-database.ts has those.

/** The memory a database may use unless told otherwise. */
const DEFAULT_MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;

/** An open instance and the connection the queue runs on. */
export interface Handle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** Connections handed out by connect(). */
  extra: DuckDBConnection[];
}

/** DuckDB's `memory_limit` for these options: the budget asked for, at least 64 MiB. */
export const memoryLimit = (o: DuckDbDatabaseOptions): string =>
  `${Math.max(64 * 1024 * 1024, Math.round(o.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES))}B`;

/** Opens an instance of `file` and the connection the queue runs on. */
export async function openHandle(file: string, memory: string): Promise<Handle> {
  let instance: DuckDBInstance | undefined;
  try {
    // No surprise downloads from a self-hosted server: the extensions we use (json) are built in.
    instance = await DuckDBInstance.create(file, {
      autoinstall_known_extensions: 'false',
      memory_limit: memory,
    });
    return { instance, connection: await instance.connect(), extra: [] };
  } catch (err) {
    instance?.closeSync();
    throw err;
  }
}

/** Closes the connections, then the instance (which checkpoints unless it was invalidated); never throws. */
export function closeHandle(handle: Handle): void {
  for (const c of [...handle.extra, handle.connection]) {
    try {
      c.closeSync();
    } catch {
      // An invalidated instance may refuse; closing the instance below releases it anyway.
    }
  }
  try {
    handle.instance.closeSync();
  } catch {
    // Same: nothing more can be released.
  }
}

/** A connection of its own on `h`, closed with it. */
export async function connectOn(h: Handle): Promise<DuckDBConnection> {
  const c = await h.instance.connect();
  h.extra.push(c);
  return c;
}

/**
 * Closes a failed instance and opens its file again, releasing and restoring what the hooks built on it;
 * throws (with nothing left open) when this attempt failed.
 */
export async function reopenHandle(
  file: string,
  memory: string,
  failed: Handle | null,
  hooks: readonly ReopenHook[],
): Promise<Handle> {
  for (const h of hooks) await h.release();
  if (failed) closeHandle(failed);
  const next = await openHandle(file, memory);
  try {
    // On a disk that is still full the open succeeds (the WAL replays into memory) and the next write
    // fails again. A checkpoint proves the file can be written, and folds the replayed WAL into it.
    await next.connection.run('CHECKPOINT');
    for (const h of hooks) await h.restore(() => connectOn(next));
    return next;
  } catch (err) {
    for (const h of hooks) await h.release();
    closeHandle(next);
    throw err;
  }
}

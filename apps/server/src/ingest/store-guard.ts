import type { DuckDbDatabase } from '../store/duckdb-database.js';
import { enforceQuota, telemetryUsedBytes, type QuotaResult } from '../store/telemetry-quota.js';

/** Settings of the guard (from config). */
export interface StoreGuardOptions {
  db: DuckDbDatabase;
  /** The store's file (its write-ahead log is `<file>.wal`). */
  file: string;
  /** The directory whose volume the store shares with uploads and renditions. */
  dataDir: string;
  quotaBytes: number;
  /** Below this much free space on the volume the ingest refuses new records (uploads keep theirs). */
  minFreeBytes: number;
  /** How often the volume's free space is read, and the quota enforced. */
  checkMs: number;
  freeBytes(dir: string): Promise<number>;
  /** Told of every pass that deleted rows (counted on /metrics by the caller). */
  onPruned(result: QuotaResult): void;
  onError(err: unknown): void;
}

/** Keeps the telemetry store within its quota and its volume above the floor the media needs. */
export interface StoreGuard {
  /** True while the volume is under the floor: the ingest answers 507 rather than take its space. */
  volumeLow(): boolean;
  /** Bytes the store used at the last check. */
  usedBytes(): number;
  /** Runs one check now (tests, and the timer). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Starts the guard. A store over its quota loses its oldest received rows first (by receive time); a volume
 * under the floor stops the ingest, not the uploads, so telemetry can never take the space media needs.
 */
export function createStoreGuard(o: StoreGuardOptions): StoreGuard {
  let low = false;
  let used = 0;
  let running: Promise<void> | null = null;
  async function pass(): Promise<void> {
    low = (await o.freeBytes(o.dataDir)) < o.minFreeBytes;
    const result = await enforceQuota(o.db, o.file, o.quotaBytes);
    used = result.usedAfter;
    if (Object.values(result.pruned).some((n) => n > 0)) o.onPruned(result);
  }
  const check = (): Promise<void> => {
    // One pass at a time: a slow prune is not started again by the next tick.
    running ??= pass()
      .catch((err: unknown) => o.onError(err))
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void check(), o.checkMs);
  timer.unref();
  void telemetryUsedBytes(o.db, o.file).then(
    (n) => (used = n),
    () => undefined,
  );
  return {
    volumeLow: () => low,
    usedBytes: () => used,
    check,
    stop: () => clearInterval(timer),
  };
}

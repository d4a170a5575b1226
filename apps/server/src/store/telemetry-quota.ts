import { stat } from 'node:fs/promises';
import type { DuckDbDatabase } from './duckdb-database.js';

/** The tables the quota prunes, in the order their oldest rows go (raw telemetry before derived views). */
export const QUOTA_TABLES = ['events', 'spans', 'metric_points', 'views'] as const;
export type QuotaTable = (typeof QUOTA_TABLES)[number];

/** The column each table's receive time is in. */
const RECEIVED_AT: Record<QuotaTable, string> = {
  events: 'received_at',
  spans: 'received_at',
  metric_points: 'received_at',
  views: 'first_received_at',
};

/** What one quota pass did. */
export interface QuotaResult {
  /** Bytes the store used before the pass (live blocks and the write-ahead log). */
  usedBefore: number;
  usedAfter: number;
  /** Rows deleted, per table. */
  pruned: Record<QuotaTable, number>;
}

/**
 * Bytes the telemetry store holds: its live blocks (DuckDB reuses freed blocks, so the file's own size only
 * says how large it once was) and its write-ahead log.
 */
export async function telemetryUsedBytes(db: DuckDbDatabase, file: string): Promise<number> {
  const [row] = await db.all('PRAGMA database_size');
  const blocks = Number(row?.['used_blocks'] ?? 0) * Number(row?.['block_size'] ?? 0);
  const wal =
    file === ':memory:'
      ? 0
      : await stat(`${file}.wal`).then(
          (s) => s.size,
          () => 0,
        );
  return blocks + wal;
}

/**
 * Keeps the store under `quotaBytes`: while it is over, the oldest rows (by the server's receive time, never a
 * sender's clock) are deleted from every table, as large a share as the store is over its target, at least a
 * tenth; then checkpointed, which frees the blocks of row groups it can merge (DuckDB's unit is 122,880 rows,
 * so a pass may take a few steps). Stops at `targetRatio` of the quota, so a full store is not pruned on every
 * pass.
 */
export async function enforceQuota(
  db: DuckDbDatabase,
  file: string,
  quotaBytes: number,
  targetRatio = 0.8,
): Promise<QuotaResult> {
  const pruned: Record<QuotaTable, number> = { events: 0, spans: 0, metric_points: 0, views: 0 };
  const usedBefore = await telemetryUsedBytes(db, file);
  let used = usedBefore;
  if (used <= quotaBytes) return { usedBefore, usedAfter: used, pruned };
  const target = quotaBytes * targetRatio;
  for (let step = 0; step < 20 && used > target; step++) {
    const cutoff = await oldestShare(db, Math.min(0.9, Math.max(0.1, 1 - target / used)));
    if (cutoff === null) break;
    for (const table of QUOTA_TABLES) {
      const rows = await db.all(`DELETE FROM ${table} WHERE epoch_ms(${RECEIVED_AT[table]}) <= $1`, [cutoff]);
      pruned[table] += Number(rows[0]?.['Count'] ?? 0);
    }
    await db.exec('CHECKPOINT');
    used = await telemetryUsedBytes(db, file);
  }
  return { usedBefore, usedAfter: used, pruned };
}

/** The receive time (epoch ms) at or below which lies the oldest `share` of the raw rows; null when empty. */
async function oldestShare(db: DuckDbDatabase, share: number): Promise<number | null> {
  const parts = QUOTA_TABLES.filter((t) => t !== 'views').map(
    (t) => `SELECT epoch_ms(received_at) AS received_ms FROM ${t}`,
  );
  // The share is inlined: quantile_disc takes a constant, and it is a number this module computed.
  const q = Math.min(1, Math.max(0, share)).toFixed(4);
  const [row] = await db.all(
    `SELECT quantile_disc(received_ms, ${q}) AS cutoff FROM (${parts.join(' UNION ALL ')})`,
  );
  const cutoff = row?.['cutoff'];
  return cutoff === null || cutoff === undefined ? null : Number(cutoff);
}

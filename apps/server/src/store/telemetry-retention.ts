import type { DuckDbDatabase } from './duckdb-database.js';

/** Rows deleted by one retention pass, per table. */
export type RetentionResult = Record<'events' | 'spans' | 'metric_points' | 'views', number>;

/**
 * Deletes telemetry older than `maxAgeMs` (by the server's receive time for events, so a client with a
 * wrong clock cannot keep rows forever or lose them early), then checkpoints so the space is reused.
 */
export async function enforceRetention(
  db: DuckDbDatabase,
  maxAgeMs: number,
  nowMs: number,
): Promise<RetentionResult> {
  const cutoff = nowMs - maxAgeMs;
  const del = async (table: string, column: string): Promise<number> => {
    // A plain DELETE answers one row with the count, where RETURNING would ship every deleted row.
    const rows = await db.all(`DELETE FROM ${table} WHERE epoch_ms(${column}) < $1`, [cutoff]);
    return Number(rows[0]?.['Count'] ?? 0);
  };
  const result: RetentionResult = {
    events: await del('events', 'received_at'),
    spans: await del('spans', 'start_time'),
    metric_points: await del('metric_points', 'time'),
    views: await del('views', 'last_event_at'),
  };
  if (Object.values(result).some((n) => n > 0)) await db.exec('CHECKPOINT');
  return result;
}

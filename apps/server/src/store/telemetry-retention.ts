import type { DuckDbDatabase } from './duckdb-database.js';

/** Rows deleted by one retention pass, per table. */
export type RetentionResult = Record<'events' | 'spans' | 'metric_points' | 'views', number>;

/**
 * Deletes telemetry received longer than `maxAgeMs` ago, then checkpoints so the space is reused. Every table
 * runs on the server's receive time, never a sender's timestamp: a sender with a wrong (or hostile) clock can
 * neither keep rows forever nor have them deleted early. A view goes with the first event the server got of it.
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
    spans: await del('spans', 'received_at'),
    metric_points: await del('metric_points', 'received_at'),
    views: await del('views', 'first_received_at'),
  };
  // A received instrument with no points left is forgotten, so its name (and its slot) can be used again.
  if (result.metric_points > 0) {
    await db.exec(`DELETE FROM metric_instruments i WHERE NOT EXISTS (
      SELECT 1 FROM metric_points p WHERE p.origin = 'received' AND p.service = i.service AND p.name = i.name)`);
  }
  if (Object.values(result).some((n) => n > 0)) await db.exec('CHECKPOINT');
  return result;
}

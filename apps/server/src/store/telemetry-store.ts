import path from 'node:path';
import {
  createSqlReader,
  openDuckDbDatabase,
  type DuckDbDatabase,
  type SqlReader,
} from './duckdb-database.js';
import { applyMigrations, type Migration } from './migrations.js';
import { createStagedAppender, type StagedAppender } from './staged-appender.js';
import { telemetryMigration0001 } from './telemetry-migrations/0001-telemetry.js';
import {
  EVENT_COLUMNS,
  POINT_COLUMNS,
  SPAN_COLUMNS,
  type EventRow,
  type MetricPointRow,
  type SpanRow,
} from './telemetry-rows.js';

/** The telemetry store's migrations, in order. Append only. */
export const TELEMETRY_MIGRATIONS: readonly Migration[] = [telemetryMigration0001];

/** The telemetry database's file name inside the data directory. */
export const TELEMETRY_DB_FILE = 'telemetry.duckdb';

/**
 * Raw events, spans and metric points (appended in batches, each commit durable), and the database for
 * derived tables and queries.
 */
export interface TelemetryStore {
  /** Queries, derived tables and maintenance run here, one at a time. */
  readonly db: DuckDbDatabase;
  /** Dashboard queries: a connection of their own, so a views refresh or retention pass never delays them. */
  readonly reader: SqlReader;
  readonly events: StagedAppender<EventRow>;
  readonly spans: StagedAppender<SpanRow>;
  readonly points: StagedAppender<MetricPointRow>;
  close(): Promise<void>;
}

/** Opens (creating and migrating) the telemetry store at `file` (or ':memory:'). */
export async function openTelemetryStore(file: string): Promise<TelemetryStore> {
  const db = await openDuckDbDatabase(file);
  try {
    await applyMigrations(db, TELEMETRY_MIGRATIONS);
    // Appenders get connections of their own: a batch commit never waits behind a dashboard query.
    const connect = () => db.connect();
    const events = await createStagedAppender(connect, 'events', EVENT_COLUMNS);
    const spans = await createStagedAppender(connect, 'spans', SPAN_COLUMNS, 1);
    const points = await createStagedAppender(connect, 'metric_points', POINT_COLUMNS, 1);
    const reader = createSqlReader(await db.connect());
    return {
      db,
      reader,
      events,
      spans,
      points,
      async close() {
        events.close();
        spans.close();
        points.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** `<dataDir>/telemetry.duckdb`. */
export function telemetryDbPath(dataDir: string): string {
  return path.join(dataDir, TELEMETRY_DB_FILE);
}

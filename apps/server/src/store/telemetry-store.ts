import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  createSqlReader,
  openDuckDbDatabase,
  type DuckDbDatabase,
  type ReopenPolicy,
  type SqlReader,
} from './duckdb-database.js';
import { applyMigrations, type Migration } from './migrations.js';
import { createStagedAppender, type StagedAppender } from './staged-appender.js';
import type { StoreHealthSource } from './store-health.js';
import { telemetryMigration0001 } from './telemetry-migrations/0001-telemetry.js';
import { telemetryMigration0002 } from './telemetry-migrations/0002-received-telemetry.js';
import { telemetryMigration0003 } from './telemetry-migrations/0003-view-captions.js';
import {
  EVENT_COLUMNS,
  POINT_COLUMNS,
  SPAN_COLUMNS,
  type EventRow,
  type MetricPointRow,
  type SpanRow,
} from './telemetry-rows.js';

/** The telemetry store's migrations, in order. Append only. */
export const TELEMETRY_MIGRATIONS: readonly Migration[] = [
  telemetryMigration0001,
  telemetryMigration0002,
  telemetryMigration0003,
];

/** The telemetry database's file name inside the data directory. */
export const TELEMETRY_DB_FILE = 'telemetry.duckdb';

/**
 * Raw events, spans and metric points (appended in batches, each commit durable), and the database for
 * derived tables and queries. After a fatal database error (a full disk) it reopens by itself; the objects
 * below stay the same, and while it is down their calls reject with StoreError 'unavailable'.
 */
export interface TelemetryStore extends StoreHealthSource {
  /** Queries, derived tables and maintenance run here, one at a time. */
  readonly db: DuckDbDatabase;
  /** Dashboard queries: a connection of their own, so a views refresh or retention pass never delays them. */
  readonly reader: SqlReader;
  readonly events: StagedAppender<EventRow>;
  readonly spans: StagedAppender<SpanRow>;
  readonly points: StagedAppender<MetricPointRow>;
  close(): Promise<void>;
}

/** Options of openTelemetryStore. */
export interface TelemetryStoreOptions {
  /** How reopen attempts after a fatal error are spaced (tests shorten it). */
  reopen?: Partial<ReopenPolicy>;
}

/** What is built on connections of their own; rebuilt on the new instance after a reopen. */
interface Parts {
  events: StagedAppender<EventRow>;
  spans: StagedAppender<SpanRow>;
  points: StagedAppender<MetricPointRow>;
  reader: SqlReader;
}

async function buildParts(connect: () => Promise<DuckDBConnection>): Promise<Parts> {
  const built: { close(): void }[] = [];
  const keep = <T extends { close(): void }>(a: T): T => {
    built.push(a);
    return a;
  };
  try {
    // Appenders get connections of their own: a batch commit never waits behind a dashboard query.
    const events = keep(await createStagedAppender(connect, 'events', EVENT_COLUMNS));
    const spans = keep(await createStagedAppender(connect, 'spans', SPAN_COLUMNS, 1));
    const points = keep(await createStagedAppender(connect, 'metric_points', POINT_COLUMNS, 1));
    return { events, spans, points, reader: createSqlReader(await connect()) };
  } catch (err) {
    for (const a of built) closeQuietly(a);
    throw err;
  }
}

function closeQuietly(appender: { close(): void }): void {
  try {
    appender.close();
  } catch {
    // An invalidated instance may refuse; its connections are closed right after, which releases it.
  }
}

/** Opens (creating and migrating) the telemetry store at `file` (or ':memory:'). */
export async function openTelemetryStore(
  file: string,
  options: TelemetryStoreOptions = {},
): Promise<TelemetryStore> {
  const db = await openDuckDbDatabase(file, options.reopen ? { reopen: options.reopen } : {});
  let parts: Parts | null;
  try {
    await applyMigrations(db, TELEMETRY_MIGRATIONS);
    parts = await buildParts(() => db.connect());
  } catch (err) {
    await db.close();
    throw err;
  }
  // Calls on the current parts, so a reopen can wait for them before it closes their connections.
  const inFlight = new Set<Promise<unknown>>();
  function use<T>(run: (p: Parts) => Promise<T>): Promise<T> {
    const call = (async () => {
      // While it reopens, 'unavailable' at once: nothing reaches a connection of the failed instance.
      db.assertOpen();
      return run(parts!);
    })().catch((err: unknown) => {
      throw db.failure(err);
    });
    inFlight.add(call);
    void call.then(
      () => inFlight.delete(call),
      () => inFlight.delete(call),
    );
    return call;
  }
  function release(): void {
    if (!parts) return;
    closeQuietly(parts.events);
    closeQuietly(parts.spans);
    closeQuietly(parts.points);
    parts = null;
  }
  db.addReopenHook({
    async release() {
      await Promise.allSettled([...inFlight]);
      release();
    },
    async restore(connect) {
      parts = await buildParts(connect);
    },
  });

  function appender<Row>(pick: (p: Parts) => StagedAppender<Row>): StagedAppender<Row> {
    return {
      lanes: pick(parts!).lanes,
      commit: (rows) => (rows.length === 0 ? Promise.resolve() : use((p) => pick(p).commit(rows))),
      // The store's close() closes the appenders underneath; holders of this one never close it alone.
      close() {},
    };
  }
  return {
    db,
    reader: { all: (sql, params) => use((p) => p.reader.all(sql, params)) },
    events: appender((p) => p.events),
    spans: appender((p) => p.spans),
    points: appender((p) => p.points),
    health: () => db.health(),
    onHealthChange: (listener) => db.onHealthChange(listener),
    async close() {
      await Promise.allSettled([...inFlight]);
      release();
      await db.close();
    },
  };
}

/** `<dataDir>/telemetry.duckdb`. */
export function telemetryDbPath(dataDir: string): string {
  return path.join(dataDir, TELEMETRY_DB_FILE);
}

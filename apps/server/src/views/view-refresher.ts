import { listValue } from '@duckdb/node-api';
import { VIEW_OUTCOMES } from '@coursecast/semconv';
import type { DuckDbDatabase } from '../store/duckdb-database.js';
import { viewsSelect } from './view-derivation.js';

/** Settings of the views refresher (from config). */
export interface ViewRefresherOptions {
  db: DuckDbDatabase;
  /** A view with no event for this long has ended (Mux: one hour of inactivity). */
  inactiveMs: number;
  /** Views derived per statement (bounds one statement's memory and time). */
  batch?: number;
  now?: () => number;
  /** Told of views whose outcome became final in a pass (each view once): the `content.views` counter. */
  onEnded?(views: EndedView[]): void;
}

/** A view that ended in a refresh pass. */
export interface EndedView {
  outcome: string;
  browser: string | null;
  codec: string | null;
  container: string | null;
  plan: string | null;
}

/** Keeps the `views` table derived from raw events: views with new events, and pending ones that aged out. */
export interface ViewRefresher {
  /** Views that received events (the ingest calls this after each commit). */
  markDirty(viewIds: Iterable<string>): void;
  /** Derives the dirty views and the pending ones past the inactivity limit; resolves with the count. */
  refresh(): Promise<number>;
  /** Drops every view and derives all of them again from raw events. */
  rebuildAll(): Promise<number>;
  /**
   * At start-up: marks dirty the views with events received in the last inactivity window that are not
   * derived or not ended (a previous process may have stopped before deriving them).
   */
  catchUp(): Promise<number>;
}

const DEFAULT_BATCH = 5000;

/** Creates a refresher; the caller runs `refresh` on a timer and before dashboard queries that need it fresh. */
export function createViewRefresher(o: ViewRefresherOptions): ViewRefresher {
  const now = o.now ?? Date.now;
  const batch = o.batch ?? DEFAULT_BATCH;
  let dirty = new Set<string>();
  let running: Promise<number> | null = null;
  // Events of views not derived yet were received after this (see catchUp).
  let horizon = now() - o.inactiveMs;

  async function derive(ids: string[]): Promise<void> {
    const list = [listValue(ids)];
    const inList = 'view_id IN (SELECT unnest($1::VARCHAR[]))';
    // Only events received since the earliest of these views began are read. A view not derived yet began
    // after this process started (or in the catch-up window of `catchUp`), so that bounds it too.
    const known = await o.db.all(
      `SELECT epoch_ms(min(first_received_at)) AS t, count(*)::INTEGER AS n FROM views WHERE ${inList}`,
      list,
    );
    const knownMin = known[0]?.['t'] == null ? Infinity : Number(known[0]['t']);
    const since = Number(known[0]?.['n'] ?? 0) === ids.length ? knownMin : Math.min(knownMin, horizon);
    const scope = `${inList} AND epoch_ms(received_at) >= ${Math.floor(since)}`;
    const wasEnded = o.onEnded
      ? new Set(
          (await o.db.all(`SELECT view_id FROM views WHERE ended AND ${inList}`, list)).map(
            (r) => r['view_id'],
          ),
        )
      : new Set();
    const rows = await o.db.all(
      `INSERT OR REPLACE INTO views ${viewsSelect(scope, now(), o.inactiveMs)}
       RETURNING view_id, ended, outcome, browser, codec, container, plan`,
      list,
    );
    const ended = rows.filter((r) => r['ended'] === true && !wasEnded.has(r['view_id']));
    if (ended.length > 0 && o.onEnded) {
      o.onEnded(
        ended.map((r) => ({
          outcome: String(r['outcome']),
          browser: r['browser'] as string | null,
          codec: r['codec'] as string | null,
          container: r['container'] as string | null,
          plan: r['plan'] as string | null,
        })),
      );
    }
  }

  async function refreshOnce(): Promise<number> {
    const ids = [...dirty];
    dirty = new Set();
    let done = 0;
    try {
      for (let i = 0; i < ids.length; i += batch) {
        await derive(ids.slice(i, i + batch));
        done += Math.min(batch, ids.length - i);
      }
    } catch (err) {
      // Not lost: derived again on the next pass.
      for (const id of ids.slice(done)) dirty.add(id);
      throw err;
    }
    const aged = await o.db.all(
      `SELECT view_id FROM views WHERE outcome = $1 AND epoch_ms(last_event_at) < $2 LIMIT ${batch}`,
      [VIEW_OUTCOMES.pending, now() - o.inactiveMs],
    );
    if (aged.length > 0) await derive(aged.map((r) => String(r['view_id'])));
    return done + aged.length;
  }

  return {
    markDirty(viewIds) {
      for (const id of viewIds) dirty.add(id);
    },
    refresh() {
      // One pass at a time; a caller arriving meanwhile waits for it and then runs its own.
      const previous = running ?? Promise.resolve(0);
      const next = previous.catch(() => 0).then(refreshOnce);
      running = next;
      next
        .finally(() => {
          if (running === next) running = null;
        })
        .catch(() => {});
      return next;
    },
    async catchUp() {
      horizon = now() - o.inactiveMs;
      const rows = await o.db.all(
        `SELECT DISTINCT e.view_id FROM events e LEFT JOIN views v USING (view_id)
         WHERE e.view_id IS NOT NULL AND epoch_ms(e.received_at) >= $1
           AND (v.view_id IS NULL OR NOT v.ended)`,
        [horizon],
      );
      for (const r of rows) dirty.add(String(r['view_id']));
      return rows.length;
    },
    async rebuildAll() {
      dirty = new Set();
      await o.db.transaction(async (tx) => {
        await tx.exec('DELETE FROM views');
        await tx.exec(`INSERT INTO views ${viewsSelect('TRUE', now(), o.inactiveMs)}`);
      });
      const rows = await o.db.all('SELECT count(*)::INTEGER AS n FROM views');
      return Number(rows[0]?.['n'] ?? 0);
    },
  };
}

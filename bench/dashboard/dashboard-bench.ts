// bench/dashboard: every dashboard panel's query over 10M synthetic events / 100k views (and a week of the
// server's metric points at the 10 s export interval), in a real telemetry store file. Per panel: p50/p95 of
// DASHBOARD_BENCH_RUNS runs over the whole range, and with a filter (browser=chrome). Target: p95 ≤ 150 ms.
// Side by side, the peer: the headline figures computed straight from raw events (what the views table saves),
// and the full derivation of every view from raw events (what a rebuild costs).
//
// Env: DASHBOARD_BENCH_VIEWS (100000), DASHBOARD_BENCH_EVENTS_PER_VIEW (100), DASHBOARD_BENCH_RUNS (20).
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import {
  createViewRefresher,
  openTelemetryStore,
  type Panel,
  PANELS,
  resolveQuery,
  viewsSelect,
} from '@coursecast/server/parts';
import { loadAverage, log, r3 } from '../edge/edge-bench-kit.js';
import { generateEvents, generateServerTelemetry } from './dashboard-data.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const VIEWS = env('DASHBOARD_BENCH_VIEWS', 100_000);
const PER_VIEW = env('DASHBOARD_BENCH_EVENTS_PER_VIEW', 100);
const RUNS = env('DASHBOARD_BENCH_RUNS', 20);
const DAYS = 7;
const TARGET_P95_MS = 150;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-dashboard-'));
  const store = await openTelemetryStore(path.join(dir, 'telemetry.duckdb'));
  try {
    const endMs = Date.now();
    const size = { views: VIEWS, eventsPerView: PER_VIEW, days: DAYS, pointIntervalS: 10, sessions: 50_000 };
    log(
      `dashboard bench: ${cpus().length} cpus, load ${loadAverage()}; ${VIEWS} views × ${PER_VIEW} events over ${DAYS} days`,
    );
    const gen = await timed(() => generateEvents(store.db, size, endMs));
    const genServer = await timed(() => generateServerTelemetry(store.db, size, endMs));
    await store.db.exec('CHECKPOINT');
    const counts = await store.db.all(
      `SELECT (SELECT count(*) FROM events)::BIGINT AS events, (SELECT count(*) FROM metric_points)::BIGINT AS points,
              (SELECT count(*) FROM spans)::BIGINT AS spans`,
    );
    log(
      `generated in ${(gen.ms / 1000).toFixed(1)} s + ${(genServer.ms / 1000).toFixed(1)} s: ${JSON.stringify(counts[0], (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`,
    );
    const refresher = createViewRefresher({ db: store.db, inactiveMs: 3_600_000, now: () => endMs });
    const rebuild = await timed(() => refresher.rebuildAll());
    log(`derived ${rebuild.value} views from raw events in ${(rebuild.ms / 1000).toFixed(2)} s`);
    // What keeping views fresh costs under ingest: one refresh pass for the 1000 latest views (live views are
    // the recent ones).
    const recent = await store.db.all('SELECT view_id FROM views ORDER BY last_event_at DESC LIMIT 1000');
    refresher.markDirty(recent.map((r) => String(r['view_id'])));
    const refresh = await timed(() => refresher.refresh());
    log(`refreshed ${refresh.value} dirty views in ${refresh.ms.toFixed(0)} ms`);

    const whole = resolveQuery({ from: endMs - DAYS * 86_400_000, to: endMs }, endMs);
    const filtered = resolveQuery({ from: endMs - DAYS * 86_400_000, to: endMs, browser: 'chrome' }, endMs);
    if (typeof whole === 'string' || typeof filtered === 'string') throw new Error('bad query');
    const panels: Record<string, { p50_ms: number; p95_ms: number; filtered_p95_ms: number }> = {};
    const met: Record<string, boolean> = {};
    for (const [id, panel] of Object.entries<Panel<unknown>>(PANELS)) {
      await panel.run(store.db, whole); // warm-up
      const all: number[] = [];
      const withFilter: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        all.push((await timed(() => panel.run(store.db, whole))).ms);
        withFilter.push((await timed(() => panel.run(store.db, filtered))).ms);
      }
      panels[id] = {
        p50_ms: r3(quantile(all, 0.5)),
        p95_ms: r3(quantile(all, 0.95)),
        filtered_p95_ms: r3(quantile(withFilter, 0.95)),
      };
      met[id] = Math.max(panels[id].p95_ms, panels[id].filtered_p95_ms) <= TARGET_P95_MS;
      log(
        `${id.padEnd(26)} p50 ${panels[id].p50_ms.toFixed(1).padStart(7)} ms  p95 ${panels[id].p95_ms.toFixed(1).padStart(7)} ms  filtered p95 ${panels[id].filtered_p95_ms.toFixed(1).padStart(7)} ms`,
      );
    }

    // The peer: the same headline figures straight from raw events (every view derived on the fly).
    const fromViews: number[] = [];
    const fromRaw: number[] = [];
    const rawSummary = `SELECT count(*) AS views, quantile_cont(startup_ms, 0.5), sum(rebuffer_ms) / sum(watch_ms)
      FROM (${viewsSelect('TRUE', endMs, 3_600_000)}) WHERE outcome <> 'pending'`;
    for (let i = 0; i < Math.max(3, Math.floor(RUNS / 4)); i++) {
      fromViews.push((await timed(() => PANELS.summary.run(store.db, whole))).ms);
      fromRaw.push((await timed(() => store.db.all(rawSummary))).ms);
    }
    const summaryViews = quantile(fromViews, 0.5);
    const summaryRaw = quantile(fromRaw, 0.5);
    log(`summary from views ${summaryViews.toFixed(1)} ms vs from raw events ${summaryRaw.toFixed(1)} ms`);
    const worst = Math.max(...Object.values(panels).map((p) => Math.max(p.p95_ms, p.filtered_p95_ms)));
    return {
      bench: 'dashboard',
      cpus: cpus().length,
      views: VIEWS,
      events: VIEWS * PER_VIEW,
      metric_points: Number(counts[0]?.['points'] ?? 0),
      runs: RUNS,
      target_p95_ms: TARGET_P95_MS,
      worst_panel_p95_ms: r3(worst),
      met_all: Object.values(met).every(Boolean),
      panels,
      met,
      derive_all_views_s: r3(rebuild.ms / 1000),
      refresh_1000_dirty_views_ms: r3(refresh.ms),
      summary_from_views_ms: r3(summaryViews),
      summary_from_raw_events_ms: r3(summaryRaw),
      raw_over_views_ratio: r3(summaryRaw / summaryViews),
      generate_s: r3((gen.ms + genServer.ms) / 1000),
      load_average: loadAverage(),
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

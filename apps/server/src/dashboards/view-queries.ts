import {
  PLAYBACK_BUCKET_FIELDS,
  PLAYBACK_SUMMARY_FIELDS,
  SUCCESS_BY_FIELDS,
  type CaptionsByCourseRow,
  type PlaybackBucket,
  type PlaybackSummary,
  type StartupHistogram,
  type SuccessByRow,
} from '@coursecast/api';
import { VIEW_OUTCOMES } from '@coursecast/semconv';
import type { SqlParam, SqlReader } from '../store/duckdb-database.js';
import type { DashboardQuery } from './dashboard-query.js';

// Playback panels, computed from the `views` table (itself derived from raw events). Formulas are in
// docs/metrics.md; the SQL below is their only implementation.

const VIEW_FILTERS = {
  course: 'course_id',
  item: 'item_id',
  browser: 'browser',
  codec: 'codec',
  container: 'container',
  plan: 'plan',
} as const;

/** Dimensions playback success can be broken down by. */
export const VIEW_DIMENSIONS = ['codec', 'container', 'browser', 'os', 'device', 'plan'] as const;
export type ViewDimension = (typeof VIEW_DIMENSIONS)[number];

/** WHERE over views for a query: the time range on started_at, the filters, pending views left out. */
function where(q: DashboardQuery): { sql: string; params: SqlParam[] } {
  const params: SqlParam[] = [q.fromMs, q.toMs, VIEW_OUTCOMES.pending];
  const parts = ['epoch_ms(started_at) >= $1', 'epoch_ms(started_at) < $2', 'outcome <> $3'];
  for (const [key, column] of Object.entries(VIEW_FILTERS)) {
    const v = q.filters[key as keyof typeof VIEW_FILTERS];
    if (v === undefined) continue;
    params.push(v);
    parts.push(`${column} = $${params.length}`);
  }
  return { sql: parts.join(' AND '), params };
}

const O = VIEW_OUTCOMES;
// Shared aggregate columns: counts by outcome, then the rates built on them.
const OUTCOME_COUNTS = `
  count(*)::INTEGER AS views,
  count(*) FILTER (WHERE outcome = '${O.played}')::INTEGER AS played,
  count(*) FILTER (WHERE outcome = '${O.failedBeforeStart}')::INTEGER AS failed_before_start,
  count(*) FILTER (WHERE outcome = '${O.failedDuringPlay}')::INTEGER AS failed_during_play,
  count(*) FILTER (WHERE outcome = '${O.exitedBeforeStart}')::INTEGER AS exited_before_start`;
const rate = (num: string, den: string): string =>
  `CASE WHEN ${den} > 0 THEN (${num})::DOUBLE / (${den}) END`;
const ATTEMPTED = `(views - exited_before_start)`;
const RATES = `
  ${rate('played', ATTEMPTED)} AS success_rate,
  ${rate('failed_before_start + failed_during_play', 'views')} AS playback_failure_rate,
  ${rate('failed_before_start', 'views')} AS startup_failure_rate,
  ${rate('exited_before_start', 'views')} AS exits_before_start_rate`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The named columns of a result row as numbers (null stays null): the SQL names them as the API does. */
function numbers<K extends string>(
  row: Record<string, unknown>,
  keys: readonly K[],
): Record<K, number | null> {
  const out = {} as Record<K, number | null>;
  for (const key of keys) out[key] = num(row[key]);
  return out;
}

/** Headline figures over the range: outcomes, rates, startup percentiles, rebuffering, watch time. */
export async function playbackSummary(db: SqlReader, q: DashboardQuery): Promise<PlaybackSummary> {
  const w = where(q);
  const rows = await db.all(
    `WITH a AS (
       SELECT ${OUTCOME_COUNTS},
         quantile_cont(startup_ms, 0.5) AS startup_p50_ms,
         quantile_cont(startup_ms, 0.95) AS startup_p95_ms,
         quantile_cont(startup_ms, 0.99) AS startup_p99_ms,
         sum(rebuffer_ms) AS rebuffer_ms, sum(rebuffer_count) AS rebuffers, sum(watch_ms) AS watch_ms,
         sum(seek_ms) AS seek_ms, sum(seek_count) AS seeks
       FROM views WHERE ${w.sql})
     SELECT *, ${RATES},
       ${rate('rebuffer_ms', 'watch_ms')} AS rebuffer_ratio,
       ${rate('rebuffers', 'watch_ms / 60000.0')} AS rebuffers_per_minute,
       ${rate('seek_ms', 'seeks')} AS seek_latency_ms
     FROM a`,
    w.params,
  );
  return numbers(rows[0] ?? {}, PLAYBACK_SUMMARY_FIELDS);
}

/** Playback success by one dimension (codec, container, browser, ...), most views first. */
export async function playbackSuccessBy(
  db: SqlReader,
  q: DashboardQuery,
  dimension: ViewDimension,
): Promise<SuccessByRow[]> {
  const w = where(q);
  const rows = await db.all(
    `WITH a AS (SELECT coalesce(${dimension}, 'unknown') AS key, ${OUTCOME_COUNTS}
       FROM views WHERE ${w.sql} GROUP BY 1)
     SELECT *, ${RATES} FROM a ORDER BY views DESC, key LIMIT 50`,
    w.params,
  );
  return rows.map((r) => ({ key: String(r['key']), ...numbers(r, SUCCESS_BY_FIELDS) }));
}

/** Startup-time buckets (ms upper bounds; the last one open) for the time-to-playback histogram. */
export const STARTUP_BUCKETS_MS = [250, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 10_000, 15_000, 30_000];

/** Time-to-playback histogram with p50/p95/p99 (views that reached a first frame). */
export async function startupHistogram(db: SqlReader, q: DashboardQuery): Promise<StartupHistogram> {
  const w = where(q);
  const bucketExpr = `CASE ${STARTUP_BUCKETS_MS.map((b, i) => `WHEN startup_ms <= ${b} THEN ${i}`).join(' ')} ELSE ${STARTUP_BUCKETS_MS.length} END`;
  const [rows, stats] = await Promise.all([
    db.all(
      `SELECT ${bucketExpr} AS b, count(*)::INTEGER AS n FROM views WHERE ${w.sql} AND startup_ms IS NOT NULL GROUP BY 1`,
      w.params,
    ),
    db.all(
      `SELECT count(startup_ms)::INTEGER AS n, quantile_cont(startup_ms, 0.5) AS p50,
              quantile_cont(startup_ms, 0.95) AS p95, quantile_cont(startup_ms, 0.99) AS p99
       FROM views WHERE ${w.sql}`,
      w.params,
    ),
  ]);
  const counts = Array.from({ length: STARTUP_BUCKETS_MS.length + 1 }, () => 0);
  for (const r of rows) counts[Number(r['b'])] = Number(r['n']);
  const s = stats[0] ?? {};
  return {
    bounds: STARTUP_BUCKETS_MS,
    counts,
    count: Number(s['n'] ?? 0),
    p50: num(s['p50']),
    p95: num(s['p95']),
    p99: num(s['p99']),
  };
}

/** Per time bucket (by view start): views, rebuffer ratio and frequency, startup p50/p95, failure rate. */
export async function playbackOverTime(db: SqlReader, q: DashboardQuery): Promise<PlaybackBucket[]> {
  const w = where(q);
  const rows = await db.all(
    `WITH a AS (
       SELECT (floor(epoch_ms(started_at) / ${q.bucketMs}) * ${q.bucketMs})::BIGINT AS t, ${OUTCOME_COUNTS},
         sum(rebuffer_ms) AS rebuffer_ms, sum(rebuffer_count) AS rebuffers, sum(watch_ms) AS watch_ms,
         quantile_cont(startup_ms, 0.5) AS startup_p50_ms, quantile_cont(startup_ms, 0.95) AS startup_p95_ms
       FROM views WHERE ${w.sql} GROUP BY 1)
     SELECT t, views, startup_p50_ms, startup_p95_ms,
       ${rate('rebuffer_ms', 'watch_ms')} AS rebuffer_ratio,
       ${rate('rebuffers', 'watch_ms / 60000.0')} AS rebuffers_per_minute,
       ${rate('failed_before_start + failed_during_play', 'views')} AS playback_failure_rate
     FROM a ORDER BY t`,
    w.params,
  );
  return rows.map((r) => ({ t: Number(r['t']), ...numbers(r, PLAYBACK_BUCKET_FIELDS) }));
}

/**
 * Caption use by course (issue 20): views whose page reported its tracks (captions_ms not null), how many had captions
 * on, and the share of their playing time with captions showing. Courses with the most playing time first.
 */
export async function captionsByCourse(db: SqlReader, q: DashboardQuery): Promise<CaptionsByCourseRow[]> {
  const w = where(q);
  const rows = await db.all(
    `SELECT course_id,
       count(*)::INTEGER AS views,
       count(*) FILTER (WHERE captions_ms > 0)::INTEGER AS views_with_captions,
       coalesce(sum(playing_ms), 0)::DOUBLE AS playing_ms,
       coalesce(sum(captions_ms), 0)::DOUBLE AS captions_ms,
       ${rate('sum(captions_ms)', 'sum(playing_ms)')} AS share
     FROM views WHERE ${w.sql} AND captions_ms IS NOT NULL
     GROUP BY course_id ORDER BY playing_ms DESC, course_id LIMIT 50`,
    w.params,
  );
  return rows.map((r) => ({
    course_id: typeof r['course_id'] === 'string' ? r['course_id'] : null,
    views: Number(r['views']),
    views_with_captions: Number(r['views_with_captions']),
    playing_ms: Number(r['playing_ms']),
    captions_ms: Number(r['captions_ms']),
    // The rate is capped: a caption report racing the core's heartbeat may be a few ms ahead of it.
    share: r['share'] === null ? null : Math.min(1, Number(r['share'])),
  }));
}

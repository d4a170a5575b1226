import type { DuckDbDatabase, SqlParam } from '../store/duckdb-database.js';
import type { DashboardQuery } from './dashboard-query.js';
import { histogramQuantile, mergeHistograms, type BucketHistogram } from './histogram-math.js';

// Server panels, from the server's own metric points (deltas per export interval) and spans in the store.

/** Metric attribute filters a query may apply: dashboard filter → attribute key. */
const METRIC_FILTERS = { plan: 'hls.plan.mode', cache: 'cdn.cache_status' } as const;

const jsonAttr = (key: string): string => `json_extract_string(attrs, '$."${key.replace(/'/g, "''")}"')`;

function where(
  q: DashboardQuery,
  name: string,
  applicable: readonly string[],
): { sql: string; params: SqlParam[] } {
  const params: SqlParam[] = [name, q.fromMs, q.toMs];
  const parts = ['name = $1', 'epoch_ms(time) >= $2', 'epoch_ms(time) < $3'];
  for (const [filter, key] of Object.entries(METRIC_FILTERS)) {
    const v = q.filters[filter as keyof typeof METRIC_FILTERS];
    if (v === undefined || !applicable.includes(key)) continue;
    params.push(v);
    parts.push(`${jsonAttr(key)} = $${params.length}`);
  }
  return { sql: parts.join(' AND '), params };
}

const bucket = (q: DashboardQuery, column = 'time'): string =>
  `(floor(epoch_ms(${column}) / ${q.bucketMs}) * ${q.bucketMs})::BIGINT`;

/** One series point: the bucket start (epoch ms), the group, the value. */
export interface SeriesPoint {
  t: number;
  group: string;
  value: number;
}

/** A counter's increase per bucket, split by one attribute (or one series when `by` is null). */
export async function counterOverTime(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  by: string | null,
): Promise<SeriesPoint[]> {
  const w = where(q, name, by ? [by] : []);
  const group = by ? `coalesce(${jsonAttr(by)}, 'none')` : `'all'`;
  const rows = await db.all(
    `SELECT ${bucket(q)} AS t, ${group} AS g, sum(value) AS v FROM metric_points
     WHERE ${w.sql} AND kind = 'sum' GROUP BY 1, 2 ORDER BY 1, 2`,
    w.params,
  );
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

/** A counter's total over the range, split by one attribute. */
export async function counterTotals(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  by: string,
): Promise<{ group: string; value: number }[]> {
  const w = where(q, name, [by]);
  const rows = await db.all(
    `SELECT coalesce(${jsonAttr(by)}, 'none') AS g, sum(value) AS v FROM metric_points
     WHERE ${w.sql} AND kind = 'sum' GROUP BY 1 ORDER BY 2 DESC`,
    w.params,
  );
  return rows.map((r) => ({ group: String(r['g']), value: Number(r['v']) }));
}

/** A gauge per bucket and group: the highest value seen in the bucket. */
export async function gaugeOverTime(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  by: string | null,
): Promise<SeriesPoint[]> {
  const w = where(q, name, by ? [by] : []);
  const group = by ? `coalesce(${jsonAttr(by)}, 'none')` : `'all'`;
  const rows = await db.all(
    `SELECT ${bucket(q)} AS t, ${group} AS g, max(value) AS v FROM metric_points
     WHERE ${w.sql} AND kind = 'gauge' GROUP BY 1, 2 ORDER BY 1, 2`,
    w.params,
  );
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

type HistogramRow = BucketHistogram & { t: number };

async function histogramRows(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  applicable: readonly string[],
): Promise<HistogramRow[]> {
  const w = where(q, name, applicable);
  // Bucket counts are summed index by index in SQL (per time bucket and bucket layout); layouts differ only
  // when a definition's boundaries changed, and those are kept apart rather than merged wrongly.
  const rows = await db.all(
    `WITH p AS (
       SELECT ${bucket(q)} AS t, bounds, count, sum, min, max, buckets
       FROM metric_points WHERE ${w.sql} AND kind = 'histogram'),
     e AS (SELECT t, bounds, generate_subscripts(buckets, 1) AS i, unnest(buckets) AS c FROM p),
     b AS (
       SELECT t, bounds, list(c ORDER BY i) AS counts
       FROM (SELECT t, bounds, i, sum(c) AS c FROM e GROUP BY t, bounds, i) GROUP BY t, bounds),
     s AS (
       SELECT t, bounds, sum(count) AS n, sum(sum) AS s, min(min) AS lo, max(max) AS hi
       FROM p GROUP BY t, bounds)
     SELECT s.*, b.counts FROM s JOIN b USING (t, bounds) ORDER BY t`,
    w.params,
  );
  return rows.map((r) => ({
    t: Number(r['t']),
    bounds: listNumbers(r['bounds']),
    counts: listNumbers(r['counts']),
    count: Number(r['n']),
    sum: Number(r['s']),
    min: r['lo'] === null ? null : Number(r['lo']),
    max: r['hi'] === null ? null : Number(r['hi']),
  }));
}

function listNumbers(v: unknown): number[] {
  const items = (v as { items?: unknown[] } | null)?.items ?? (Array.isArray(v) ? v : []);
  return items.map((x) => Number(x));
}

/** Quantiles of a histogram metric over the whole range. */
export async function histogramSummary(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  applicable: readonly string[] = [],
): Promise<{
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}> {
  const merged = mergeHistograms(await histogramRows(db, q, name, applicable));
  if (!merged || merged.count === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null };
  return {
    count: merged.count,
    mean: merged.sum / merged.count,
    p50: histogramQuantile(merged, 0.5),
    p95: histogramQuantile(merged, 0.95),
    p99: histogramQuantile(merged, 0.99),
  };
}

/** p50/p95 of a histogram metric per bucket. */
export async function histogramOverTime(
  db: DuckDbDatabase,
  q: DashboardQuery,
  name: string,
  applicable: readonly string[] = [],
): Promise<{ t: number; count: number; p50: number | null; p95: number | null }[]> {
  const byT = new Map<number, HistogramRow[]>();
  for (const r of await histogramRows(db, q, name, applicable)) byT.set(r.t, [...(byT.get(r.t) ?? []), r]);
  return [...byT].map(([t, parts]) => {
    const m = mergeHistograms(parts)!;
    return { t, count: m.count, p50: histogramQuantile(m, 0.5), p95: histogramQuantile(m, 0.95) };
  });
}

/** Just-in-time sessions that ended per bucket, by end reason, from their spans. */
export async function sessionEndsOverTime(db: DuckDbDatabase, q: DashboardQuery): Promise<SeriesPoint[]> {
  const params: SqlParam[] = [q.fromMs, q.toMs];
  let plan = '';
  if (q.filters.plan) {
    params.push(q.filters.plan);
    plan = `AND ${jsonAttr('hls.plan.mode')} = $3`;
  }
  const rows = await db.all(
    `SELECT ${bucket(q, 'end_time')} AS t, coalesce(${jsonAttr('hls.session.end_reason')}, 'unknown') AS g,
            count(*)::DOUBLE AS v
     FROM spans WHERE name = 'hls.session' AND epoch_ms(end_time) >= $1 AND epoch_ms(end_time) < $2 ${plan}
     GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

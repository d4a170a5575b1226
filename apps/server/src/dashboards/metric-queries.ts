import type { GroupTotal, QuantileData, QuantileSummary, SeriesPoint } from '@coursecast/api';
import { SPAN_HLS_SESSION, TELEMETRY_ORIGINS } from '@coursecast/semconv';
import { listValue } from '@duckdb/node-api';
import type { SqlParam, SqlReader } from '../store/duckdb-database.js';
import type { DashboardQuery } from './dashboard-query.js';
import { histogramQuantile, mergeHistograms, type BucketHistogram } from './histogram-math.js';

// Server panels, from the server's own metric points (deltas per export interval) and spans in the store. Only
// rows the server stored from its own instrumentation count: what senders post to /v1/traces and /v1/metrics
// is kept apart (origin `received`) however its names, services or attributes look.
const SERVER_ONLY = `origin = '${TELEMETRY_ORIGINS.server}'`;

/** Metric attribute filters a query may apply: dashboard filter → attribute key. */
const METRIC_FILTERS = { plan: 'hls.plan.mode', cache: 'cdn.cache_status' } as const;

const jsonAttr = (key: string): string => `json_extract_string(attrs, '$."${key.replace(/'/g, "''")}"')`;

function where(
  q: DashboardQuery,
  name: string,
  applicable: readonly string[],
  match: Readonly<Record<string, string>> = {},
): { sql: string; params: SqlParam[] } {
  const params: SqlParam[] = [name, q.fromMs, q.toMs];
  const parts = ['name = $1', SERVER_ONLY, 'epoch_ms(time) >= $2', 'epoch_ms(time) < $3'];
  // Attribute values a panel splits by (bounded semconv values, never user input).
  for (const [key, value] of Object.entries(match)) {
    params.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    parts.push(`contains(attrs, $${params.length})`);
  }
  for (const [filter, key] of Object.entries(METRIC_FILTERS)) {
    const v = q.filters[filter as keyof typeof METRIC_FILTERS];
    if (v === undefined || !applicable.includes(key)) continue;
    // attrs is JSON.stringify output (no spaces, strings quoted), so a substring test matches exactly what
    // json_extract would, without parsing every row's JSON; `v` is restricted to [A-Za-z0-9_.:-].
    params.push(`${JSON.stringify(key)}:${JSON.stringify(v)}`);
    parts.push(`contains(attrs, $${params.length})`);
  }
  return { sql: parts.join(' AND '), params };
}

const bucket = (q: DashboardQuery, column = 'time'): string =>
  `(floor(epoch_ms(${column}) / ${q.bucketMs}) * ${q.bucketMs})::BIGINT`;

/** A counter's increase per bucket, split by one attribute (or one series when `by` is null). */
export async function counterOverTime(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  by: string | null,
): Promise<SeriesPoint[]> {
  const w = where(q, name, by ? [by] : []);
  const rows = await db.all(grouped(`${bucket(q)}`, `${w.sql} AND kind = 'sum'`, by, 'sum'), w.params);
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

/**
 * Per time key and attribute group: the inner query groups by the attrs text itself (a string hash, no JSON
 * parsing per point), the outer one reads `by` from the few distinct attribute sets left.
 */
function grouped(timeKey: string, filter: string, by: string | null, agg: 'sum' | 'max'): string {
  const group = by ? `coalesce(${jsonAttr(by)}, 'none')` : `'all'`;
  return `WITH p AS (
      SELECT ${timeKey} AS t, attrs, ${agg}(value) AS v FROM metric_points WHERE ${filter} GROUP BY 1, 2)
    SELECT t, ${group} AS g, ${agg}(v) AS v FROM p GROUP BY 1, 2 ORDER BY 1, 2`;
}

/** A counter's total over the range, split by one attribute. */
export async function counterTotals(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  by: string,
): Promise<GroupTotal[]> {
  const w = where(q, name, [by]);
  const rows = await db.all(grouped('0', `${w.sql} AND kind = 'sum'`, by, 'sum'), w.params);
  return rows
    .map((r) => ({ group: String(r['g']), value: Number(r['v']) }))
    .sort((a, b) => b.value - a.value);
}

/** A gauge per bucket and group: the highest value seen in the bucket. */
export async function gaugeOverTime(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  by: string | null,
): Promise<SeriesPoint[]> {
  const w = where(q, name, by ? [by] : []);
  const rows = await db.all(grouped(`${bucket(q)}`, `${w.sql} AND kind = 'gauge'`, by, 'max'), w.params);
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

type HistogramRow = BucketHistogram & { t: number };

async function histogramRows(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  applicable: readonly string[],
  match: Readonly<Record<string, string>> = {},
): Promise<HistogramRow[]> {
  const w = where(q, name, applicable, match);
  const base = `${w.sql} AND kind = 'histogram'`;
  // One bucket layout per metric (its semconv definition): the latest one in range. Points written under an
  // older layout (a changed definition) cannot be merged exactly, so they are left out rather than guessed.
  const layout = await db.all(`SELECT arg_max(bounds, time) AS b FROM metric_points WHERE ${base}`, w.params);
  const bounds = listNumbers(layout[0]?.['b'] ?? null);
  if (bounds.length === 0) return [];
  // As text, cast in SQL: an untyped number list takes its element type from its first item, so [0, 0.05]
  // would bind as INTEGER[] and fail; decimal strings of doubles round-trip exactly.
  const params = [...w.params, listValue(bounds.map(String))];
  // Index-wise sums as plain columns: a columnar aggregate, no unnesting of every point's buckets.
  const sums = bounds
    .map((_, i) => `sum(buckets[${i + 1}]) AS c${i}`)
    .concat(`sum(buckets[${bounds.length + 1}]) AS c${bounds.length}`);
  const rows = await db.all(
    `SELECT ${bucket(q)} AS t, sum(count) AS n, sum(sum) AS s, min(min) AS lo, max(max) AS hi, ${sums.join(', ')}
     FROM metric_points WHERE ${base} AND bounds = $${params.length}::VARCHAR[]::DOUBLE[]
     GROUP BY 1 ORDER BY 1`,
    params,
  );
  return rows.map((r) => ({
    t: Number(r['t']),
    bounds,
    counts: Array.from({ length: bounds.length + 1 }, (_, i) => Number(r[`c${i}`] ?? 0)),
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

/** A histogram metric over the range (quantiles) and per bucket (p50/p95), from one pass over its points. */
export async function histogramPanel(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  applicable: readonly string[] = [],
): Promise<QuantileData> {
  const rows = await histogramRows(db, q, name, applicable);
  const merged = mergeHistograms(rows);
  const summary: QuantileSummary =
    !merged || merged.count === 0
      ? { count: 0, mean: null, p50: null, p95: null, p99: null }
      : {
          count: merged.count,
          mean: merged.sum / merged.count,
          p50: histogramQuantile(merged, 0.5),
          p95: histogramQuantile(merged, 0.95),
          p99: histogramQuantile(merged, 0.99),
        };
  const series = rows.map((r) => ({
    t: r.t,
    count: r.count,
    p50: histogramQuantile(r, 0.5),
    p95: histogramQuantile(r, 0.95),
  }));
  return { summary, series };
}

/** A histogram metric's quantiles over the range for the points whose attributes include `match`. */
export async function histogramSummary(
  db: SqlReader,
  q: DashboardQuery,
  name: string,
  match: Readonly<Record<string, string>>,
): Promise<QuantileSummary> {
  const merged = mergeHistograms(await histogramRows(db, q, name, [], match));
  if (!merged || merged.count === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null };
  return {
    count: merged.count,
    mean: merged.sum / merged.count,
    p50: histogramQuantile(merged, 0.5),
    p95: histogramQuantile(merged, 0.95),
    p99: histogramQuantile(merged, 0.99),
  };
}

/** Just-in-time sessions that ended per bucket, by end reason, from their spans. */
export async function sessionEndsOverTime(db: SqlReader, q: DashboardQuery): Promise<SeriesPoint[]> {
  const params: SqlParam[] = [q.fromMs, q.toMs];
  let plan = '';
  if (q.filters.plan) {
    params.push(q.filters.plan);
    plan = `AND ${jsonAttr('hls.plan.mode')} = $3`;
  }
  const rows = await db.all(
    `SELECT ${bucket(q, 'end_time')} AS t, coalesce(${jsonAttr('hls.session.end_reason')}, 'unknown') AS g,
            count(*)::DOUBLE AS v
     FROM spans WHERE name = '${SPAN_HLS_SESSION}' AND ${SERVER_ONLY}
       AND epoch_ms(end_time) >= $1 AND epoch_ms(end_time) < $2 ${plan}
     GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return rows.map((r) => ({ t: Number(r['t']), group: String(r['g']), value: Number(r['v']) }));
}

// Pure transforms from the panel answers (typed by @coursecast/api) to what the charts draw: bucket-aligned
// arrays, series pivoted by group, stacks, emptiness. No DOM here, so it is unit-tested in Node.
import type { PanelId, SeriesPoint } from '@coursecast/api';

/** Panels whose data is `{ summary, series }` of a histogram metric (QuantileData). */
export const QUANTILE_PANELS = [
  'jit-first-segment',
  'ffmpeg-segment-generation',
  'transcode-speed',
  'origin-latency',
] as const satisfies readonly PanelId[];

/** The most buckets the server answers (more would be refused), so a bad range never loops for long. */
const MAX_BUCKETS = 2000;

/** Start times of every bucket of a range, aligned as the server aligns them (epoch multiples of the size). */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number): number[] {
  if (!(bucketMs > 0) || !(toMs > fromMs)) return [];
  const out: number[] = [];
  for (let t = Math.floor(fromMs / bucketMs) * bucketMs; t < toMs && out.length < MAX_BUCKETS; t += bucketMs)
    out.push(t);
  return out;
}

/** One value per bucket from rows keyed by `t`; buckets without a row get `fill`. */
export function alignToBuckets<R extends { t: number }>(
  times: readonly number[],
  rows: readonly R[],
  pick: (row: R) => number | null,
  fill: number | null = null,
): (number | null)[] {
  const byT = new Map(rows.map((r) => [r.t, r]));
  return times.map((t) => {
    const r = byT.get(t);
    return r === undefined ? fill : pick(r);
  });
}

/** Series points split into one bucket-aligned array per group, the largest total first. */
export function pivotGroups(
  points: readonly SeriesPoint[],
  times: readonly number[],
  fill: number | null,
): { groups: string[]; values: (number | null)[][] } {
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.group, (totals.get(p.group) ?? 0) + p.value);
  const groups = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([g]) => g);
  const index = new Map(times.map((t, i) => [t, i]));
  const values = groups.map(() => times.map(() => fill));
  for (const p of points) {
    const i = index.get(p.t);
    const row = values[groups.indexOf(p.group)];
    if (i === undefined || !row) continue;
    row[i] = (row[i] ?? 0) + p.value;
  }
  return { groups, values };
}

/** Running sums, series by series: `out[k][i]` = sum of `values[0..k][i]` (nulls count as 0). */
export function stackValues(values: readonly (readonly (number | null)[])[]): number[][] {
  const out: number[][] = [];
  values.forEach((row, k) => {
    const below = out[k - 1];
    out.push(row.map((v, i) => (v ?? 0) + (below ? below[i]! : 0)));
  });
  return out;
}

/**
 * Where a quantile falls on a histogram's bucket axis (bucket i centred on i): interpolated inside its bucket,
 * so p95 = 1.2 s sits between the 1 s and 1.5 s bars' edges; the open last bucket puts it at its centre.
 */
export function histogramPosition(bounds: readonly number[], value: number): number {
  const i = bounds.findIndex((b) => value <= b);
  if (i === -1) return bounds.length;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const upper = bounds[i]!;
  const frac = upper > lower ? (value - lower) / (upper - lower) : 1;
  return i - 0.5 + Math.min(1, Math.max(0, frac));
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const positive = (v: unknown): boolean => typeof v === 'number' && v > 0;
const emptyArray = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;

/** True when a value holds nothing to show: null, [], {} or objects of only those. */
export function isEmptyDeep(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isEmptyDeep);
  return false;
}

// Checked on data as it came: a server of another version may answer another shape (then it is drawn generically).
const EMPTY_CHECKS: Partial<Record<PanelId, (data: unknown) => boolean>> = {
  summary: (d) => !positive(rec(d)['views']),
  'startup-histogram': (d) => !positive(rec(d)['count']),
  'session-timeouts': (d) => emptyArray(rec(d)['ends']),
  'cdn-hit-ratio': (d) => emptyArray(rec(d)['byStatus']),
  // The slowest items are a subset of the loads: loads and SCORM attempts say it all.
  'content-loads': (d) => emptyArray(rec(d)['loads']) && emptyArray(rec(d)['scorm']),
  ...Object.fromEntries(
    QUANTILE_PANELS.map((id) => [id, (d: unknown) => !positive(rec(rec(d)['summary'])['count'])]),
  ),
};

/** Whether a panel's data means "nothing recorded in this range" (unknown panels: nothing but empties). */
export function isPanelEmpty(id: string, data: unknown): boolean {
  const check = Object.hasOwn(EMPTY_CHECKS, id) ? EMPTY_CHECKS[id as PanelId] : undefined;
  if (check) return check(data);
  return isEmptyDeep(data);
}

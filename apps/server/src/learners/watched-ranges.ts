import type { WatchedRanges } from '../store/index.js';

/**
 * `ranges` and `added` merged into ascending, non-overlapping, non-adjacent half-open ranges, clipped to
 * `[0, limit)`: what a learner has watched at least once, however often and in whatever order.
 */
export function mergeRanges(ranges: WatchedRanges, added: WatchedRanges, limit: number): WatchedRanges {
  const all = [...ranges, ...added]
    .map(([s, e]): [number, number] => [Math.max(0, s), Math.min(limit, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: WatchedRanges = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The seconds `ranges` cover. */
export function coveredSeconds(ranges: WatchedRanges): number {
  return ranges.reduce((n, [s, e]) => n + (e - s), 0);
}

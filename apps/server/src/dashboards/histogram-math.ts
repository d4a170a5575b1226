/** A merged explicit-bucket histogram: `counts[i]` observations ≤ `bounds[i]`, the last one above them all. */
export interface BucketHistogram {
  bounds: number[];
  counts: number[];
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

/** Adds histograms with the same bounds (rows with other bounds are skipped: they cannot be merged exactly). */
export function mergeHistograms(parts: readonly BucketHistogram[]): BucketHistogram | null {
  const first = parts[0];
  if (!first) return null;
  const out: BucketHistogram = {
    bounds: [...first.bounds],
    counts: first.counts.map(() => 0),
    count: 0,
    sum: 0,
    min: null,
    max: null,
  };
  for (const p of parts) {
    if (p.bounds.length !== out.bounds.length || p.bounds.some((b, i) => b !== out.bounds[i])) continue;
    p.counts.forEach((c, i) => (out.counts[i]! += c));
    out.count += p.count;
    out.sum += p.sum;
    if (p.min !== null) out.min = out.min === null ? p.min : Math.min(out.min, p.min);
    if (p.max !== null) out.max = out.max === null ? p.max : Math.max(out.max, p.max);
  }
  return out;
}

/**
 * The q-quantile by linear interpolation inside the bucket that holds it (Prometheus' histogram_quantile),
 * clamped to the observed min and max so a wide first or last bucket does not invent values.
 */
export function histogramQuantile(h: BucketHistogram, q: number): number | null {
  if (h.count === 0) return null;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (seen + c >= rank && c > 0) {
      const lower = i === 0 ? (h.min ?? 0) : h.bounds[i - 1]!;
      const upper = i < h.bounds.length ? h.bounds[i]! : (h.max ?? h.bounds[h.bounds.length - 1]!);
      const v = lower + (upper - lower) * ((rank - seen) / c);
      const lo = h.min ?? -Infinity;
      const hi = h.max ?? Infinity;
      return Math.min(hi, Math.max(lo, v));
    }
    seen += c;
  }
  return h.max;
}

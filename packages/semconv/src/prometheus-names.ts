/**
 * OTel → Prometheus naming (the OTel "Prometheus and OpenMetrics compatibility" rules): invalid
 * characters become `_`, the unit is appended as a full word, `{annotations}` are dropped, and
 * monotonic counters end in `_total`. Our exporter version does not add unit suffixes itself, so
 * /metrics applies this, and the docs catalog uses it too: one rule, one place.
 */
const UNIT_WORDS: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

function unitSuffix(unit: string, gauge: boolean): string {
  // The spec appends `_ratio` for unit "1" on gauges only (a histogram of speeds is not a ratio).
  if (unit === '1') return gauge ? 'ratio' : '';
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (!plain) return '';
  if (UNIT_WORDS[plain]) return UNIT_WORDS[plain];
  const [num, per] = plain.split('/');
  if (num !== undefined && per !== undefined) {
    const a = UNIT_WORDS[num] ?? num;
    const b = { s: 'second', m: 'minute', h: 'hour' }[per] ?? UNIT_WORDS[per] ?? per;
    return `${a}_per_${b}`.replace(/[^a-zA-Z0-9_]/g, '_');
  }
  return plain.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** The Prometheus metric name (without `_total`/`_bucket` suffixes) for an OTel name and unit. */
export function prometheusMetricName(name: string, unit: string, gauge = false): string {
  const base = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_');
  const suffix = unitSuffix(unit, gauge);
  return suffix && !base.endsWith(`_${suffix}`) ? `${base}_${suffix}` : base;
}

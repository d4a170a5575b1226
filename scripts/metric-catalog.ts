import { METRIC_CATALOG, prometheusMetricName, type MetricDefinition } from '@coursecast/semconv';

/** Prometheus name as /metrics exposes it (counters get `_total`). */
export function prometheusName(def: MetricDefinition): string {
  const gauge = def.instrument === 'gauge' || def.instrument === 'observable_gauge';
  const base = prometheusMetricName(def.name, def.unit, gauge);
  return def.instrument === 'counter' ? `${base}_total` : base;
}

/** Renders docs/metric-catalog.md from packages/semconv. */
export function renderMetricCatalog(catalog: readonly MetricDefinition[] = METRIC_CATALOG): string {
  const rows = catalog.map(
    (d) =>
      `| \`${d.name}\` | \`${prometheusName(d)}\` | ${d.instrument} | \`${d.unit}\` | ${d.attributes.map((a) => `\`${a}\``).join(', ') || '—'} | ${d.description} |`,
  );
  return [
    '# Metric catalog',
    '',
    '<!-- Generated from packages/semconv by `npm run docs:metrics`; do not edit by hand. -->',
    '',
    'Every metric coursecast emits. Attributes are bounded; ids and URLs go on spans only.',
    'Definitions and formulas: [metrics.md](metrics.md).',
    '',
    '| name | Prometheus | instrument | unit | attributes | description |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

// What the Grafana dashboard tests share: the dashboard JSON's shape, the checks every dashboard of
// docs/grafana/ must pass (importable anywhere, every panel described, every query scoped and answered by a
// real Prometheus), and the two scraped rounds of activity that give rates and quantiles something to differ
// from. Each check returns its problems as text, so one run names every broken panel, not just the first.
import { readFile } from 'node:fs/promises';
import { INSTRUMENTS, prometheusMetricName, type MetricDefinition } from '@coursecast/semconv';
import { startPrometheus, type PrometheusProcess } from './prometheus-process.js';

// What Grafana puts in for $__rate_interval at a 15 s scrape interval is 60 s; 30 s covers a test's run.
export const RATE_INTERVAL = '30s';

export interface GrafanaTarget {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
export interface GrafanaPanel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}
export interface GrafanaVariable {
  name: string;
  type: string;
  query: string | { query: string };
}
export interface GrafanaDashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  __inputs?: { name: string; type: string; pluginId: string }[];
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export async function loadDashboard(file: URL): Promise<GrafanaDashboard> {
  return JSON.parse(await readFile(file, 'utf8')) as GrafanaDashboard;
}

/** Every panel, the ones inside collapsed rows included, rows excluded. */
export function panelsOf(d: GrafanaDashboard): GrafanaPanel[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** The PromQL Grafana would send: its interval and the template variables filled in. */
export function substitute(expr: string, prom: Pick<PrometheusProcess, 'job' | 'instance'>): string {
  return expr
    .replaceAll('$__rate_interval', RATE_INTERVAL)
    .replaceAll('$job', prom.job)
    .replaceAll('$instance', prom.instance);
}

/** Importable anywhere: a datasource input and variable, job and instance variables. */
export function importProblems(d: GrafanaDashboard): string[] {
  const problems: string[] = [];
  if (!(d.schemaVersion >= 39)) problems.push(`schemaVersion ${d.schemaVersion} < 39`);
  const input = d.__inputs?.find((i) => i.name === 'DS_PROMETHEUS');
  if (input?.type !== 'datasource' || input.pluginId !== 'prometheus')
    problems.push('no DS_PROMETHEUS datasource input');
  const vars = new Map(d.templating.list.map((v) => [v.name, v]));
  const ds = vars.get('datasource');
  if (ds?.type !== 'datasource' || ds.query !== 'prometheus') problems.push('no datasource variable');
  for (const name of ['job', 'instance'])
    if (vars.get(name)?.type !== 'query') problems.push(`no query variable ${name}`);
  return problems;
}

/**
 * Every panel has a title, a description, a unit and queries over the templated datasource; every range is
 * Grafana's rate interval and every selector is scoped to the chosen job and instance. Panel ids are unique.
 */
export function panelProblems(d: GrafanaDashboard): string[] {
  const problems: string[] = [];
  const ids = d.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((q) => q.id)]);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length > 0) problems.push(`panel ids used twice: ${dup.join(', ')}`);
  const same = (a: unknown): boolean => JSON.stringify(a) === JSON.stringify(DATASOURCE);
  for (const p of panelsOf(d)) {
    const where = `panel ${p.id} "${p.title ?? ''}"`;
    if (!p.title) problems.push(`${where}: no title`);
    if (!p.description) problems.push(`${where}: no description`);
    if (!p.fieldConfig?.defaults?.unit) problems.push(`${where}: no unit`);
    if (!same(p.datasource)) problems.push(`${where}: datasource is not \${datasource}`);
    if (!p.targets?.length) problems.push(`${where}: no queries`);
    for (const target of p.targets ?? []) {
      const at = `${where} ${target.refId}`;
      if (!same(target.datasource)) problems.push(`${at}: datasource is not \${datasource}`);
      for (const [, range] of target.expr.matchAll(/\[([^\]]+)\]/g))
        if (range !== '$__rate_interval') problems.push(`${at}: range [${range}], not [$__rate_interval]`);
      for (const [, labels] of target.expr.matchAll(/\{([^}]*)\}/g))
        if (!/job=~"\$job", instance=~"\$instance"/.test(labels!))
          problems.push(`${at}: selector {${labels}} not scoped to $job and $instance`);
    }
  }
  return problems;
}

/** The Prometheus names of `metrics` that no query of the dashboard selects. */
export function missingMetrics(d: GrafanaDashboard, metrics: readonly MetricDefinition[]): string[] {
  const exprs = panelsOf(d)
    .flatMap((p) => p.targets ?? [])
    .map((x) => x.expr)
    .join('\n');
  return metrics
    .map((m) => prometheusMetricName(m.name, m.unit, m.instrument === INSTRUMENTS.observableGauge))
    .filter((name) => !new RegExp(`\\b${name}(_total|_bucket|_sum|_count)?\\{`).test(exprs));
}

/** The job and instance variables, run as Grafana would, must offer this Prometheus's job and target. */
export async function variableProblems(d: GrafanaDashboard, prom: PrometheusProcess): Promise<string[]> {
  const problems: string[] = [];
  for (const v of d.templating.list.filter((x) => x.type === 'query')) {
    const query = typeof v.query === 'string' ? v.query : v.query.query;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
    if (!m) {
      problems.push(`${v.name}: ${query} is not label_values(selector, label)`);
      continue;
    }
    const offered = (await prom.query(substitute(m[1]!, prom))).map((s) => s.metric[m[2]!]);
    const wanted = v.name === 'job' ? prom.job : prom.instance;
    if (!offered.includes(wanted))
      problems.push(`${v.name}: ${query} offers ${offered.join(', ')}, not ${wanted}`);
  }
  return problems;
}

/**
 * Queries that answer no finite sample (NaN is a sample too, from a ratio of rates of 0: nothing to draw), and
 * selectors that select no series: a ratio whose numerator falls back to `or vector(0)` answers 0 even when
 * its label value is misspelt, so each `metric{...}` of a query must find series of its own.
 */
export async function emptyQueries(d: GrafanaDashboard, prom: PrometheusProcess): Promise<string[]> {
  const empty: string[] = [];
  const selectors = new Set<string>();
  for (const p of panelsOf(d)) {
    for (const target of p.targets ?? []) {
      const promql = substitute(target.expr, prom);
      if (promql.includes('$')) {
        empty.push(`"${p.title}" ${target.refId}: variable left in ${promql}`);
        continue;
      }
      const samples = await prom.query(promql);
      if (!samples.some((s) => Number.isFinite(Number(s.value[1]))))
        empty.push(`"${p.title}" ${target.refId}: ${promql} → ${JSON.stringify(samples)}`);
      for (const [selector] of promql.matchAll(/[a-zA-Z_:][\w:]*\{[^}]*\}/g)) selectors.add(selector);
    }
  }
  for (const selector of selectors)
    if ((await prom.query(selector)).length === 0) empty.push(`${selector} selects no series`);
  return empty;
}

/**
 * Starts a Prometheus scraping `target` while round 1 runs, waits for a scrape, runs round 2, and waits for
 * another: a counter both rounds touch has two samples that differ, so rate() and histogram_quantile() give
 * numbers. Whatever fails, a Prometheus that started is stopped before the error is passed on.
 */
export async function scrapeTwoRounds(
  target: string,
  round: (n: number) => Promise<void>,
): Promise<PrometheusProcess> {
  const [started, first] = await Promise.allSettled([startPrometheus({ target }), round(1)]);
  if (started.status === 'rejected') throw started.reason;
  const prom = started.value;
  try {
    if (first.status === 'rejected') throw first.reason;
    await prom.waitForTargetUp();
    await prom.waitForScrape();
    await round(2);
    await prom.waitForScrape();
    return prom;
  } catch (err) {
    await prom.stop();
    throw err;
  }
}

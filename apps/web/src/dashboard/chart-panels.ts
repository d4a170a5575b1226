// Panels drawn as uPlot charts: time series (playback, quantiles, sessions), stacked counts with a rate line
// (session ends, CDN requests) and the startup histogram.
import type { PanelAnswer, PanelQuery, PlaybackBucket, RatioPoint, SeriesPoint } from '@coursecast/api';
import uPlot from 'uplot';
import { el } from '../shared/dom-builder.js';
import {
  formatCount,
  formatFactor,
  formatMs,
  formatNumber,
  formatPercent,
  formatSeconds,
} from './number-format.js';
import {
  alignToBuckets,
  bucketStarts,
  histogramPosition,
  pivotGroups,
  stackValues,
  type QUANTILE_PANELS,
} from './panel-data.js';
import { statTiles } from './stat-tiles.js';
import { colourFor, mountChart, type ChartSeries, type Dispose } from './uplot-chart.js';

const INK = '#0f172a';

/** What the time axis of a panel needs of its answer: the query as the server resolved it. */
type Queried = { query: PanelQuery };

function timeAxis(res: Queried): { x: number[]; xRange: [number, number] } {
  const q = res.query;
  return { x: bucketStarts(q.from, q.to, q.bucketSeconds * 1000), xRange: [q.from, q.to] };
}

function chartBox(body: HTMLElement): HTMLElement {
  return body.appendChild(el('div'));
}

const bucketNote = (res: Queried): string => `per ${formatSeconds(res.query.bucketSeconds)} bucket`;

/**
 * Rebuffer ratio (%) and startup p50/p95 (ms) per bucket of view starts. Failure rate and rebuffers per minute
 * start switched off (a click on the legend shows them): one failed view in a quiet bucket reads as 100 % and
 * would flatten the rebuffer line.
 */
export function renderPlaybackOverTime(body: HTMLElement, res: PanelAnswer<'playback-over-time'>): Dispose {
  const rows = res.data;
  const { x, xRange } = timeAxis(res);
  const col = (key: Exclude<keyof PlaybackBucket, 't'>) => alignToBuckets(x, rows, (r) => r[key]);
  const pct = (v: number | null) => formatPercent(v);
  const ms = (v: number | null) => formatMs(v);
  const series: ChartSeries[] = [
    { label: 'Rebuffer ratio', values: col('rebuffer_ratio'), color: '#c2410c', scale: 'ratio', format: pct },
    {
      label: 'Playback failures',
      values: col('playback_failure_rate'),
      color: '#b91c1c',
      scale: 'ratio',
      format: pct,
      dash: [4, 4],
      hidden: true,
    },
    {
      label: 'Rebuffers / min',
      values: col('rebuffers_per_minute'),
      color: '#0f766e',
      scale: 'per-minute',
      format: (v) => formatNumber(v),
      dash: [2, 3],
      hidden: true,
    },
    { label: 'Startup p50', values: col('startup_p50_ms'), color: '#1f6fb2', scale: 'ms', format: ms },
    {
      label: 'Startup p95',
      values: col('startup_p95_ms'),
      color: '#7c3aed',
      scale: 'ms',
      format: ms,
      dash: [8, 4],
    },
  ];
  return mountChart(chartBox(body), {
    x,
    xKind: 'time',
    xRange,
    series,
    axes: [
      { scale: 'ratio', label: 'Rebuffer ratio', format: (v) => formatPercent(v), side: 'left' },
      { scale: 'ms', label: 'Startup', format: (v) => formatMs(v), side: 'right' },
    ],
    ariaLabel: `Rebuffer ratio and startup time over time, ${bucketNote(res)}`,
  });
}

/** Views per startup-time bucket, with p50 and p95 marked where they fall. */
export function renderStartupHistogram(body: HTMLElement, res: PanelAnswer<'startup-histogram'>): Dispose {
  const h = res.data;
  body.append(
    statTiles(
      [
        { key: 'count', label: 'Views started', value: formatCount(h.count) },
        { key: 'p50', label: 'p50', value: formatMs(h.p50) },
        { key: 'p95', label: 'p95', value: formatMs(h.p95) },
        { key: 'p99', label: 'p99', value: formatMs(h.p99) },
      ],
      true,
    ),
  );
  const labels = [
    ...h.bounds.map((b) => formatNumber(b / 1000)),
    `>${formatNumber(h.bounds[h.bounds.length - 1]! / 1000)}`,
  ];
  const markers: [string, number | null, string][] = [
    ['p50', h.p50, '#1f6fb2'],
    ['p95', h.p95, '#b91c1c'],
  ];
  const draw = (u: uPlot): void => {
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    for (const [label, value, colour] of markers) {
      if (value === null) continue;
      const xPos = u.valToPos(histogramPosition(h.bounds, value), 'x', true);
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2 * px;
      ctx.setLineDash([6 * px, 4 * px]);
      ctx.beginPath();
      ctx.moveTo(xPos, top);
      ctx.lineTo(xPos, top + height);
      ctx.stroke();
      ctx.font = `600 ${12 * px}px system-ui, sans-serif`;
      // uPlot leaves the alignment of its last axis label on the context.
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      // On a white backing, so the label stays readable over the bars.
      const text = `${label} ${formatMs(value)}`;
      const y = top + (label === 'p50' ? 14 : 30) * px;
      const textWidth = ctx.measureText(text).width;
      // Right of the line, or left of it where the plot ends.
      const x = xPos + 4 * px + textWidth > left + width ? xPos - 4 * px - textWidth : xPos + 4 * px;
      ctx.setLineDash([]);
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x - 2 * px, y - 11 * px, textWidth + 4 * px, 14 * px);
      ctx.fillStyle = colour;
      ctx.fillText(text, x, y);
      ctx.restore();
    }
  };
  return mountChart(chartBox(body), {
    x: h.counts.map((_, i) => i),
    xKind: 'category',
    xLabels: labels,
    xLabel: 'Startup time, up to (s)',
    series: [
      {
        label: 'Views',
        values: h.counts,
        color: '#1f6fb2',
        scale: 'count',
        kind: 'bars',
        format: (v) => formatCount(v),
      },
    ],
    axes: [{ scale: 'count', label: 'Views', format: (v) => formatCount(v), side: 'left', integer: true }],
    draw,
    ariaLabel: `Startup time histogram of ${h.count} views; p50 ${formatMs(h.p50)}, p95 ${formatMs(h.p95)}`,
  });
}

/** Labels of a stacked-counts panel: what is counted, what the rate is, and the overall figures' names. */
export interface StackLabels {
  countAxis: string;
  totalLabel: string;
  rateLabel: string;
}

/** Counts per bucket stacked by group (bars) with a rate line on a 0–100 % axis, and range totals. */
export function renderStackedWithRate(
  body: HTMLElement,
  res: Queried,
  points: SeriesPoint[],
  ratio: RatioPoint[],
  labels: StackLabels,
): Dispose {
  const { x, xRange } = timeAxis(res);
  const { groups, values } = pivotGroups(points, x, 0);
  const stacks = stackValues(values);
  const total = ratio.reduce((a, r) => a + r.total, 0);
  const weighted = ratio.reduce((a, r) => a + (r.ratio ?? 0) * r.total, 0);
  const totals = groups.map((g) => points.filter((p) => p.group === g).reduce((a, p) => a + p.value, 0));
  body.append(
    statTiles(
      [
        { key: 'total', label: labels.totalLabel, value: formatCount(total) },
        { key: 'rate', label: labels.rateLabel, value: formatPercent(total > 0 ? weighted / total : null) },
        ...groups.map((g, i) => ({ key: `group-${g}`, label: g, value: formatCount(totals[i]) })),
      ],
      true,
    ),
  );
  // Each group's bar is drawn as its running total, tallest first, so the smaller ones sit on top of it as
  // a stack; the legend shows the group's own count.
  const bars: ChartSeries[] = groups
    .map((g, k) => ({
      label: g,
      values: stacks[k]!,
      color: colourFor(g, k),
      scale: 'count',
      kind: 'bars' as const,
      format: (_v: number | null, i: number) => formatCount(values[k]![i]),
    }))
    .reverse();
  return mountChart(chartBox(body), {
    x,
    xKind: 'time',
    xRange,
    series: [
      ...bars,
      {
        label: labels.rateLabel,
        values: alignToBuckets(x, ratio, (r) => r.ratio),
        color: INK,
        scale: 'ratio',
        format: (v) => formatPercent(v),
      },
    ],
    axes: [
      { scale: 'count', label: labels.countAxis, format: (v) => formatCount(v), side: 'left', integer: true },
      { scale: 'ratio', label: labels.rateLabel, format: (v) => formatPercent(v), side: 'right', max: 1 },
    ],
    ariaLabel: `${labels.countAxis} by group, stacked, ${bucketNote(res)}, with the ${labels.rateLabel}`,
  });
}

/** A histogram metric: the range's count, mean and quantiles, and p50/p95 lines over time. */
export function renderQuantiles(
  body: HTMLElement,
  res: PanelAnswer<(typeof QUANTILE_PANELS)[number]>,
  unit: 's' | 'factor',
): Dispose {
  const d = res.data;
  const fmt = unit === 's' ? formatSeconds : formatFactor;
  body.append(
    statTiles(
      [
        { key: 'count', label: 'Samples', value: formatCount(d.summary.count) },
        { key: 'mean', label: 'Mean', value: fmt(d.summary.mean) },
        { key: 'p50', label: 'p50', value: fmt(d.summary.p50) },
        { key: 'p95', label: 'p95', value: fmt(d.summary.p95) },
        { key: 'p99', label: 'p99', value: fmt(d.summary.p99) },
      ],
      true,
    ),
  );
  const { x, xRange } = timeAxis(res);
  const line = (key: 'p50' | 'p95', color: string, dash?: number[]): ChartSeries => ({
    label: key,
    values: alignToBuckets(x, d.series, (r) => r[key]),
    color,
    scale: 'v',
    format: (v) => fmt(v),
    ...(dash ? { dash } : {}),
  });
  return mountChart(chartBox(body), {
    x,
    xKind: 'time',
    xRange,
    series: [line('p50', '#1f6fb2'), line('p95', '#b91c1c', [8, 4])],
    axes: [
      {
        scale: 'v',
        label: unit === 's' ? 'Duration' : 'Speed (× realtime)',
        format: (v) => fmt(v),
        side: 'left',
      },
    ],
    ariaLabel: `p50 and p95 over time, ${bucketNote(res)}`,
  });
}

/** One line per group (e.g. live sessions by plan), gaps where a bucket has no sample. */
export function renderGroupLines(
  body: HTMLElement,
  res: PanelAnswer<'active-sessions'>,
  axisLabel: string,
): Dispose {
  const points = res.data;
  const { x, xRange } = timeAxis(res);
  const { groups, values } = pivotGroups(points, x, null);
  return mountChart(chartBox(body), {
    x,
    xKind: 'time',
    xRange,
    series: groups.map((g, k) => ({
      label: g,
      values: values[k]!,
      color: colourFor(g, k),
      scale: 'n',
      format: (v) => formatCount(v),
    })),
    axes: [{ scale: 'n', label: axisLabel, format: (v) => formatCount(v), side: 'left', integer: true }],
    ariaLabel: `${axisLabel} by group over time, ${bucketNote(res)}`,
  });
}

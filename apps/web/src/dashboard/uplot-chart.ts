// uPlot charts for the panels: one way to mount a chart of lines and bars on one or two y axes, sized to its
// card and resized with it. uPlot draws on a canvas; the legend under it carries the values as text.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One drawn series. `format` is what the legend shows, from the value the series stands for. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  scale: string;
  format: (v: number | null, index: number) => string;
  kind?: 'line' | 'bars';
  dash?: number[];
  /** Off until its legend entry is clicked. */
  hidden?: boolean;
}

/** A y axis: its scale's name, label (with the unit) and tick format. */
export interface ChartAxis {
  scale: string;
  label: string;
  format: (v: number) => string;
  side: 'left' | 'right';
  /** A fixed top (e.g. 1 for a ratio); otherwise the data's maximum plus headroom. */
  max?: number;
  /** Ticks on whole numbers only (counts: no "0.5 views"). */
  integer?: boolean;
}

export interface ChartSpec {
  /** x values: epoch ms (`time`) or bucket indices (`category`). */
  x: number[];
  xKind: 'time' | 'category';
  /** x shown, e.g. the whole selected time range even when data covers only part of it. */
  xRange?: [number, number];
  /** Tick labels of a category axis. */
  xLabels?: string[];
  xLabel?: string;
  series: ChartSeries[];
  axes: ChartAxis[];
  height?: number;
  /** Extra drawing over the plot (markers), in canvas pixels. */
  draw?: (u: uPlot) => void;
  /** What the chart shows, for screen readers. */
  ariaLabel: string;
}

/** Releases a mounted chart (canvas, observers). */
export type Dispose = () => void;

/** Colours with at least 3:1 contrast on white; known groups keep one colour across panels. */
export const PALETTE = [
  '#1f6fb2',
  '#c2410c',
  '#15803d',
  '#7c3aed',
  '#b91c1c',
  '#0f766e',
  '#a16207',
  '#475569',
];
const KNOWN_COLOURS: Record<string, string> = {
  HIT: '#15803d',
  STALE: '#65a30d',
  MISS: '#c2410c',
  EXPIRED: '#a16207',
  timeout: '#b91c1c',
  completed: '#15803d',
  client_closed: '#1f6fb2',
  replaced: '#7c3aed',
  error: '#7f1d1d',
  shutdown: '#475569',
};

/** The colour of a group (cache status, end reason, plan), stable where the group is a known one. */
export function colourFor(group: string, index: number): string {
  return KNOWN_COLOURS[group] ?? PALETTE[index % PALETTE.length]!;
}

const SIDE = { left: 3, right: 1 } as const;
const INTEGER_INCRS = [1, 2, 5]
  .flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((p) => m * p))
  .sort((a, b) => a - b);
/** The narrowest a category label may get before labels are thinned out (CSS px). */
const MIN_LABEL_PX = 34;

function yRange(max: number | undefined): uPlot.Range.Function {
  return (_u, _min, dataMax) => {
    if (max !== undefined) return [0, max];
    const top = Number.isFinite(dataMax) && dataMax > 0 ? dataMax * 1.15 : 1;
    return [0, top];
  };
}

/** Mounts a chart into `container` (already in the page, so it has a width) and keeps it sized to it. */
export function mountChart(container: HTMLElement, spec: ChartSpec): Dispose {
  const height = spec.height ?? 200;
  container.classList.add('chart');
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', spec.ariaLabel);
  const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
  const scales: uPlot.Scales = {
    x:
      spec.xKind === 'time'
        ? { time: true, ...(spec.xRange ? { range: () => spec.xRange! } : {}) }
        : { time: false, range: () => [-0.5, spec.x.length - 0.5] },
  };
  for (const a of spec.axes) scales[a.scale] = { range: yRange(a.max) };
  const opts: uPlot.Options = {
    width: Math.max(200, container.clientWidth),
    height,
    ms: 1,
    scales,
    cursor: spec.xKind === 'time' ? { sync: { key: 'coursecast-dashboard' } } : {},
    legend: { live: true },
    axes: [
      {
        stroke: '#334155',
        grid: { stroke: '#e2e8f0' },
        ...(spec.xLabel ? { label: spec.xLabel } : {}),
        ...(spec.xKind === 'category'
          ? {
              splits: () => spec.x.map((_, i) => i),
              values: (u: uPlot, splits: number[]) => {
                // Every label when they fit, every other (or fewer) when the card is narrow.
                const step = Math.ceil(
                  MIN_LABEL_PX / (u.bbox.width / uPlot.pxRatio / Math.max(1, splits.length)),
                );
                return splits.map((i) => (i % step === 0 ? (spec.xLabels?.[i] ?? String(i)) : ''));
              },
            }
          : {}),
      },
      ...spec.axes.map((a, i): uPlot.Axis => ({
        scale: a.scale,
        side: SIDE[a.side],
        label: a.label,
        stroke: '#334155',
        size: 64,
        grid: i === 0 ? { stroke: '#e2e8f0' } : { show: false },
        values: (_u, splits) => splits.map((v) => a.format(v)),
        ...(a.integer ? { incrs: INTEGER_INCRS } : {}),
      })),
    ],
    series: [
      spec.xKind === 'time'
        ? {}
        : { label: spec.xLabel ?? 'bucket', value: (_u, v) => spec.xLabels?.[v] ?? '—' },
      ...spec.series.map((s): uPlot.Series => {
        const few = s.values.filter((v) => v !== null).length <= 24;
        return {
          label: s.label,
          scale: s.scale,
          show: !s.hidden,
          stroke: s.color,
          width: s.kind === 'bars' ? 1 : 2,
          ...(s.kind === 'bars' && bars
            ? { paths: bars, fill: `${s.color}cc`, points: { show: false } }
            : {}),
          ...(s.kind !== 'bars' ? { points: { show: few, size: 6, fill: s.color } } : {}),
          ...(s.dash ? { dash: s.dash } : {}),
          value: (_u, v, _si, idx) => (idx === null ? '—' : s.format(v, idx)),
        };
      }),
    ],
    ...(spec.draw ? { hooks: { draw: [spec.draw] } } : {}),
  };
  const data: uPlot.AlignedData = [spec.x, ...spec.series.map((s) => s.values)];
  const chart = new uPlot(opts, data, container);
  let width = container.clientWidth;
  const observer = new ResizeObserver(() => {
    const w = container.clientWidth;
    if (w > 0 && Math.abs(w - width) > 1) {
      width = w;
      chart.setSize({ width: w, height });
    }
  });
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}

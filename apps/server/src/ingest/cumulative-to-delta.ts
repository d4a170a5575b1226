import { POINT_KINDS, type MetricPointRecord } from '../store/telemetry-rows.js';
import type { ReceivedPoint } from './otlp/point-mapping.js';

/** Settings of the conversion. */
export interface CumulativeOptions {
  /** Series remembered; the least recently seen is forgotten first (bounded memory under a flood). */
  maxStreams: number;
  /** When this process began listening (epoch ms): a series started since then is counted from zero. */
  startedAt: number;
}

/** Turns cumulative sums and histograms into the deltas the store keeps, one series at a time. */
export interface CumulativeToDelta {
  /** The stored form of a point; null when it only sets the reference of a series (its first point). */
  delta(p: ReceivedPoint): MetricPointRecord | null;
}

interface Last {
  start: number | null;
  time: number;
  value: number;
  count: number;
  sum: number;
  bounds: number[] | null;
  buckets: number[] | null;
}

/** The stored fields of a received point (without its stream, temporality and scale). */
export function storedPoint(p: ReceivedPoint): MetricPointRecord {
  const { stream: _s, temporality: _t, scale: _c, ...record } = p;
  return record;
}

const sameList = (a: number[] | null, b: number[] | null): boolean =>
  a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/** A reset: the series restarted (new start time) or went down, which a cumulative series never does. */
function isReset(p: ReceivedPoint, last: Last): boolean {
  if (p.startTime !== null && last.start !== null && p.startTime !== last.start) return true;
  if (p.time < last.time) return true;
  if (p.kind === POINT_KINDS.sum) return (p.value ?? 0) < last.value;
  if ((p.count ?? 0) < last.count) return true;
  return sameList(p.bounds, last.bounds) && p.buckets!.some((n, i) => n < (last.buckets![i] ?? 0));
}

/**
 * Creates the conversion (the OpenTelemetry Collector's cumulativetodelta semantics): each point's delta is its
 * value less the previous point's of the same series; a reset starts the series again from the point itself.
 * A series' first point is a reference only, unless it started after this process did (then it is all new).
 */
export function createCumulativeToDelta(o: CumulativeOptions): CumulativeToDelta {
  const streams = new Map<string, Last>();
  let forgottenAt = o.startedAt;

  const remember = (p: ReceivedPoint): void => {
    streams.delete(p.stream);
    streams.set(p.stream, {
      start: p.startTime,
      time: p.time,
      value: p.value ?? 0,
      count: p.count ?? 0,
      sum: p.sum ?? 0,
      bounds: p.bounds,
      buckets: p.buckets,
    });
    if (streams.size > o.maxStreams) {
      streams.delete(streams.keys().next().value as string);
      forgottenAt = Date.now();
    }
  };

  return {
    delta(p) {
      if (p.temporality !== 'cumulative') return storedPoint(p);
      const last = streams.get(p.stream);
      remember(p);
      if (!last) {
        // A series started since this process listened has nothing before it; an older one may have.
        return p.startTime !== null && p.startTime >= forgottenAt ? storedPoint(p) : null;
      }
      if (isReset(p, last)) return storedPoint(p);
      const interval = { startTime: last.time };
      if (p.kind === POINT_KINDS.sum) {
        const value = (p.value ?? 0) - last.value;
        return value === 0 ? null : { ...storedPoint(p), ...interval, value };
      }
      const count = (p.count ?? 0) - last.count;
      if (count === 0) return null;
      const buckets = sameList(p.bounds, last.bounds)
        ? p.buckets!.map((n, i) => n - (last.buckets![i] ?? 0))
        : null;
      // Min and max of a cumulative point cover its whole life, not the interval: unknown for the delta.
      return {
        ...storedPoint(p),
        ...interval,
        count,
        sum: p.sum === null ? null : p.sum - last.sum,
        min: null,
        max: null,
        bounds: buckets ? p.bounds : null,
        buckets,
      };
    },
  };
}

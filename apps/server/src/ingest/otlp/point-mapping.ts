import { INGEST_REJECT_REASONS } from '@coursecast/semconv';
import { POINT_KINDS, type MetricPointRecord } from '../../store/telemetry-rows.js';
import {
  addRejection,
  attributeViolation,
  nameViolation,
  noRejections,
  timeViolation,
  type Rejections,
  type Violation,
} from '../record-limits.js';
import { msFromNanos, serviceOf } from './otlp-mapping.js';
import {
  AGGREGATION_TEMPORALITY,
  type OtlpMetric,
  type OtlpMetricsRequest,
  type OtlpResource,
} from './otlp-types.js';
import { overLimit, type ReceiveContext } from './span-mapping.js';

/**
 * A received data point as the sender meant it, before the store's form: cumulative series are turned into
 * deltas (per stream, statefully) on the event loop, where the instrument registry also checks it.
 */
export interface ReceivedPoint extends MetricPointRecord {
  /** One time series: the sender's resource, scope, metric and point attributes. */
  stream: string;
  /** The sender's temporality; `gauge` for gauges and for up-down counters sent cumulative. */
  temporality: 'delta' | 'cumulative' | 'gauge';
  /** An exponential histogram's scale (its bucket layout), else null. */
  scale: number | null;
}

/** The points to store from one request, and what was refused and why. */
export interface MappedPoints extends Rejections {
  points: ReceivedPoint[];
}

const NONE = { value: null, count: null, sum: null, min: null, max: null, bounds: null, buckets: null };

interface PointBase {
  attributes: Record<string, unknown>;
  startTimeUnixNano: bigint | null;
  timeUnixNano: bigint | null;
}

/** The stream key of a resource: its attributes in a stable order. */
function resourceKey(r: OtlpResource): string {
  return JSON.stringify(
    Object.keys(r.attributes)
      .sort()
      .map((k) => [k, r.attributes[k]]),
  );
}

/**
 * An exponential histogram's populated buckets as explicit upper bounds and counts (negative buckets, the zero
 * bucket, then positive ones): the count and sum are kept exactly, the distribution at the sender's resolution.
 */
function explicitFromExponential(p: {
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
}): { bounds: number[]; buckets: number[] } {
  const base = 2 ** (2 ** -p.scale);
  const bounds: number[] = [];
  const buckets: number[] = [];
  // Negative bucket i covers [-base^(i+1), -base^i): its upper bound is -base^i; highest magnitude first.
  for (let i = p.negative.bucketCounts.length - 1; i >= 0; i--) {
    bounds.push(-(base ** (p.negative.offset + i)));
    buckets.push(p.negative.bucketCounts[i]!);
  }
  bounds.push(0);
  buckets.push(p.zeroCount);
  // Positive bucket i covers (base^(offset+i), base^(offset+i+1)].
  for (let i = 0; i < p.positive.bucketCounts.length; i++) {
    bounds.push(base ** (p.positive.offset + i + 1));
    buckets.push(p.positive.bucketCounts[i]!);
  }
  // Explicit histograms have one bucket more than bounds: the overflow bucket, empty here.
  buckets.push(0);
  return { bounds, buckets };
}

/** The points of one metric, each with its violation or its record. */
function metricPoints(
  m: OtlpMetric,
  common: { service: string; key: string },
  ctx: ReceiveContext,
  emit: (p: ReceivedPoint | Violation) => void,
): void {
  const data = m.data;
  if (!data) return;
  const base = (p: PointBase) => {
    const time = msFromNanos(p.timeUnixNano) ?? ctx.receivedAt;
    const v = timeViolation(time, ctx.receivedAt, ctx.limits) ?? attributeViolation(p.attributes, ctx.limits);
    return {
      violation: v,
      record: {
        time,
        startTime: msFromNanos(p.startTimeUnixNano),
        service: common.service,
        name: m.name,
        unit: m.unit || null,
        attrs: p.attributes,
        stream: `${common.key}\u0000${m.name}\u0000${JSON.stringify(p.attributes)}`,
        scale: null,
      },
    };
  };
  const cumulative =
    'aggregationTemporality' in data && data.aggregationTemporality !== AGGREGATION_TEMPORALITY.delta;
  const unsupported = (what: string): Violation => ({
    reason: INGEST_REJECT_REASONS.unsupportedPoint,
    message: `${m.name}: ${what}`,
  });
  if (data.type === 'gauge' || data.type === 'sum') {
    // An up-down counter's cumulative value is its current level: stored as a gauge, as it comes.
    const asGauge = data.type === 'gauge' || (cumulative && !data.isMonotonic);
    for (const p of data.dataPoints) {
      const { violation, record } = base(p);
      if (violation) emit(violation);
      else if (p.value === null || !Number.isFinite(p.value))
        emit(unsupported('a point without a finite value'));
      else
        emit({
          ...record,
          ...NONE,
          kind: asGauge ? POINT_KINDS.gauge : POINT_KINDS.sum,
          temporality: asGauge ? 'gauge' : cumulative ? 'cumulative' : 'delta',
          value: p.value,
        });
    }
  } else if (data.type === 'histogram') {
    for (const p of data.dataPoints) {
      const { violation, record } = base(p);
      if (violation) emit(violation);
      else if (p.bucketCounts.length !== p.explicitBounds.length + 1) {
        emit(unsupported('bucket counts do not match the bounds'));
      } else
        emit({
          ...record,
          kind: POINT_KINDS.histogram,
          temporality: cumulative ? 'cumulative' : 'delta',
          value: null,
          count: p.count,
          sum: p.sum,
          min: p.min,
          max: p.max,
          bounds: p.explicitBounds,
          buckets: p.bucketCounts,
        });
    }
  } else if (data.type === 'exponentialHistogram') {
    for (const p of data.dataPoints) {
      const { violation, record } = base(p);
      if (violation) emit(violation);
      else if (p.scale < -10 || p.scale > 20) emit(unsupported(`scale ${p.scale} is outside -10..20`));
      else if (p.positive.bucketCounts.length + p.negative.bucketCounts.length > 320) {
        emit(unsupported('more than 320 exponential buckets'));
      } else
        emit({
          ...record,
          kind: POINT_KINDS.exponentialHistogram,
          temporality: cumulative ? 'cumulative' : 'delta',
          scale: p.scale,
          value: null,
          count: p.count,
          sum: p.sum,
          min: p.min,
          max: p.max,
          ...explicitFromExponential(p),
        });
    }
  } else {
    for (const _ of data.dataPoints) emit(unsupported(`${data.type} points are not stored`));
  }
}

/**
 * The data points of a metrics request as received points, within the bounds every signal keeps (names,
 * attributes, the time window, points per request). Pure: runs in a decode worker.
 */
export function pointRecords(req: OtlpMetricsRequest, ctx: ReceiveContext): MappedPoints {
  const out: MappedPoints = { points: [], ...noRejections() };
  let seen = 0;
  for (const rm of req.resourceMetrics) {
    const service = serviceOf(rm.resource) ?? 'unknown';
    const serviceViolation = nameViolation('service name', service, ctx.limits);
    const key = resourceKey(rm.resource);
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const named =
          serviceViolation ??
          nameViolation('metric name', m.name, ctx.limits) ??
          nameViolation('unit', m.unit, ctx.limits);
        metricPoints(m, { service, key: `${key}\u0000${sm.scope.name}` }, ctx, (p) => {
          if (++seen > ctx.maxRecords) return;
          if (named) addRejection(out, named);
          else if ('reason' in p) addRejection(out, p);
          else out.points.push(p);
        });
      }
    }
  }
  if (seen > ctx.maxRecords) addRejection(out, overLimit(ctx, seen), seen - ctx.maxRecords);
  return out;
}

import { POINT_KINDS, type MetricPointRow, type SpanRow } from '../../store/telemetry-rows.js';
import type { EventRecord } from '../event-mapper.js';
import type {
  Attributes,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpResource,
  OtlpTracesRequest,
} from './otlp-types.js';

// Normalized OTLP requests → what the ingest stores. Logs become event records (validated later, one by one);
// spans and metric points are mapped whole, each with its resource's service name.

const msFromNanos = (ns: bigint | null): number | null =>
  ns === null || ns === 0n ? null : Number(ns / 1000n) / 1000;
const service = (r: OtlpResource): string | null =>
  typeof r.attributes['service.name'] === 'string' ? r.attributes['service.name'] : null;

/** Log records of one resource, with that resource's service name and user agent. */
export interface LogBatch {
  service: string | null;
  /** `user_agent.original` of the resource, when the sender put it there rather than in the header. */
  userAgent: string | null;
  records: EventRecord[];
}

/** Splits a logs request into batches per resource. */
export function logBatches(req: OtlpLogsRequest): LogBatch[] {
  return req.resourceLogs.map((rl) => {
    const ua = rl.resource.attributes['user_agent.original'];
    const records: EventRecord[] = [];
    for (const sl of rl.scopeLogs) {
      for (const lr of sl.logRecords) {
        records.push({
          timeMs: msFromNanos(lr.timeUnixNano) ?? msFromNanos(lr.observedTimeUnixNano),
          eventName: lr.eventName,
          attributes: lr.attributes,
          traceId: lr.traceId,
          spanId: lr.spanId,
        });
      }
    }
    return { service: service(rl.resource), userAgent: typeof ua === 'string' ? ua : null, records };
  });
}

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'];

/** Spans of a traces request as rows; spans without ids or times are counted as rejected. */
export function spanRows(req: OtlpTracesRequest): { rows: SpanRow[]; rejected: number } {
  const rows: SpanRow[] = [];
  let rejected = 0;
  for (const rs of req.resourceSpans) {
    const svc = service(rs.resource) ?? 'unknown';
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const start = msFromNanos(s.startTimeUnixNano);
        const end = msFromNanos(s.endTimeUnixNano);
        if (!s.traceId || !s.spanId || start === null || end === null || end < start) {
          rejected++;
          continue;
        }
        rows.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: KIND_NAMES[s.kind] ?? 'unspecified',
          service: svc,
          startTime: start,
          endTime: end,
          durationMs: end - start,
          status: STATUS_NAMES[s.status.code] ?? 'unset',
          statusMessage: s.status.message || null,
          attrs: s.attributes,
          events: s.events.map((e) => ({
            name: e.name,
            time: msFromNanos(e.timeUnixNano) ?? start,
            attrs: e.attributes,
          })),
        });
      }
    }
  }
  return { rows, rejected };
}

const DELTA = 1;

/**
 * Data points of a metrics request as rows. Sums and histograms are stored as deltas (what every bucket of a
 * panel adds up), so cumulative points from outside are kept as the gauge-like `value`/`count` they carry only
 * when delta; cumulative ones are rejected with a reason rather than summed into nonsense.
 */
export function pointRows(req: OtlpMetricsRequest): {
  rows: MetricPointRow[];
  rejected: number;
  reason: string | null;
} {
  const rows: MetricPointRow[] = [];
  let rejected = 0;
  let reason: string | null = null;
  const none = { value: null, count: null, sum: null, min: null, max: null, bounds: null, buckets: null };
  for (const rm of req.resourceMetrics) {
    const svc = service(rm.resource) ?? 'unknown';
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const data = m.data;
        if (!data) continue;
        const base = (p: {
          attributes: Attributes;
          startTimeUnixNano: bigint | null;
          timeUnixNano: bigint | null;
        }) => ({
          time: msFromNanos(p.timeUnixNano) ?? Date.now(),
          startTime: msFromNanos(p.startTimeUnixNano),
          service: svc,
          name: m.name,
          unit: m.unit || null,
          attrs: p.attributes,
        });
        if (data.type === 'gauge') {
          for (const p of data.dataPoints) {
            if (p.value === null) rejected++;
            else rows.push({ ...base(p), ...none, kind: POINT_KINDS.gauge, value: p.value });
          }
        } else if (data.type === 'sum' || data.type === 'histogram') {
          if (data.aggregationTemporality !== DELTA) {
            rejected += data.dataPoints.length;
            reason ??= `${m.name}: cumulative temporality is not accepted; export deltas`;
            continue;
          }
          if (data.type === 'sum') {
            for (const p of data.dataPoints) {
              if (p.value === null) rejected++;
              else rows.push({ ...base(p), ...none, kind: POINT_KINDS.sum, value: p.value });
            }
          } else {
            for (const p of data.dataPoints) {
              if (p.bucketCounts.length !== p.explicitBounds.length + 1) {
                rejected++;
                reason ??= `${m.name}: bucket counts do not match the bounds`;
                continue;
              }
              rows.push({
                ...base(p),
                ...none,
                kind: POINT_KINDS.histogram,
                count: p.count,
                sum: p.sum,
                min: p.min,
                max: p.max,
                bounds: p.explicitBounds,
                buckets: p.bucketCounts,
              });
            }
          }
        } else {
          rejected += data.dataPoints.length;
          reason ??= `${m.name}: ${data.type} points are not stored`;
        }
      }
    }
  }
  return { rows, rejected, reason };
}

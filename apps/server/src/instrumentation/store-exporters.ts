import { TELEMETRY_ORIGINS, type TelemetryOrigin } from '@coursecast/semconv';
import { SpanKind, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BatchedSpanExporter } from './instrumentation.js';
import { POINT_KINDS, type MetricPointRecord, type SpanRecord } from '../store/telemetry-rows.js';

/** Where exported telemetry goes once the store is open (attached after the SDK is built). */
export interface StoreSink {
  spans(rows: readonly SpanRecord[], origin: TelemetryOrigin): Promise<void>;
  points(rows: readonly MetricPointRecord[], origin: TelemetryOrigin): Promise<void>;
}

/** The server's own spans and metrics into the telemetry store, through the SDK's bounded batching. */
export interface StoreExporters {
  /** Batched by the instrumentation (createInstrumentation's `batchedSpanExporters`), drops counted. */
  spanExporter: BatchedSpanExporter;
  metricReader: PeriodicExportingMetricReader;
  /** Starts delivering to the store; until then exports are dropped (and say so with a failed result). */
  attach(sink: StoreSink): void;
  detach(): void;
}

const ms = (t: HrTime): number => t[0] * 1000 + t[1] / 1e6;
const KINDS: Record<number, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUS = ['unset', 'ok', 'error'];

/** A finished SDK span as a `spans` row. */
export function spanRow(span: ReadableSpan): SpanRecord {
  const ctx = span.spanContext();
  const start = ms(span.startTime);
  const end = ms(span.endTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    startTime: start,
    endTime: end,
    durationMs: end - start,
    status: STATUS[span.status.code] ?? 'unset',
    statusMessage: span.status.message ?? null,
    attrs: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, time: ms(e.time), attrs: { ...(e.attributes ?? {}) } })),
  };
}

/** Delta metric data as `metric_points` rows; intervals where a sum or histogram did not move are skipped. */
export function pointRows(metrics: ResourceMetrics): MetricPointRecord[] {
  const service = String(metrics.resource.attributes['service.name'] ?? 'unknown');
  const rows: MetricPointRecord[] = [];
  for (const scope of metrics.scopeMetrics) {
    for (const m of scope.metrics) {
      const base = { service, name: m.descriptor.name, unit: m.descriptor.unit || null };
      for (const p of m.dataPoints) {
        const common = {
          ...base,
          time: ms(p.endTime),
          startTime: ms(p.startTime),
          attrs: { ...p.attributes },
        };
        const none = {
          value: null,
          count: null,
          sum: null,
          min: null,
          max: null,
          bounds: null,
          buckets: null,
        };
        if (m.dataPointType === DataPointType.HISTOGRAM) {
          const h = p.value as {
            count: number;
            sum?: number;
            min?: number;
            max?: number;
            buckets: { boundaries: number[]; counts: number[] };
          };
          if (h.count === 0) continue;
          rows.push({
            ...common,
            ...none,
            kind: POINT_KINDS.histogram,
            count: h.count,
            sum: h.sum ?? null,
            min: h.min ?? null,
            max: h.max ?? null,
            bounds: h.buckets.boundaries,
            buckets: h.buckets.counts,
          });
        } else if (m.dataPointType === DataPointType.SUM) {
          const v = p.value as number;
          if (v === 0) continue;
          rows.push({ ...common, ...none, kind: POINT_KINDS.sum, value: v });
        } else if (m.dataPointType === DataPointType.GAUGE) {
          rows.push({ ...common, ...none, kind: POINT_KINDS.gauge, value: p.value as number });
        }
      }
    }
  }
  return rows;
}

/** Creates the exporters (hand them to createInstrumentation as extras), then `attach` the ingest service. */
export function createStoreExporters(o: {
  metricIntervalMs: number;
  /** Told when an export batch could not be stored (the SDK drops it; without this nobody would know). */
  onFailure?(what: 'spans' | 'metrics', error: Error): void;
}): StoreExporters {
  let sink: StoreSink | null = null;
  const deliver = (
    what: 'spans' | 'metrics',
    work: (s: typeof sink & object) => Promise<void>,
    done: (r: ExportResult) => void,
  ): void => {
    const s = sink;
    if (!s) {
      done({ code: ExportResultCode.FAILED, error: new Error('the telemetry store is not open') });
      return;
    }
    work(s).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => {
        o.onFailure?.(what, error);
        done({ code: ExportResultCode.FAILED, error });
      },
    );
  };
  const spanExporter: SpanExporter = {
    export: (spans, done) =>
      deliver('spans', (s) => s.spans(spans.map(spanRow), TELEMETRY_ORIGINS.server), done),
    shutdown: async () => {},
  };
  const metricExporter: PushMetricExporter = {
    export: (metrics, done) =>
      deliver('metrics', (s) => s.points(pointRows(metrics), TELEMETRY_ORIGINS.server), done),
    forceFlush: async () => {},
    shutdown: async () => {},
    // Deltas: each row is what happened in its interval, so any bucket sums its rows.
    selectAggregationTemporality: () => AggregationTemporality.DELTA,
  };
  return {
    // Bounded: spans beyond the queue are dropped by the SDK (and counted), never buffered without limit.
    spanExporter: { exporter: spanExporter, maxQueueSize: 8192, scheduledDelayMillis: 1000 },
    metricReader: new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: o.metricIntervalMs,
      exportTimeoutMillis: Math.min(o.metricIntervalMs, 10_000),
    }),
    attach(s) {
      sink = s;
    },
    detach() {
      sink = null;
    },
  };
}

import type { TelemetryOrigin } from '@coursecast/semconv';
import type { Column } from './table-appender.js';

/** Attribute values as stored (JSON). */
export type StoredAttributes = Record<string, unknown>;

/**
 * Attributes (or span events) already encoded as the JSON text the column stores: decode workers encode them
 * off the event loop, so a large request costs the loop a copy, not a serialization.
 */
export type EncodedJson = string;

/** One browser (or CMCD) event, enriched; a row of `events`. Times are epoch ms. */
export interface EventRow {
  time: number;
  receivedAt: number;
  name: string;
  /** `otlp` or `cmcd`: which receiver took it. */
  source: string;
  viewId: string | null;
  seq: number | null;
  viewerId: string | null;
  sessionId: string | null;
  courseId: string | null;
  itemId: string | null;
  traceId: string | null;
  spanId: string | null;
  browser: string | null;
  browserMajor: string | null;
  os: string | null;
  device: string | null;
  codec: string | null;
  container: string | null;
  plan: string | null;
  service: string | null;
  /** Typed copies of the attributes views aggregate (ingest/event-columns.ts), so no query parses JSON. */
  durationMs: number | null;
  watchMs: number | null;
  playingMs: number | null;
  label: string | null;
  fatal: boolean | null;
  attrs: StoredAttributes;
}

/** What the store adds to every span and metric point it takes: who produced it, and when it arrived. */
export interface Provenance {
  /** Set by the ingest, never by the sender: the server panels read `server` rows only. */
  origin: TelemetryOrigin;
  /** The server's clock when it was stored (epoch ms); retention runs on it. */
  receivedAt: number;
}

/** One finished span as mapped from its source (the server's SDK, or an OTLP request). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  service: string;
  startTime: number;
  endTime: number;
  durationMs: number;
  status: string;
  statusMessage: string | null;
  attrs: StoredAttributes | EncodedJson;
  events: { name: string; time: number; attrs: StoredAttributes }[] | EncodedJson;
}

/** One finished span (the server's own, or a sender's); a row of `spans`. */
export type SpanRow = SpanRecord & Provenance;

/**
 * Metric point kinds as stored. Sums and histograms are deltas per interval; an exponential histogram is kept
 * with its populated buckets as explicit bounds (its layout changes point to point, so panels never merge it).
 */
export const POINT_KINDS = {
  sum: 'sum',
  gauge: 'gauge',
  histogram: 'histogram',
  exponentialHistogram: 'exponential_histogram',
} as const;

/** One metric data point as mapped from its source. */
export interface MetricPointRecord {
  time: number;
  startTime: number | null;
  service: string;
  name: string;
  kind: (typeof POINT_KINDS)[keyof typeof POINT_KINDS];
  unit: string | null;
  attrs: StoredAttributes;
  /** Sum (delta) or gauge value. */
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bounds: number[] | null;
  buckets: number[] | null;
}

/** One metric data point; a row of `metric_points`. */
export type MetricPointRow = MetricPointRecord & Provenance;

const col = <Row>(kind: Column<Row>['kind'], get: (r: Row) => unknown): Column<Row> => ({ kind, get });

/** `events` columns, in table order. */
export const EVENT_COLUMNS: readonly Column<EventRow>[] = [
  col('timestamp_ms', (r) => r.time),
  col('timestamp_ms', (r) => r.receivedAt),
  col('varchar', (r) => r.name),
  col('varchar', (r) => r.source),
  col('varchar', (r) => r.viewId),
  col('integer', (r) => r.seq),
  col('varchar', (r) => r.viewerId),
  col('varchar', (r) => r.sessionId),
  col('varchar', (r) => r.courseId),
  col('varchar', (r) => r.itemId),
  col('varchar', (r) => r.traceId),
  col('varchar', (r) => r.spanId),
  col('varchar', (r) => r.browser),
  col('varchar', (r) => r.browserMajor),
  col('varchar', (r) => r.os),
  col('varchar', (r) => r.device),
  col('varchar', (r) => r.codec),
  col('varchar', (r) => r.container),
  col('varchar', (r) => r.plan),
  col('varchar', (r) => r.service),
  col('double', (r) => r.durationMs),
  col('double', (r) => r.watchMs),
  col('double', (r) => r.playingMs),
  col('varchar', (r) => r.label),
  col('boolean', (r) => r.fatal),
  col('varchar', (r) => r.attrs),
];

/** `spans` columns, in table order. */
export const SPAN_COLUMNS: readonly Column<SpanRow>[] = [
  col('varchar', (r) => r.traceId),
  col('varchar', (r) => r.spanId),
  col('varchar', (r) => r.parentSpanId),
  col('varchar', (r) => r.name),
  col('varchar', (r) => r.kind),
  col('varchar', (r) => r.service),
  col('timestamp_ms', (r) => r.startTime),
  col('timestamp_ms', (r) => r.endTime),
  col('double', (r) => r.durationMs),
  col('varchar', (r) => r.status),
  col('varchar', (r) => r.statusMessage),
  col('varchar', (r) => r.attrs),
  col('varchar', (r) => r.events),
  col('varchar', (r) => r.origin),
  col('timestamp_ms', (r) => r.receivedAt),
];

/** `metric_points` columns, in table order. */
export const POINT_COLUMNS: readonly Column<MetricPointRow>[] = [
  col('timestamp_ms', (r) => r.time),
  col('timestamp_ms', (r) => r.startTime),
  col('varchar', (r) => r.service),
  col('varchar', (r) => r.name),
  col('varchar', (r) => r.kind),
  col('varchar', (r) => r.unit),
  col('varchar', (r) => r.attrs),
  col('double', (r) => r.value),
  col('bigint', (r) => r.count),
  col('double', (r) => r.sum),
  col('double', (r) => r.min),
  col('double', (r) => r.max),
  col('doubles', (r) => r.bounds),
  col('bigints', (r) => r.buckets),
  col('varchar', (r) => r.origin),
  col('timestamp_ms', (r) => r.receivedAt),
];

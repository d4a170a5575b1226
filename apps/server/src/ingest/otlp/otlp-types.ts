/**
 * The three OTLP export requests, normalized: the same object whether the request came as OTLP/JSON or
 * as protobuf. Times are bigint nanoseconds (null when OTLP says "unset"), trace and span ids lowercase
 * hex (null when empty or all zero), KeyValue lists flattened into objects.
 */

/** The telemetry signals an OTLP/HTTP receiver accepts. */
export type OtlpSignal = 'logs' | 'traces' | 'metrics';

/** Every signal, in a stable order. */
export const OTLP_SIGNALS = ['logs', 'traces', 'metrics'] as const satisfies readonly OtlpSignal[];

/** The top-level field of each signal's export request: its list of resources. */
export const RESOURCE_FIELDS = {
  logs: 'resourceLogs',
  traces: 'resourceSpans',
  metrics: 'resourceMetrics',
} as const satisfies Record<OtlpSignal, string>;

/**
 * An attribute or log body value. Bytes become base64 strings; int64 becomes a number when it is a safe
 * integer, otherwise its decimal string; an AnyValue with nothing set becomes null.
 */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

/** A KeyValue list flattened into an object (the last of duplicate keys wins). */
export type Attributes = Record<string, AttrValue>;

/** `Span.kind` values (opentelemetry.proto.trace.v1.Span.SpanKind). */
export const SPAN_KIND = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const;

/** `Status.code` values (opentelemetry.proto.trace.v1.Status.StatusCode). */
export const SPAN_STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/** `aggregationTemporality` values (opentelemetry.proto.metrics.v1.AggregationTemporality). */
export const AGGREGATION_TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;

/** The entity that produced the telemetry. */
export interface OtlpResource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** The instrumentation scope (library) that produced the telemetry. */
export interface OtlpScope {
  name: string;
  version: string | null;
  attributes: Attributes;
  droppedAttributesCount: number;
}

// ---- logs ----

/** One log record or event (`eventName` is OTLP 1.5's `event_name`). */
export interface OtlpLogRecord {
  timeUnixNano: bigint | null;
  observedTimeUnixNano: bigint | null;
  /** 1–24, or null when unspecified (0). */
  severityNumber: number | null;
  severityText: string | null;
  eventName: string | null;
  body: AttrValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string | null;
  spanId: string | null;
}

/** Log records of one instrumentation scope. */
export interface OtlpScopeLogs {
  scope: OtlpScope;
  logRecords: OtlpLogRecord[];
  schemaUrl: string | null;
}

/** Log records of one resource. */
export interface OtlpResourceLogs {
  resource: OtlpResource;
  scopeLogs: OtlpScopeLogs[];
  schemaUrl: string | null;
}

/** A normalized ExportLogsServiceRequest. */
export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

// ---- traces ----

/** A timed event inside a span. */
export interface OtlpSpanEvent {
  timeUnixNano: bigint | null;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

/** A link from a span to another span. */
export interface OtlpSpanLink {
  traceId: string | null;
  spanId: string | null;
  traceState: string | null;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

/** A span's outcome; `code` is one of SPAN_STATUS_CODE. */
export interface OtlpSpanStatus {
  code: number;
  message: string;
}

/** One span; `kind` is one of SPAN_KIND. */
export interface OtlpSpan {
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  traceState: string | null;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint | null;
  endTimeUnixNano: bigint | null;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpSpanLink[];
  droppedLinksCount: number;
  status: OtlpSpanStatus;
}

/** Spans of one instrumentation scope. */
export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
  schemaUrl: string | null;
}

/** Spans of one resource. */
export interface OtlpResourceSpans {
  resource: OtlpResource;
  scopeSpans: OtlpScopeSpans[];
  schemaUrl: string | null;
}

/** A normalized ExportTraceServiceRequest. */
export interface OtlpTracesRequest {
  resourceSpans: OtlpResourceSpans[];
}

// ---- metrics ----

/** A sample measurement kept with a data point. */
export interface OtlpExemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint | null;
  /** `asDouble` or `asInt`; null when neither is set. */
  value: number | null;
  traceId: string | null;
  spanId: string | null;
}

/** Fields every data point has. */
export interface OtlpDataPointBase {
  attributes: Attributes;
  startTimeUnixNano: bigint | null;
  timeUnixNano: bigint | null;
  flags: number;
}

/** A gauge or sum data point. */
export interface OtlpNumberDataPoint extends OtlpDataPointBase {
  /** `asDouble` or `asInt`; null when neither is set. */
  value: number | null;
  exemplars: OtlpExemplar[];
}

/** An explicit-bucket histogram data point. */
export interface OtlpHistogramDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: OtlpExemplar[];
}

/** The buckets on one side of zero of an exponential histogram. */
export interface OtlpExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/** An exponential histogram data point. */
export interface OtlpExponentialHistogramDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: OtlpExponentialBuckets;
  negative: OtlpExponentialBuckets;
  exemplars: OtlpExemplar[];
}

/** A summary data point. */
export interface OtlpSummaryDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

/** A metric's data, tagged by `type`; `aggregationTemporality` is one of AGGREGATION_TEMPORALITY. */
export type OtlpMetricData =
  | { type: 'gauge'; dataPoints: OtlpNumberDataPoint[] }
  | {
      type: 'sum';
      aggregationTemporality: number;
      isMonotonic: boolean;
      dataPoints: OtlpNumberDataPoint[];
    }
  | { type: 'histogram'; aggregationTemporality: number; dataPoints: OtlpHistogramDataPoint[] }
  | {
      type: 'exponentialHistogram';
      aggregationTemporality: number;
      dataPoints: OtlpExponentialHistogramDataPoint[];
    }
  | { type: 'summary'; dataPoints: OtlpSummaryDataPoint[] };

/** One metric; `data` is null when the sender set none of the data kinds. */
export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  metadata: Attributes;
  data: OtlpMetricData | null;
}

/** Metrics of one instrumentation scope. */
export interface OtlpScopeMetrics {
  scope: OtlpScope;
  metrics: OtlpMetric[];
  schemaUrl: string | null;
}

/** Metrics of one resource. */
export interface OtlpResourceMetrics {
  resource: OtlpResource;
  scopeMetrics: OtlpScopeMetrics[];
  schemaUrl: string | null;
}

/** A normalized ExportMetricsServiceRequest. */
export interface OtlpMetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

/** The normalized request of each signal. */
export interface OtlpRequestBySignal {
  logs: OtlpLogsRequest;
  traces: OtlpTracesRequest;
  metrics: OtlpMetricsRequest;
}

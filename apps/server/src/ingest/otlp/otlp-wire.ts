/**
 * The OTLP export requests as they come off the wire, before normalization: lowerCamelCase keys, every
 * field optional (proto3 leaves defaults out, and proto3 JSON lets null stand for them). OTLP/JSON that
 * passed otlp-json's schemas and protobufjs's `toObject({ longs: String, enums: Number })` both have
 * this shape. They differ in spelling only: JSON gives ids as hex and bytes as base64 strings where
 * protobuf gives raw bytes, and may spell numbers and enums as strings.
 */

/**
 * Array and kvlist values nest at most this deep: no telemetry needs more, and each level costs stack.
 * Kept well under protobufjs's own limit of 100 nested messages (a kvlist level is three), so both
 * encodings refuse at the same depth with the same message.
 */
export const MAX_VALUE_DEPTH = 16;

/** Hex (ids) or base64 (values) from JSON; raw bytes from protobuf. */
export type WireBytes = string | Uint8Array;
/** A 64-bit integer: a decimal string (protobuf, and JSON by the proto3 mapping) or a JSON number. */
export type WireInt64 = string | number;
/** A double; proto3 JSON may also spell it as a string ("1.5", "NaN", "-Infinity"). */
export type WireDouble = number | string;
/** A 32-bit integer; proto3 JSON may also spell it as a decimal string. */
export type WireInt32 = number | string;
/** An enum's integer; OTLP/JSON senders may also spell the value's .proto name. */
export type WireEnum = number | string;

/** Absent, or null (proto3 JSON's spelling of "the default"). */
type Opt<T> = T | null | undefined;

export interface WireAnyValue {
  stringValue?: Opt<string>;
  boolValue?: Opt<boolean>;
  intValue?: Opt<WireInt64>;
  doubleValue?: Opt<WireDouble>;
  arrayValue?: Opt<{ values?: Opt<WireAnyValue[]> }>;
  kvlistValue?: Opt<{ values?: Opt<WireKeyValue[]> }>;
  bytesValue?: Opt<WireBytes>;
}
export interface WireKeyValue {
  key?: Opt<string>;
  value?: Opt<WireAnyValue>;
}
export interface WireResource {
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
}
export interface WireScope {
  name?: Opt<string>;
  version?: Opt<string>;
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
}

export interface WireLogRecord {
  timeUnixNano?: Opt<WireInt64>;
  observedTimeUnixNano?: Opt<WireInt64>;
  severityNumber?: Opt<WireEnum>;
  severityText?: Opt<string>;
  body?: Opt<WireAnyValue>;
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
  flags?: Opt<WireInt32>;
  traceId?: Opt<WireBytes>;
  spanId?: Opt<WireBytes>;
  eventName?: Opt<string>;
}
export interface WireScopeLogs {
  scope?: Opt<WireScope>;
  logRecords?: Opt<WireLogRecord[]>;
  schemaUrl?: Opt<string>;
}
export interface WireLogsRequest {
  resourceLogs?: Opt<
    { resource?: Opt<WireResource>; scopeLogs?: Opt<WireScopeLogs[]>; schemaUrl?: Opt<string> }[]
  >;
}

export interface WireSpanEvent {
  timeUnixNano?: Opt<WireInt64>;
  name?: Opt<string>;
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
}
export interface WireSpanLink {
  traceId?: Opt<WireBytes>;
  spanId?: Opt<WireBytes>;
  traceState?: Opt<string>;
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
  flags?: Opt<WireInt32>;
}
export interface WireSpan {
  traceId?: Opt<WireBytes>;
  spanId?: Opt<WireBytes>;
  traceState?: Opt<string>;
  parentSpanId?: Opt<WireBytes>;
  flags?: Opt<WireInt32>;
  name?: Opt<string>;
  kind?: Opt<WireEnum>;
  startTimeUnixNano?: Opt<WireInt64>;
  endTimeUnixNano?: Opt<WireInt64>;
  attributes?: Opt<WireKeyValue[]>;
  droppedAttributesCount?: Opt<WireInt32>;
  events?: Opt<WireSpanEvent[]>;
  droppedEventsCount?: Opt<WireInt32>;
  links?: Opt<WireSpanLink[]>;
  droppedLinksCount?: Opt<WireInt32>;
  status?: Opt<{ message?: Opt<string>; code?: Opt<WireEnum> }>;
}
export interface WireScopeSpans {
  scope?: Opt<WireScope>;
  spans?: Opt<WireSpan[]>;
  schemaUrl?: Opt<string>;
}
export interface WireTracesRequest {
  resourceSpans?: Opt<
    { resource?: Opt<WireResource>; scopeSpans?: Opt<WireScopeSpans[]>; schemaUrl?: Opt<string> }[]
  >;
}

export interface WireExemplar {
  filteredAttributes?: Opt<WireKeyValue[]>;
  timeUnixNano?: Opt<WireInt64>;
  asDouble?: Opt<WireDouble>;
  asInt?: Opt<WireInt64>;
  spanId?: Opt<WireBytes>;
  traceId?: Opt<WireBytes>;
}
/** Fields every kind of data point has. */
export interface WirePointBase {
  attributes?: Opt<WireKeyValue[]>;
  startTimeUnixNano?: Opt<WireInt64>;
  timeUnixNano?: Opt<WireInt64>;
  flags?: Opt<WireInt32>;
}
export interface WireNumberDataPoint extends WirePointBase {
  asDouble?: Opt<WireDouble>;
  asInt?: Opt<WireInt64>;
  exemplars?: Opt<WireExemplar[]>;
}
export interface WireHistogramDataPoint extends WirePointBase {
  count?: Opt<WireInt64>;
  sum?: Opt<WireDouble>;
  bucketCounts?: Opt<WireInt64[]>;
  explicitBounds?: Opt<WireDouble[]>;
  exemplars?: Opt<WireExemplar[]>;
  min?: Opt<WireDouble>;
  max?: Opt<WireDouble>;
}
export interface WireBuckets {
  offset?: Opt<WireInt32>;
  bucketCounts?: Opt<WireInt64[]>;
}
export interface WireExponentialHistogramDataPoint extends WirePointBase {
  count?: Opt<WireInt64>;
  sum?: Opt<WireDouble>;
  scale?: Opt<WireInt32>;
  zeroCount?: Opt<WireInt64>;
  positive?: Opt<WireBuckets>;
  negative?: Opt<WireBuckets>;
  exemplars?: Opt<WireExemplar[]>;
  min?: Opt<WireDouble>;
  max?: Opt<WireDouble>;
  zeroThreshold?: Opt<WireDouble>;
}
export interface WireSummaryDataPoint extends WirePointBase {
  count?: Opt<WireInt64>;
  sum?: Opt<WireDouble>;
  quantileValues?: Opt<{ quantile?: Opt<WireDouble>; value?: Opt<WireDouble> }[]>;
}
export interface WireMetric {
  name?: Opt<string>;
  description?: Opt<string>;
  unit?: Opt<string>;
  gauge?: Opt<{ dataPoints?: Opt<WireNumberDataPoint[]> }>;
  sum?: Opt<{
    dataPoints?: Opt<WireNumberDataPoint[]>;
    aggregationTemporality?: Opt<WireEnum>;
    isMonotonic?: Opt<boolean>;
  }>;
  histogram?: Opt<{ dataPoints?: Opt<WireHistogramDataPoint[]>; aggregationTemporality?: Opt<WireEnum> }>;
  exponentialHistogram?: Opt<{
    dataPoints?: Opt<WireExponentialHistogramDataPoint[]>;
    aggregationTemporality?: Opt<WireEnum>;
  }>;
  summary?: Opt<{ dataPoints?: Opt<WireSummaryDataPoint[]> }>;
  metadata?: Opt<WireKeyValue[]>;
}
export interface WireScopeMetrics {
  scope?: Opt<WireScope>;
  metrics?: Opt<WireMetric[]>;
  schemaUrl?: Opt<string>;
}
export interface WireMetricsRequest {
  resourceMetrics?: Opt<
    { resource?: Opt<WireResource>; scopeMetrics?: Opt<WireScopeMetrics[]>; schemaUrl?: Opt<string> }[]
  >;
}

/** The wire request of each signal. */
export interface WireRequestBySignal {
  logs: WireLogsRequest;
  traces: WireTracesRequest;
  metrics: WireMetricsRequest;
}

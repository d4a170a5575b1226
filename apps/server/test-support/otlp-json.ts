import { gzipSync } from 'node:zlib';

/** An OTLP JSON AnyValue for a JS value (ints as intValue strings, per the proto3 JSON mapping). */
export function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { stringValue: String(v) };
}

/** OTLP JSON KeyValue list. */
export function keyValues(attrs: Record<string, unknown>): Record<string, unknown>[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** One event as a log record: name, epoch ms, attributes. */
export interface TestEvent {
  name: string;
  timeMs: number;
  attrs: Record<string, unknown>;
}

/** An ExportLogsServiceRequest (OTLP JSON) of events from one resource. */
export function otlpLogs(
  events: readonly TestEvent[],
  resource: Record<string, unknown> = { 'service.name': 'player' },
): object {
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resource) },
        scopeLogs: [
          {
            scope: { name: '@coursecast/player-sdk', version: '0.1.0' },
            logRecords: events.map((e) => ({
              timeUnixNano: (BigInt(Math.round(e.timeMs)) * 1_000_000n).toString(),
              eventName: e.name,
              attributes: keyValues(e.attrs),
            })),
          },
        ],
      },
    ],
  };
}

/** A JSON body, gzipped when asked. */
export function jsonBody(value: unknown, gzip = false): Buffer {
  const raw = Buffer.from(JSON.stringify(value));
  return gzip ? gzipSync(raw) : raw;
}

/** A span as tests describe it; ids are made up when not given. */
export interface TestSpan {
  name: string;
  startMs: number;
  endMs?: number;
  traceId?: string;
  spanId?: string;
  attrs?: Record<string, unknown>;
  events?: { name: string; timeMs: number; attrs?: Record<string, unknown> }[];
}

const nanos = (ms: number): string => (BigInt(Math.round(ms)) * 1_000_000n).toString();
let nextSpan = 1;

/** An ExportTraceServiceRequest (OTLP JSON) of spans from one resource. */
export function otlpSpans(
  spans: readonly TestSpan[],
  resource: Record<string, unknown> = { 'service.name': 'player' },
): object {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: s.traceId ?? '5b8efff798038103d269b633813fc60c',
              spanId: s.spanId ?? (nextSpan++).toString(16).padStart(16, '0'),
              name: s.name,
              kind: 2,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.endMs ?? s.startMs + 5),
              attributes: keyValues(s.attrs ?? {}),
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeUnixNano: nanos(e.timeMs),
                attributes: keyValues(e.attrs ?? {}),
              })),
              status: {},
            })),
          },
        ],
      },
    ],
  };
}

/** A number data point (OTLP JSON) at `timeMs`, started at `startMs`. */
export function numberPoint(
  value: number,
  timeMs: number,
  startMs: number,
  attrs: Record<string, unknown> = {},
) {
  return {
    asDouble: value,
    timeUnixNano: nanos(timeMs),
    startTimeUnixNano: nanos(startMs),
    attributes: keyValues(attrs),
  };
}

/** An explicit-bucket histogram data point (OTLP JSON). */
export function histogramPoint(
  bounds: number[],
  counts: number[],
  sum: number,
  timeMs: number,
  startMs: number,
  attrs: Record<string, unknown> = {},
) {
  const count = counts.reduce((a, b) => a + b, 0);
  return {
    count: String(count),
    sum,
    bucketCounts: counts.map(String),
    explicitBounds: bounds,
    timeUnixNano: nanos(timeMs),
    startTimeUnixNano: nanos(startMs),
    attributes: keyValues(attrs),
  };
}

/** An ExportMetricsServiceRequest (OTLP JSON) of the given metrics (OTLP JSON `Metric`s) from one resource. */
export function otlpMetrics(
  metrics: readonly object[],
  resource: Record<string, unknown> = { 'service.name': 'player' },
): object {
  return {
    resourceMetrics: [
      { resource: { attributes: keyValues(resource) }, scopeMetrics: [{ scope: { name: 'test' }, metrics }] },
    ],
  };
}

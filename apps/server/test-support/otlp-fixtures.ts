import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createOtlpRoot } from '../src/ingest/otlp/otlp-proto-schema.js';
import type { OtlpSignal } from '../src/ingest/otlp/otlp-types.js';

/*
 * Requests for the OTLP decoding tests: telemetry recorded by the real OpenTelemetry SDKs, and an
 * encoder of its own for protobuf requests no SDK would send.
 */

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const JSON_TYPE = 'application/json';
export const PROTO_TYPE = 'application/x-protobuf';
const resource = resourceFromAttributes({ 'service.name': 'player', 'service.version': '1.4.0' });

/** A value as a JSON request body. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** An encoder apart from the decoder, from the same OTLP schema, for requests no SDK would send. */
export function protobufRequest(signal: OtlpSignal, request: Record<string, unknown>): Buffer {
  const file = { logs: 'logs', traces: 'trace', metrics: 'metrics' }[signal];
  const name = { logs: 'Logs', traces: 'Trace', metrics: 'Metrics' }[signal];
  const type = createOtlpRoot().lookupType(
    `opentelemetry.proto.collector.${file}.v1.Export${name}ServiceRequest`,
  );
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/** A google.rpc.Status body (a failed protobuf OTLP request's answer), decoded. */
export function rpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const type = createOtlpRoot().lookupType('google.rpc.Status');
  const status = type.toObject(type.decode(bytes), { defaults: true }) as { code: number; message: string };
  return { code: status.code, message: status.message };
}

/** SDK-recorded data. */
export async function sdkLogRecords() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('coursecast.player', '0.3.1');
  const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
  logger.emit({
    eventName: 'playback.stall',
    timestamp: [1_700_000_000, 123_456_789],
    observedTimestamp: [1_700_000_001, 5],
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: { reason: 'buffer', ranges: [1, 2.5, true, 'x'], raw: new Uint8Array([0, 1, 254, 255]) },
    attributes: { 'view.id': 'v1', 'view.seq': 7, 'stall.ms': 812.5, muted: false, tags: ['a', 'b'] },
    context: trace.setSpanContext(context.active(), spanContext),
  });
  logger.emit({ body: 'plain message', timestamp: [1_700_000_002, 0] });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

/** SDK-recorded data. */
export async function sdkSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('coursecast.edge', '2.0.0');
  const parent = tracer.startSpan('GET /hls', { kind: SpanKind.SERVER, startTime: [1_700_000_000, 1] });
  const ctx = trace.setSpan(context.active(), parent);
  const child = tracer.startSpan(
    'origin fetch',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'cdn.cache_status': 'MISS', 'http.response.status_code': 200 },
      links: [
        { context: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }, attributes: { why: 'retry' } },
      ],
      startTime: [1_700_000_000, 500],
    },
    ctx,
  );
  child.addEvent('first byte', { 'bytes.received': 1024 }, [1_700_000_000, 900]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'origin timeout' });
  child.end([1_700_000_001, 0]);
  parent.end([1_700_000_002, 0]);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** SDK-recorded data. */
export async function sdkMetrics() {
  const reader = new TestReader();
  const provider = new MeterProvider({
    resource,
    readers: [reader],
    views: [{ instrumentName: 'segment.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('coursecast.transcode', '1.0.0');
  meter.createCounter('content.transcode.errors').add(3, { 'error.type': 'timeout' });
  meter.createUpDownCounter('hls.sessions.active').add(-2);
  const duration = meter.createHistogram('content.transcode.duration', { unit: 's' });
  duration.record(1.5, { 'content.quality': '720p' });
  duration.record(12, { 'content.quality': '720p' });
  meter.createGauge('cdn.cache.bytes').record(4096);
  meter.createHistogram('segment.size', { unit: 'By' }).record(180_000);
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}

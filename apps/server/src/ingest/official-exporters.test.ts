// coursecast as an OTLP endpoint for the OpenTelemetry JS SDK's own exporters, with their default settings, as a
// user pointing a service at it would: JSON and protobuf, gzip or not. Logs, traces and every metric instrument
// (cumulative, the SDK's default) land; a request refused whole is answered in its own encoding.
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcStatus } from '../../test-support/otlp-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
let base: string;

beforeAll(async () => {
  t = await startTestServer({ ingest: { serverTelemetry: false } });
  base = await t.cc.listen();
});
afterAll(() => t.close());

const VARIANTS = [
  { name: 'json', gzip: false },
  { name: 'json', gzip: true },
  { name: 'protobuf', gzip: false },
  { name: 'protobuf', gzip: true },
] as const;
type Variant = (typeof VARIANTS)[number];

const label = (v: Variant) => `${v.name}${v.gzip ? '-gzip' : ''}`;
const options = (v: Variant, signal: string) => ({
  url: `${base}/v1/${signal}`,
  compression: v.gzip ? ('gzip' as never) : ('none' as never),
});
const exporters = (v: Variant) =>
  v.name === 'json'
    ? {
        traces: new JsonTraceExporter(options(v, 'traces')),
        metrics: new JsonMetricExporter(options(v, 'metrics')),
        logs: new JsonLogExporter(options(v, 'logs')),
      }
    : {
        traces: new ProtoTraceExporter(options(v, 'traces')),
        metrics: new ProtoMetricExporter(options(v, 'metrics')),
        logs: new ProtoLogExporter(options(v, 'logs')),
      };

const rows = (sql: string, params: string[] = []) => t.cc.pipeline.store.db.all(sql, params);

/** Spans recorded by the SDK (not exported yet), to hand to an exporter as a batch. */
function recordSpans(service: string, n: number, attrs: Record<string, string> = {}): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('lecture-service');
  for (let i = 0; i < n; i++) tracer.startSpan(`GET /lectures/${i % 7}`, { attributes: attrs }).end();
  return memory.getFinishedSpans();
}

const exportSpans = (exporter: SpanExporter, spans: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe.each(VARIANTS)('the official OpenTelemetry JS exporters', (variant) => {
  const service = `svc-${label(variant)}`;

  it(`${label(variant)}: logs and traces land, marked as received`, async () => {
    const { traces, logs } = exporters(variant);
    const result = await exportSpans(traces, recordSpans(service, 5));
    expect(result.code, String(result.error)).toBe(ExportResultCode.SUCCESS);
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      processors: [new SimpleLogRecordProcessor({ exporter: memory })],
    });
    provider.getLogger('player').emit({
      eventName: E.viewStart,
      timestamp: Date.now(),
      attributes: { 'content.view.id': `view-${label(variant)}`, 'content.view.seq': 0 },
    });
    const sent = await new Promise<ExportResult>((resolve) =>
      logs.export(memory.getFinishedLogRecords(), resolve),
    );
    expect(sent.code, String(sent.error)).toBe(ExportResultCode.SUCCESS);
    expect(
      await rows(`SELECT count(*)::INTEGER AS n, min(origin) AS o FROM spans WHERE service = $1`, [service]),
    ).toEqual([{ n: 5, o: 'received' }]);
    expect(await rows(`SELECT name FROM events WHERE view_id = $1`, [`view-${label(variant)}`])).toEqual([
      { name: E.viewStart },
    ]);
  });

  it(`${label(variant)}: counters, histograms, up-down counters, gauges and exponential histograms land as sent (cumulative)`, async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: exporters(variant).metrics,
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      readers: [reader],
      views: [
        { instrumentName: 'quiz.think_time', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
      ],
    });
    const meter = provider.getMeter('lecture-service');
    const answers = meter.createCounter('quiz.answers');
    const seconds = meter.createHistogram('quiz.answer_time', { unit: 's' });
    const learners = meter.createUpDownCounter('lecture.learners');
    const level = meter.createGauge('lecture.volume');
    const think = meter.createHistogram('quiz.think_time', { unit: 's' });
    answers.add(3);
    for (const s of [0.4, 2, 7]) seconds.record(s);
    learners.add(5);
    level.record(42);
    for (const s of [1, 2, 3, 40]) think.record(s);
    await reader.forceFlush();
    answers.add(4);
    seconds.record(1);
    learners.add(-2);
    think.record(5);
    await reader.forceFlush();
    const stored = await rows(
      `SELECT name, kind, sum(value) AS total, sum(count)::INTEGER AS n, sum(sum) AS s, arg_max(value, time) AS last
       FROM metric_points WHERE service = $1 AND origin = 'received' GROUP BY 1, 2 ORDER BY 1`,
      [service],
    );
    expect(stored).toEqual([
      // The up-down counter's level (5, then 3), stored as it comes.
      { name: 'lecture.learners', kind: 'gauge', total: 8, n: null, s: null, last: 3 },
      { name: 'lecture.volume', kind: 'gauge', total: 84, n: null, s: null, last: 42 },
      // Cumulative 3 then 7: the deltas 3 and 4 (the series began after the server started: its first point counts).
      { name: 'quiz.answer_time', kind: 'histogram', total: null, n: 4, s: 10.4, last: null },
      { name: 'quiz.answers', kind: 'sum', total: 7, n: null, s: null, last: 4 },
      { name: 'quiz.think_time', kind: 'exponential_histogram', total: null, n: 5, s: 51, last: null },
    ]);
    await provider.shutdown();
  });

  it(`${label(variant)}: a collector's default batch of 8,192 spans is taken whole`, async () => {
    const result = await exportSpans(exporters(variant).traces, recordSpans(`${service}-batch`, 8192));
    expect(result.code, String(result.error)).toBe(ExportResultCode.SUCCESS);
    expect(
      await rows(`SELECT count(*)::INTEGER AS n FROM spans WHERE service = $1`, [`${service}-batch`]),
    ).toEqual([{ n: 8192 }]);
  });
});

describe('a request refused whole', () => {
  it('is answered with a google.rpc.Status in protobuf, and the exporter reports the failure', async () => {
    // The SDK trims attributes to 128 itself; a value over 4,096 characters is the sender's to fix.
    const proto = await exportSpans(
      exporters(VARIANTS[2]).traces,
      recordSpans('svc-refused', 2, { note: 'x'.repeat(5000) }),
    );
    expect(proto.code).toBe(ExportResultCode.FAILED);
    const res = await fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from([0x0a, 0x03, 0xff, 0xff, 0xff]),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const status = rpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status).toMatchObject({ code: 3 });
    expect(status.message).toMatch(/malformed/);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM spans WHERE service = 'svc-refused'`)).toEqual([
      { n: 0 },
    ]);
  });
});

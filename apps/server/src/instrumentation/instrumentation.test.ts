import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createInstrumentation } from './instrumentation.js';

interface Received {
  path: string;
  contentType: string;
  bytes: number;
}

const received: Received[] = [];
const collector = createServer((req: IncomingMessage, res) => {
  let bytes = 0;
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => {
    received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', bytes });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let endpoint: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('createInstrumentation', () => {
  it('exports spans and metrics over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const config = loadConfig({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'cc-test' },
    });
    const telemetry = createInstrumentation(config.instrumentation, '0.0.0-test');
    telemetry.tracer.startSpan('content.transcode_video').end();
    telemetry.meter.createCounter('content.transcode.errors').add(1, { 'content.quality': '720p' });
    await telemetry.forceFlush();
    await telemetry.shutdown();
    const paths = received.map((r) => r.path);
    expect(paths).toContain('/v1/traces');
    expect(paths).toContain('/v1/metrics');
    expect(received.every((r) => r.bytes > 0)).toBe(true);
  });

  it('renders Prometheus text with unit-suffixed names, and none when disabled', async () => {
    const on = createInstrumentation(loadConfig({ env: {} }).instrumentation, '0.0.0-test');
    on.meter
      .createHistogram('content.transcode.duration', { unit: 's' })
      .record(3, { 'content.quality': '360p' });
    const text = await on.renderPrometheus!();
    expect(text).toMatch(/^# TYPE content_transcode_duration_seconds histogram$/m);
    expect(text).toMatch(/content_transcode_duration_seconds_count\{[^}]*content_quality="360p"[^}]*\} 1/);
    await on.shutdown();
    const off = createInstrumentation(
      loadConfig({ env: { OTEL_SDK_DISABLED: 'true' } }).instrumentation,
      '0.0.0-test',
    );
    expect(off.renderPrometheus).toBeNull();
    off.tracer.startSpan('still.works').end();
    await off.shutdown();
  });

  it('counts the spans a full batch queue drops, on /metrics, rather than drop them silently', async () => {
    const config = loadConfig({ env: {} });
    // An exporter that never finishes: a batch of 4 goes out and never returns, 4 more wait in the queue, and
    // the last 2 of 10 are dropped.
    const stuck = { export: () => undefined, shutdown: async () => {} };
    const telemetry = createInstrumentation(config.instrumentation, '0.0.0-test', {
      batchedSpanExporters: [{ exporter: stuck, maxQueueSize: 4, scheduledDelayMillis: 60_000 }],
    });
    for (let i = 0; i < 10; i++) telemetry.tracer.startSpan(`s${i}`).end();
    const text = await telemetry.renderPrometheus!();
    expect(text).toMatch(/otel_sdk_processor_span_processed_total\{[^}]*error_type="queue_full"[^}]*\} 2/);
    expect(text).toMatch(/otel_sdk_processor_span_queue_capacity(_total)?\{[^}]*\} 4/);
  });
});

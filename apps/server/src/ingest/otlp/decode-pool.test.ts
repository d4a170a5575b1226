import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { jsonBody, otlpLogs, otlpSpans } from '../../../test-support/otlp-json.js';
import { createDecodePool } from './decode-pool.js';
import type { DecodeJob, DecodedRequest } from './decode-request.js';

const pool = createDecodePool(1);
afterAll(() => pool.close());
const job = (
  body: Buffer,
  contentType = 'application/json',
  contentEncoding?: string,
  signal: DecodeJob['signal'] = 'logs',
): DecodeJob => ({
  signal,
  body,
  contentType,
  contentEncoding,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  receivedAt: Date.now(),
  bodyLimits: { maxBodyBytes: 1 << 20, maxDecodedBytes: 1 << 22 },
  recordLimits: {
    maxAttributes: 64,
    maxAttributeLength: 1024,
    maxFutureMs: 300_000,
    maxPastMs: 86_400_000,
    maxSpanEvents: 4,
    maxNameLength: 256,
    storeUnknownEvents: false,
  },
  maxRecords: 10,
  wantForward: false,
});

function logsOf(d: DecodedRequest) {
  if (d.signal !== 'logs') throw new Error(`decoded ${d.signal}, not logs`);
  return d;
}

it('decodes, validates and maps a gzip OTLP/JSON body in a worker', async () => {
  const events = [
    { name: E.viewStart, timeMs: Date.now(), attrs: { 'content.view.id': 'w', 'content.view.seq': 0 } },
    {
      name: E.seek,
      timeMs: Date.now(),
      attrs: { 'content.view.id': 'w', 'content.view.seq': 1, 'content.seek.duration_ms': -1 },
    },
  ];
  const answer = logsOf(
    await pool.decode(job(gzipSync(jsonBody(otlpLogs(events))), 'application/json', 'gzip')),
  );
  const [batch] = answer.batches;
  expect(batch?.rows.map((r) => [r.name, r.seq, r.browser])).toEqual([[E.viewStart, 0, 'firefox']]);
  expect(batch).toMatchObject({ rejected: 1, rejectedBy: { invalid_attributes: 1 }, service: 'player' });
  expect(answer.forward).toBeNull();
});

it('answers the same clear errors as the event loop would, as AppErrors', async () => {
  const bad = await pool.decode(job(Buffer.from('{"resourceLogs": ['))).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(AppError);
  expect(bad).toMatchObject({ code: 'invalid_body', status: 400 });
  const many = otlpLogs(
    Array.from({ length: 11 }, (_, i) => ({
      name: E.viewStart,
      timeMs: Date.now(),
      attrs: { 'content.view.id': 'm', 'content.view.seq': i },
    })),
  );
  await expect(pool.decode(job(Buffer.from('x'), 'text/plain'))).rejects.toMatchObject({
    code: 'unsupported_media_type',
  });
  // Records beyond the per-request limit are refused, the first ones kept (a partial success, not a 413).
  const over = logsOf(await pool.decode(job(jsonBody(many))));
  expect(over.batches[0]?.rows).toHaveLength(10);
  expect(over.batches[0]?.rejectedBy).toEqual({ too_many_records: 1 });
});

it('decodes and bounds traces in the worker too, and marks what it relays as received', async () => {
  const now = Date.now();
  const body = jsonBody(
    otlpSpans(
      [
        { name: 'ok', startMs: now },
        {
          name: 'chatty',
          startMs: now,
          events: Array.from({ length: 5 }, () => ({ name: 'e', timeMs: now })),
        },
        { name: 'future', startMs: now + 10 * 365 * 86_400_000 },
      ],
      { 'service.name': 'svc', 'coursecast.telemetry.origin': 'server' },
    ),
  );
  const d = await pool.decode({ ...job(body, 'application/json', undefined, 'traces'), wantForward: true });
  if (d.signal !== 'traces') throw new Error('not traces');
  expect(d.mapped.spans.map((s) => s.name)).toEqual(['ok']);
  expect(d.mapped.rejectedBy).toEqual({ too_many_events: 1, timestamp_out_of_range: 1 });
  const relayed = JSON.parse(Buffer.from(d.forward!).toString()) as {
    resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] } }[];
  };
  const origin = relayed.resourceSpans[0]!.resource.attributes.filter(
    (a) => a.key === 'coursecast.telemetry.origin',
  );
  expect(origin).toEqual([{ key: 'coursecast.telemetry.origin', value: { stringValue: 'received' } }]);
});

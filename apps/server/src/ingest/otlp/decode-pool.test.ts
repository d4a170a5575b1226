import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { jsonBody, otlpLogs } from '../../../test-support/otlp-json.js';
import { createDecodePool } from './decode-pool.js';

const pool = createDecodePool(1);
afterAll(() => pool.close());
const job = (body: Buffer, contentType = 'application/json', contentEncoding?: string) => ({
  body,
  contentType,
  contentEncoding,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  receivedAt: Date.now(),
  bodyLimits: { maxBodyBytes: 1 << 20, maxDecodedBytes: 1 << 22 },
  recordLimits: { maxAttributes: 64, maxAttributeLength: 1024, maxFutureMs: 300_000, maxPastMs: 86_400_000 },
  maxRecords: 10,
  wantDecoded: false,
});

it('decodes, validates and maps a gzip OTLP/JSON body in a worker', async () => {
  const events = [
    { name: E.viewStart, timeMs: Date.now(), attrs: { 'content.view.id': 'w', 'content.view.seq': 0 } },
    {
      name: E.seek,
      timeMs: Date.now(),
      attrs: { 'content.view.id': 'w', 'content.view.seq': 1, 'content.seek.duration_ms': -1 },
    },
  ];
  const answer = await pool.decode(job(gzipSync(jsonBody(otlpLogs(events))), 'application/json', 'gzip'));
  const [batch] = answer.batches;
  expect(batch?.rows.map((r) => [r.name, r.seq, r.browser])).toEqual([[E.viewStart, 0, 'firefox']]);
  expect(batch).toMatchObject({ rejected: 1, rejectedBy: { invalid_attributes: 1 }, service: 'player' });
  expect(answer.decoded).toBeNull();
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
  await expect(pool.decode(job(jsonBody(many)))).rejects.toMatchObject({ code: 'payload_too_large' });
  await expect(pool.decode(job(Buffer.from('x'), 'text/plain'))).rejects.toMatchObject({
    code: 'unsupported_media_type',
  });
});

import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, otlpLogs, type TestEvent } from '../../test-support/otlp-json.js';
import { rpcStatus } from '../../test-support/otlp-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
let ip = 0;
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

beforeAll(async () => {
  t = await startTestServer({
    ingest: {
      maxBodyBytes: 64 * 1024,
      maxDecodedBytes: 256 * 1024,
      maxRecords: 100,
      rateBurst: 5,
      ratePerSecond: 1,
    },
  });
});
afterAll(() => t.close());

/** Each test gets its own client address, so the rate limit of one never spills into another. */
function post(url: string, payload: Buffer | string, headers: Record<string, string> = {}, from?: string) {
  return t.cc.app.inject({
    method: 'POST',
    url,
    payload,
    remoteAddress: from ?? `10.0.0.${++ip}`,
    headers: { 'content-type': 'application/json', 'user-agent': CHROME, ...headers },
  });
}

const now = () => Date.now();
const errorOf = (res: { json<T>(): T }) => res.json<{ error: { code: string; message: string } }>().error;
type Partial = { partialSuccess: Record<string, string> };
const ev = (view: string, seq: number, name: string, attrs: Record<string, unknown> = {}): TestEvent => ({
  name,
  timeMs: now(),
  attrs: { 'content.view.id': view, 'content.view.seq': seq, ...attrs },
});

async function stored(view: string): Promise<{ name: string; seq: number; browser: string }[]> {
  const rows = await t.cc.pipeline.store.db.all(
    'SELECT name, seq, browser FROM events WHERE view_id = $1 ORDER BY seq',
    [view],
  );
  return rows as { name: string; seq: number; browser: string }[];
}

describe('OTLP/HTTP logs', () => {
  it('stores a batch (JSON and gzip), answers after the commit, and stores a re-sent beacon once', async () => {
    const body = otlpLogs([
      ev('v-ok', 0, E.viewStart),
      ev('v-ok', 1, E.videoStartup, { 'content.startup.duration_ms': 480 }),
    ]);
    const res = await post('/v1/logs', jsonBody(body, true), { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({});
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // Acked means durable: the rows are there the moment the answer is.
    expect(await stored('v-ok')).toEqual([
      { name: E.viewStart, seq: 0, browser: 'chrome' },
      { name: E.videoStartup, seq: 1, browser: 'chrome' },
    ]);
    const again = await post('/v1/logs', jsonBody(body));
    expect(again.statusCode).toBe(200);
    expect(await stored('v-ok')).toHaveLength(2);
  });

  it('answers a partial success naming every reason, and refuses unknown event names by default', async () => {
    const body = otlpLogs([
      ev('v-mix', 0, 'content.teleport'),
      ev('v-mix', 6, E.viewStart),
      ev('v-mix', 1, E.videoStartup, { 'content.startup.duration_ms': 'soon' }),
      { ...ev('v-mix', 2, E.viewStart), timeMs: now() + 86_400_000 },
      { ...ev('v-mix', 3, E.viewStart), timeMs: now() - 60 * 86_400_000 },
      ev('v-mix', 4, E.viewStart, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`a${i}`, i]))),
      ev('v-mix', 5, E.viewStart, { note: 'x'.repeat(10_000) }),
    ]);
    const res = await post('/v1/logs', jsonBody(body));
    expect(res.statusCode, res.body).toBe(200);
    const partial = res.json<Partial>().partialSuccess;
    expect(partial.rejectedLogRecords).toBe('6');
    // Every reason is named with its count, not only the first problem.
    for (const reason of [
      '1 unknown_event',
      '1 invalid_attributes',
      '2 timestamp_out_of_range',
      '1 too_many_attributes',
      '1 attribute_too_long',
    ]) {
      expect(partial.errorMessage).toContain(reason);
    }
    expect(partial.errorMessage).toContain('content.startup.duration_ms');
    expect(await stored('v-mix')).toEqual([{ name: E.viewStart, seq: 6, browser: 'chrome' }]);
  });

  it('answers 400 naming the problem when every record is invalid, and for malformed JSON or protobuf', async () => {
    const allBad = await post(
      '/v1/logs',
      jsonBody(otlpLogs([ev('v-bad', 0, E.seek, { 'content.seek.duration_ms': -5 })])),
    );
    expect(allBad.statusCode).toBe(400);
    expect(errorOf(allBad).message).toMatch(/every record was rejected.*content\.seek\.duration_ms/);
    const json = await post('/v1/logs', '{"resourceLogs": [');
    expect(json.statusCode).toBe(400);
    expect(errorOf(json).code).toBe('invalid_body');
    const shape = await post('/v1/logs', JSON.stringify({ resourceLogs: { nope: 1 } }));
    expect(shape.statusCode).toBe(400);
    expect(errorOf(shape).message).toContain('resourceLogs');
    const proto = await post('/v1/logs', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]), {
      'content-type': 'application/x-protobuf',
    });
    // OTLP/HTTP: a failed protobuf request is answered with a protobuf google.rpc.Status.
    expect(proto.statusCode).toBe(400);
    expect(proto.headers['content-type']).toBe('application/x-protobuf');
    const status = rpcStatus(proto.rawPayload);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/protobuf body is malformed/);
  });

  it('refuses a wrong content type (415), an oversized body and a gzip bomb (413); stores the first records of too many', async () => {
    const type = await post('/v1/logs', 'hello', { 'content-type': 'text/plain' });
    expect(type.statusCode).toBe(415);
    expect(errorOf(type).message).toContain('text/plain');
    const big = await post('/v1/logs', Buffer.alloc(100 * 1024, 32));
    expect(big.statusCode).toBe(413);
    expect(errorOf(big).code).toBe('payload_too_large');
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 32));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const exploded = await post('/v1/logs', bomb, { 'content-encoding': 'gzip' });
    expect(exploded.statusCode).toBe(413);
    expect(errorOf(exploded).message).toContain('expands beyond');
    const many = otlpLogs(Array.from({ length: 101 }, (_, i) => ev('v-many', i, E.viewStart)));
    const tooMany = await post('/v1/logs', jsonBody(many, true), { 'content-encoding': 'gzip' });
    expect(tooMany.statusCode).toBe(200);
    const partial = tooMany.json<Partial>().partialSuccess;
    expect(partial.rejectedLogRecords).toBe('1');
    expect(partial.errorMessage).toContain('1 too_many_records');
    expect(await stored('v-many')).toHaveLength(100);
  });

  it('limits each client with 429 and Retry-After, without touching other clients', async () => {
    const body = jsonBody(otlpLogs([ev('v-rate', 0, E.viewStart)]));
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await post('/v1/logs', body, {}, '10.9.9.9')).statusCode);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    const limited = await post('/v1/logs', body, {}, '10.9.9.9');
    expect(limited.headers['retry-after']).toBe('1');
    expect(errorOf(limited).code).toBe('rate_limited');
    expect((await post('/v1/logs', body, {}, '10.9.9.10')).statusCode).toBe(200);
  });
});

describe('OTLP traces and metrics, CMCD', () => {
  it('stores spans and metric points marked as received; a cumulative series counts from its second point', async () => {
    const traceId = 'ab'.repeat(16);
    const spans = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'player' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: 'cd'.repeat(8),
                  name: 'GET segment',
                  kind: 3,
                  startTimeUnixNano: String(BigInt(now()) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(now() + 42) * 1_000_000n),
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post('/v1/traces', jsonBody(spans));
    expect(res.statusCode, res.body).toBe(200);
    const rows = await t.cc.pipeline.store.db.all(
      'SELECT name, service, kind, origin FROM spans WHERE trace_id = $1',
      [traceId],
    );
    expect(rows).toEqual([{ name: 'GET segment', service: 'player', kind: 'client', origin: 'received' }]);

    // A series that started before the server did: its first cumulative point is the reference, the second
    // is stored as the increase since (7 - 3).
    const started = String(BigInt(now() - 3_600_000) * 1_000_000n);
    const point = (name: string, temporality: number, value: number) => ({
      name,
      unit: '{frame}',
      sum: {
        aggregationTemporality: temporality,
        isMonotonic: true,
        dataPoints: [
          {
            asInt: String(value),
            startTimeUnixNano: started,
            timeUnixNano: String(BigInt(now()) * 1_000_000n),
          },
        ],
      },
    });
    const metrics = (...m: object[]) => ({
      resourceMetrics: [{ resource: {}, scopeMetrics: [{ metrics: m }] }],
    });
    const m = await post(
      '/v1/metrics',
      jsonBody(metrics(point('player.frames.dropped', 1, 3), point('player.frames.decoded', 2, 3))),
    );
    expect(m.statusCode, m.body).toBe(200);
    expect(m.json()).toEqual({});
    await post('/v1/metrics', jsonBody(metrics(point('player.frames.decoded', 2, 7))));
    const points = await t.cc.pipeline.store.db.all(
      `SELECT name, kind, value, origin FROM metric_points WHERE name LIKE 'player.frames.%' ORDER BY name`,
    );
    expect(points).toEqual([
      { name: 'player.frames.decoded', kind: 'sum', value: 4, origin: 'received' },
      { name: 'player.frames.dropped', kind: 'sum', value: 3, origin: 'received' },
    ]);
  });

  it('takes CMCD v2 event-mode bodies, keeps good lines, reports bad ones, and stores a re-send once', async () => {
    const ts = now();
    const body = [
      `e=ps,sid="cmcd-1",sn=0,sta=s,ts=${ts},v=2`,
      'garbage line',
      `e=ps,sid="cmcd-1",sn=1,sta=p,ts=${ts + 900},v=2`,
    ].join('\n');
    const res = await post('/v1/cmcd', body, { 'content-type': 'application/cmcd' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1, errors: [{ line: 2 }] });
    await post('/v1/cmcd', body, { 'content-type': 'application/cmcd' });
    const rows = await t.cc.pipeline.store.db.all(
      "SELECT name, seq, json_extract_string(attrs, '$.\"cmcd.sta\"') AS sta FROM events WHERE view_id = 'cmcd-1' ORDER BY seq",
    );
    expect(rows).toEqual([
      { name: 'cmcd.play_state', seq: 0, sta: 's' },
      { name: 'cmcd.play_state', seq: 1, sta: 'p' },
    ]);
    const wrongType = await post('/v1/cmcd', body, { 'content-type': 'text/plain' });
    expect(wrongType.statusCode).toBe(415);
  });

  it('derives views from CMCD play states: startup, rebuffers, seeks, a fatal error, the end', async () => {
    const t0 = now() - 20_000;
    const line = (sid: string, sn: number, sta: string, at: number) =>
      `e=ps,sid="${sid}",sn=${sn},sta=${sta},ts=${t0 + at},v=2`;
    const played = ['s@0', 'p@800', 'r@5000', 'p@5600', 'k@7000', 'p@7300', 'q@9000'].map((x, i) => {
      const [sta, at] = x.split('@');
      return line('cmcd-view', i, sta!, Number(at));
    });
    const failed = [line('cmcd-fail', 0, 's', 0), line('cmcd-fail', 1, 'f', 1500)];
    const res = await post('/v1/cmcd', [...played, ...failed].join('\n'), {
      'content-type': 'application/cmcd',
    });
    expect(res.statusCode, res.body).toBe(204);
    await t.cc.pipeline.views.refresh();
    const rows = await t.cc.pipeline.store.db.all(
      `SELECT view_id, outcome, startup_ms, rebuffer_count, rebuffer_ms, seek_count, seek_ms, ended, end_reason, fatal_error
       FROM views WHERE view_id LIKE 'cmcd-%' AND view_id <> 'cmcd-1' ORDER BY view_id`,
    );
    expect(rows).toEqual([
      {
        view_id: 'cmcd-fail',
        outcome: 'failed_before_start',
        startup_ms: null,
        rebuffer_count: 0,
        rebuffer_ms: 0,
        seek_count: 0,
        seek_ms: 0,
        ended: false,
        end_reason: null,
        fatal_error: 'cmcd_fatal',
      },
      {
        view_id: 'cmcd-view',
        outcome: 'played',
        startup_ms: 800,
        rebuffer_count: 1,
        rebuffer_ms: 600,
        seek_count: 1,
        seek_ms: 300,
        ended: true,
        end_reason: 'quit',
        fatal_error: null,
      },
    ]);
  });

  it('answers CORS preflights for cross-origin players', async () => {
    const res = await t.cc.app.inject({ method: 'OPTIONS', url: '/v1/logs' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-headers']).toContain('content-encoding');
  });
});

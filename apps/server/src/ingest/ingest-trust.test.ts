// What strangers post to the public OTLP receivers can never change what the server panels say about the
// server, nor escape the bounds every record keeps. Each test checks the answer AND that nothing stored was lost.
import {
  PLAYBACK_EVENTS as E,
  ATTR_HLS_END_REASON,
  CDN_CACHE_STATUSES,
  HLS_SESSION_END_REASONS,
  METRIC_CDN_ORIGIN_FETCH_DURATION,
  METRIC_CDN_REQUESTS,
  METRIC_HLS_SESSIONS_ACTIVE,
  SPAN_HLS_SESSION,
  TELEMETRY_ORIGINS,
} from '@coursecast/semconv';
import http from 'node:http';
import net from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  histogramPoint,
  jsonBody,
  numberPoint,
  otlpLogs,
  otlpMetrics,
  otlpSpans,
} from '../../test-support/otlp-json.js';
import { protobufRequest } from '../../test-support/otlp-fixtures.js';
import { patternBytes, publishItem } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import type { MetricPointRecord, SpanRecord } from '../store/telemetry-rows.js';

let t: TestServer;
let ip = 0;
const NOW = Date.now();
const YEAR = 365 * 86_400_000;
const SERVER = 'coursecast';

beforeAll(async () => {
  // The server's own exporters are off: the server rows below are the only ones, so panels are exact.
  t = await startTestServer({ ingest: { serverTelemetry: false, maxSpanEvents: 128 } });
});
afterAll(() => t.close());

function post(url: string, body: object) {
  return t.cc.app.inject({
    method: 'POST',
    url,
    payload: jsonBody(body),
    remoteAddress: `10.1.0.${++ip}`,
    headers: { 'content-type': 'application/json' },
  });
}

const point = (
  p: Partial<MetricPointRecord> & Pick<MetricPointRecord, 'name' | 'kind'>,
): MetricPointRecord => ({
  time: NOW - 60_000,
  startTime: NOW - 70_000,
  service: SERVER,
  unit: null,
  attrs: {},
  value: null,
  count: null,
  sum: null,
  min: null,
  max: null,
  bounds: null,
  buckets: null,
  ...p,
});

/** What the server's exporters would have stored: 2 hits and 1 miss, 2 active sessions, one session ended. */
async function seedServerRows(): Promise<void> {
  const requests = (status: string, value: number) =>
    point({
      name: METRIC_CDN_REQUESTS.name,
      kind: 'sum',
      value,
      attrs: { 'cdn.cache_status': status },
    });
  const bounds = [...METRIC_CDN_ORIGIN_FETCH_DURATION.buckets];
  await t.cc.pipeline.ingest.points(
    [
      requests(CDN_CACHE_STATUSES.hit, 2),
      requests(CDN_CACHE_STATUSES.miss, 1),
      point({
        name: METRIC_HLS_SESSIONS_ACTIVE.name,
        kind: 'gauge',
        value: 2,
        attrs: { 'hls.plan.mode': 'remux' },
      }),
      point({
        name: METRIC_CDN_ORIGIN_FETCH_DURATION.name,
        kind: 'histogram',
        unit: 's',
        count: 4,
        sum: 0.2,
        bounds,
        buckets: bounds.map((_, i) => (i === 2 ? 4 : 0)).concat(0),
      }),
    ],
    TELEMETRY_ORIGINS.server,
  );
  const session: SpanRecord = {
    traceId: 'a1'.repeat(16),
    spanId: 'b2'.repeat(8),
    parentSpanId: null,
    name: SPAN_HLS_SESSION,
    kind: 'internal',
    service: SERVER,
    startTime: NOW - 120_000,
    endTime: NOW - 60_000,
    durationMs: 60_000,
    status: 'ok',
    statusMessage: null,
    attrs: { [ATTR_HLS_END_REASON]: HLS_SESSION_END_REASONS.completed },
    events: [],
  };
  await t.cc.pipeline.ingest.spans([session], TELEMETRY_ORIGINS.server);
}

const PANELS = ['cdn-hit-ratio', 'session-timeouts', 'active-sessions', 'origin-latency'] as const;

async function panels(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const id of PANELS) {
    const res = await t.cc.app.inject({
      url: `/api/dashboard/panels/${id}?from=${NOW - 3_600_000}&to=${NOW + 60_000}&bucket=3600`,
      headers: t.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    out[id] = res.json<{ data: unknown }>().data;
  }
  return out;
}

describe('received telemetry is kept apart from the server’s own', () => {
  it('forged server span and metric names, services and layouts leave every server panel unchanged', async () => {
    await seedServerRows();
    const before = await panels();
    const hits = before['cdn-hit-ratio'] as { ratio: { ratio: number }[] };
    expect(hits.ratio[0]?.ratio).toBeCloseTo(2 / 3);
    const ends = before['session-timeouts'] as { ends: { group: string; value: number }[] };
    expect(ends.ends).toMatchObject([{ group: HLS_SESSION_END_REASONS.completed, value: 1 }]);

    const forgedRequests = {
      name: METRIC_CDN_REQUESTS.name,
      sum: {
        aggregationTemporality: 1,
        isMonotonic: true,
        dataPoints: [
          numberPoint(1e6, NOW - 30_000, NOW - 40_000, { 'cdn.cache_status': CDN_CACHE_STATUSES.miss }),
        ],
      },
    };
    const forgedActive = {
      name: METRIC_HLS_SESSIONS_ACTIVE.name,
      gauge: { dataPoints: [{ ...numberPoint(0, NOW - 30_000, NOW - 40_000), asDouble: 'NaN' }] },
    };
    const forgedLayout = {
      name: METRIC_CDN_ORIGIN_FETCH_DURATION.name,
      unit: 's',
      histogram: {
        aggregationTemporality: 1,
        dataPoints: [histogramPoint([100], [0, 50], 9000, NOW - 30_000, NOW - 40_000)],
      },
    };
    const m = await post(
      '/v1/metrics',
      otlpMetrics([forgedRequests, forgedActive, forgedLayout], { 'service.name': SERVER }),
    );
    expect(m.statusCode, m.body).toBe(200);
    const timeouts = Array.from({ length: 300 }, (_, i) => ({
      name: SPAN_HLS_SESSION,
      startMs: NOW - 50_000 + i,
      attrs: { [ATTR_HLS_END_REASON]: HLS_SESSION_END_REASONS.timeout },
    }));
    const s = await post('/v1/traces', otlpSpans(timeouts, { 'service.name': SERVER }));
    expect(s.statusCode, s.body).toBe(200);

    expect(await panels()).toEqual(before);
    // The forged rows are stored, marked as received: kept for whoever queries them, never as the server's.
    const rows = await t.cc.pipeline.store.db.all(
      `SELECT origin, count(*)::INTEGER AS n FROM spans WHERE name = $1 GROUP BY 1 ORDER BY 1`,
      [SPAN_HLS_SESSION],
    );
    expect(rows).toEqual([
      { origin: 'received', n: 300 },
      { origin: 'server', n: 1 },
    ]);
  });

  it('refuses a received histogram whose bounds differ from its instrument’s first point, keeping the first layout', async () => {
    const name = 'lecture.quiz.answer_time';
    const h = (bounds: number[], counts: number[]) => ({
      name,
      unit: 's',
      histogram: {
        aggregationTemporality: 1,
        dataPoints: [histogramPoint(bounds, counts, 10, NOW, NOW - 10_000)],
      },
    });
    expect((await post('/v1/metrics', otlpMetrics([h([1, 5, 10], [1, 1, 1, 0])]))).statusCode).toBe(200);
    const other = await post('/v1/metrics', otlpMetrics([h([1000], [0, 3])]));
    expect(other.statusCode).toBe(400);
    expect(other.json<{ error: { message: string } }>().error.message).toContain('1 instrument_mismatch');
    const again = await post('/v1/metrics', otlpMetrics([h([1, 5, 10], [0, 2, 0, 0])]));
    expect(again.statusCode).toBe(200);
    const stored = await t.cc.pipeline.store.db.all(
      `SELECT bounds::VARCHAR AS b, count(*)::INTEGER AS n FROM metric_points WHERE name = $1 GROUP BY 1`,
      [name],
    );
    expect(stored).toEqual([{ b: '[1.0, 5.0, 10.0]', n: 2 }]);
  });
});

describe('every signal keeps the same bounds', () => {
  it('refuses spans with 10,000 attributes, 100 KB values or 10,000 events, and stores the rest of the request', async () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`a${i}`, i]));
    const res = await post(
      '/v1/traces',
      otlpSpans([
        { name: 'wide', startMs: NOW, attrs: many },
        { name: 'long', startMs: NOW, attrs: { note: 'x'.repeat(100_000) } },
        {
          name: 'chatty',
          startMs: NOW,
          events: Array.from({ length: 10_000 }, () => ({ name: 'e', timeMs: NOW })),
        },
        { name: 'bounded.ok', startMs: NOW },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    const partial = res.json<{ partialSuccess: { rejectedSpans: string; errorMessage: string } }>()
      .partialSuccess;
    expect(partial.rejectedSpans).toBe('3');
    for (const reason of ['1 too_many_attributes', '1 attribute_too_long', '1 too_many_events']) {
      expect(partial.errorMessage).toContain(reason);
    }
    const names = await t.cc.pipeline.store.db.all(
      `SELECT name FROM spans WHERE name IN ('wide', 'long', 'chatty', 'bounded.ok')`,
    );
    expect(names).toEqual([{ name: 'bounded.ok' }]);
  });

  it('refuses spans and points stamped 10 years ahead or behind, counted, and keeps those in the window', async () => {
    const spans = await post(
      '/v1/traces',
      otlpSpans([
        { name: 'window.ahead', startMs: NOW + 10 * YEAR },
        { name: 'window.behind', startMs: NOW - 10 * YEAR },
        { name: 'window.now', startMs: Date.now() },
      ]),
    );
    expect(spans.statusCode, spans.body).toBe(200);
    expect(spans.json<{ partialSuccess: { errorMessage: string } }>().partialSuccess.errorMessage).toContain(
      '2 timestamp_out_of_range',
    );
    const gauge = (timeMs: number) => ({
      name: 'window.level',
      gauge: { dataPoints: [numberPoint(1, timeMs, timeMs - 1000)] },
    });
    const points = await post(
      '/v1/metrics',
      otlpMetrics([gauge(NOW + 10 * YEAR), gauge(NOW - 10 * YEAR), gauge(Date.now())]),
    );
    expect(points.statusCode, points.body).toBe(200);
    expect(
      points.json<{ partialSuccess: { rejectedDataPoints: string } }>().partialSuccess.rejectedDataPoints,
    ).toBe('2');
    const stored = await t.cc.pipeline.store.db.all(
      `SELECT name, epoch_ms(received_at) - $1 < 60000 AS recent FROM spans WHERE name LIKE 'window.%'
       UNION ALL SELECT name, epoch_ms(received_at) - $1 < 60000 FROM metric_points WHERE name = 'window.level'
       ORDER BY name`,
      [NOW],
    );
    expect(stored).toEqual([
      { name: 'window.level', recent: true },
      { name: 'window.now', recent: true },
    ]);
  });
});

describe('budgets that hold under abuse', () => {
  const beacon = (view: string) =>
    jsonBody(
      otlpLogs([
        { name: E.viewStart, timeMs: Date.now(), attrs: { 'content.view.id': view, 'content.view.seq': 0 } },
      ]),
    );
  const flood = async (
    server: TestServer,
    from: string,
    forwardedFor: (i: number) => string,
    n: number,
    view: string,
  ) => {
    // All at once, as a flood comes: each answer waits for its group commit, not for the one before.
    return Promise.all(
      Array.from({ length: n }, (_, i) =>
        server.cc.app.inject({
          method: 'POST',
          url: '/v1/logs',
          payload: beacon(`${view}-${i}`),
          remoteAddress: from,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(i) },
        }),
      ),
    );
  };
  const storedViews = async (server: TestServer, prefix: string) =>
    Number(
      (
        await server.cc.pipeline.store.db.all(
          `SELECT count(*)::INTEGER AS n FROM events WHERE starts_with(view_id, $1)`,
          [prefix],
        )
      )[0]?.['n'],
    );
  const addr = (i: number) => `198.51.${(i >> 8) & 255}.${i & 255}`;

  it('without a trusted proxy, 1,000 forged X-Forwarded-For addresses are one client', async () => {
    const s = await startTestServer({ ingest: { rateBurst: 5, ratePerSecond: 0.001 } });
    try {
      const answers = await flood(s, '203.0.113.9', addr, 1000, 'xff-untrusted');
      expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(5);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(995);
      expect(answers[999]?.json<{ error: { message: string } }>().error.message).toContain('203.0.113.9');
      expect(await storedViews(s, 'xff-untrusted')).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('behind a trusted proxy each learner is a client, an IPv6 /64 is one, and the node budget caps the whole', async () => {
    const s = await startTestServer({
      trustedProxies: ['10.20.0.0/16'],
      ingest: { rateBurst: 5, ratePerSecond: 0.001, nodeRecordsPerSecond: 100 },
    });
    try {
      const answers = await flood(s, '10.20.0.1', addr, 1000, 'xff-trusted');
      const codes = answers.map((a) => a.statusCode);
      // No learner reached its own limit: the only refusals are the node's budget (2 s of 100 records/s, plus
      // what refilled while the flood ran), answered 503 with Retry-After.
      expect(codes.filter((c) => c === 429)).toEqual([]);
      const ok = codes.filter((c) => c === 200).length;
      expect(ok).toBeGreaterThanOrEqual(200);
      expect(ok).toBeLessThan(1000);
      const refused = answers.find((a) => a.statusCode === 503)!;
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('ingest_overloaded');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Every acknowledged beacon is stored, and nothing refused is.
      expect(await storedViews(s, 'xff-trusted')).toBe(ok);

      // Addresses rotated inside one IPv6 /64 share one bucket.
      const v6 = await flood(s, '10.20.0.1', (i) => `2001:db8:7:42:${(i + 1).toString(16)}::1`, 8, 'xff-v6');
      expect(v6.map((a) => a.statusCode).filter((c) => c === 429)).toHaveLength(3);
      expect(v6[7]?.json<{ error: { message: string } }>().error.message).toContain('2001:db8:7:42::/64');
    } finally {
      await s.close();
    }
  });
});

describe('slow and stalled request bodies', () => {
  /** A POST to /v1/logs that declares `declared` bytes, sends ten, and stalls; resolves when the server closes it. */
  function stall(port: number, forwardedFor: string, declared: number) {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(
      `POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n` +
        `X-Forwarded-For: ${forwardedFor}\r\n\r\n{"resource`,
    );
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
    return { socket, closed, answer: () => answer };
  }
  /** One beacon on a connection of its own (a refused request leaves its unread body on a pooled one). */
  const send = (base: string, forwardedFor: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = jsonBody(
        otlpLogs([
          {
            name: E.viewStart,
            timeMs: Date.now(),
            attrs: { 'content.view.id': `b-${forwardedFor}`, 'content.view.seq': 0 },
          },
        ]),
      );
      const req = http.request(
        `${base}/v1/logs`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            'x-forwarded-for': forwardedFor,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  it('holds a client to its requests in flight, the node to its body memory, and closes a stalled body on time', async () => {
    const s = await startTestServer({
      trustedProxies: ['127.0.0.1'],
      ingest: {
        bodyTimeoutSeconds: 1,
        maxInFlightPerClient: 3,
        maxBodyMemoryBytes: 1024 * 1024,
        maxBodyBytes: 256 * 1024,
      },
    });
    try {
      const base = await s.cc.listen();
      const port = Number(new URL(base).port);
      const mine = [1, 2, 3].map(() => stall(port, '198.51.100.7', 1000));
      await new Promise((r) => setTimeout(r, 100));
      // A fourth from the same client is refused at once; another client is not held up.
      const fourth = await send(base, '198.51.100.7');
      expect(fourth.status).toBe(429);
      expect(fourth.body).toContain('in flight');
      expect((await send(base, '198.51.100.8')).status).toBe(200);
      // Strangers each stalling a large body: the node holds 1 MiB of them (3 × 1000 B are held already), so
      // three fit and a fourth is refused before its body is read.
      const large = [1, 2, 3].map((i) => stall(port, `203.0.113.${i}`, 256 * 1024));
      await new Promise((r) => setTimeout(r, 100));
      const refused = stall(port, '203.0.113.4', 256 * 1024);
      await new Promise((r) => setTimeout(r, 200));
      expect(refused.answer()).toMatch(/^HTTP\/1\.1 503/);
      expect(refused.answer()).toContain('ingest_overloaded');
      refused.socket.destroy();
      // A small beacon still fits beside them.
      expect((await send(base, '198.51.100.9')).status).toBe(200);
      // After the body timeout every stalled connection is closed and every reservation returned.
      await Promise.all([...mine, ...large].map((x) => x.closed));
      expect((await send(base, '198.51.100.7')).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(
        /ingest_requests_refused_total\{[^}]*coursecast_error_code="body_timeout"[^}]*\} 6/,
      );
      // Nothing acknowledged was lost along the way.
      const stored = await s.cc.pipeline.store.db.all(
        `SELECT count(*)::INTEGER AS n FROM events WHERE starts_with(view_id, 'b-')`,
      );
      expect(stored).toEqual([{ n: 3 }]);
    } finally {
      await s.close();
    }
  });
});

describe('a 16 MiB request while a player streams', () => {
  it('is decoded off the event loop and stored whole, and every segment request of the player is answered', async () => {
    const s = await startTestServer({}, { startQueue: false });
    try {
      const p = await publishItem(
        s.cc,
        Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => [`360p/seg_0000${i}.m4s`, patternBytes(200_000, i)]),
        ),
      );
      const now = BigInt(Date.now()) * 1_000_000n;
      const spans = Array.from({ length: 4000 }, (_, i) => ({
        traceId: Buffer.from('cd'.repeat(16), 'hex'),
        spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
        name: 'big.span',
        kind: 1,
        startTimeUnixNano: String(now),
        endTimeUnixNano: String(now + 1_000_000n),
        attributes: [{ key: 'note', value: { stringValue: `${i}`.padEnd(4000, 'x') } }],
      }));
      const body = gzipSync(
        protobufRequest('traces', {
          resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }],
        }),
      );
      expect(gunzipSync(body).length).toBeGreaterThan(16_000_000);
      const [big, ...segments] = await Promise.all([
        s.cc.app.inject({
          method: 'POST',
          url: '/v1/traces',
          payload: body,
          headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        }),
        ...Array.from({ length: 24 }, (_, i) =>
          s.cc.app.inject({ url: p.mediaPath(`360p/seg_0000${i % 8}.m4s`) }),
        ),
      ]);
      expect(big!.statusCode, big!.body).toBe(200);
      expect(segments.map((r) => r.statusCode)).toEqual(segments.map(() => 200));
      const stored = await s.cc.pipeline.store.db.all(
        `SELECT count(*)::INTEGER AS n FROM spans WHERE name = 'big.span'`,
      );
      expect(stored).toEqual([{ n: 4000 }]);
    } finally {
      await s.close();
    }
  });
});

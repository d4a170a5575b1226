// What strangers post to the public OTLP receivers can never change what the server panels say about the
// server, nor escape the bounds every record keeps. Each test checks the answer AND that nothing stored was lost.
import {
  ATTR_HLS_END_REASON,
  CDN_CACHE_STATUSES,
  HLS_SESSION_END_REASONS,
  METRIC_CDN_ORIGIN_FETCH_DURATION,
  METRIC_CDN_REQUESTS,
  METRIC_HLS_SESSIONS_ACTIVE,
  SPAN_HLS_SESSION,
  TELEMETRY_ORIGINS,
} from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  histogramPoint,
  jsonBody,
  numberPoint,
  otlpMetrics,
  otlpSpans,
} from '../../test-support/otlp-json.js';
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
  it('refuses over-long names and points the store has no form for, naming each, and stores the rest', async () => {
    const spans = await post(
      '/v1/traces',
      otlpSpans([
        { name: 'n'.repeat(300), startMs: NOW },
        { name: 'names.ok', startMs: NOW },
      ]),
    );
    expect(spans.statusCode, spans.body).toBe(200);
    expect(spans.json<{ partialSuccess: { errorMessage: string } }>().partialSuccess.errorMessage).toContain(
      '1 name_too_long',
    );
    const summary = {
      name: 'names.summary',
      summary: { dataPoints: [{ count: '1', sum: 1, timeUnixNano: String(BigInt(NOW) * 1_000_000n) }] },
    };
    const gauge = { name: 'names.level', gauge: { dataPoints: [numberPoint(3, NOW, NOW - 1000)] } };
    const points = await post('/v1/metrics', otlpMetrics([summary, gauge]));
    expect(points.statusCode, points.body).toBe(200);
    expect(points.json<{ partialSuccess: { errorMessage: string } }>().partialSuccess.errorMessage).toContain(
      '1 unsupported_point',
    );
    const stored = await t.cc.pipeline.store.db.all(
      `SELECT name FROM spans WHERE starts_with(name, 'n') UNION ALL
       SELECT name FROM metric_points WHERE starts_with(name, 'names.') ORDER BY 1`,
    );
    expect(stored).toEqual([{ name: 'names.level' }, { name: 'names.ok' }]);
  });

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

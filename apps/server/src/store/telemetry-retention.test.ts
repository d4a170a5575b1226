import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventRow } from '../../test-support/event-row.fixture.js';
import { enforceRetention } from './telemetry-retention.js';
import { openTelemetryStore, type TelemetryStore } from './telemetry-store.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21);
let store: TelemetryStore;
beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
});
afterAll(() => store.close());

it('deletes telemetry older than the retention age by receive time, and keeps the rest', async () => {
  const event = (receivedAt: number, time: number, seq: number) =>
    eventRow({ time, receivedAt, name: 'content.view_start', viewId: 'v', seq });
  // The second event claims an old time but arrived recently: a client's clock does not decide.
  await store.events.commit([
    event(NOW - 40 * DAY, NOW - 40 * DAY, 0),
    event(NOW - DAY, NOW - 40 * DAY, 1),
    event(NOW, NOW, 2),
  ]);
  // Sender times say nothing: a point claiming ten years ahead that arrived 31 days ago goes, one claiming ten
  // years back that arrived yesterday stays.
  const point = (time: number, receivedAt: number) => ({
    time,
    origin: 'received' as const,
    receivedAt,
    startTime: null,
    service: 's',
    name: 'm',
    kind: 'sum' as const,
    unit: null,
    attrs: {},
    value: 1,
    count: null,
    sum: null,
    min: null,
    max: null,
    bounds: null,
    buckets: null,
  });
  await store.points.commit([point(NOW + 3650 * DAY, NOW - 31 * DAY), point(NOW - 3650 * DAY, NOW - DAY)]);
  const span = (id: string, start: number, receivedAt: number) => ({
    traceId: 't'.repeat(32),
    spanId: id,
    parentSpanId: null,
    name: 'x',
    kind: 'client',
    service: 's',
    startTime: start,
    endTime: start + 1,
    durationMs: 1,
    status: 'unset',
    statusMessage: null,
    attrs: {},
    events: [],
    origin: 'received' as const,
    receivedAt,
  });
  await store.spans.commit([span('a', NOW + 3650 * DAY, NOW - 31 * DAY), span('b', NOW - 3650 * DAY, NOW)]);
  const result = await enforceRetention(store.db, 30 * DAY, NOW);
  expect(result).toEqual({ events: 1, spans: 1, metric_points: 1, views: 0 });
  const left = await store.db.all('SELECT seq FROM events ORDER BY seq');
  expect(left.map((r) => r['seq'])).toEqual([1, 2]);
  const spans = await store.db.all('SELECT span_id FROM spans');
  expect(spans.map((r) => r['span_id'])).toEqual(['b']);
  const points = await store.db.all('SELECT year(time) AS y FROM metric_points');
  expect(points.map((r) => Number(r['y']))).toEqual([new Date(NOW).getUTCFullYear() - 10]);
});

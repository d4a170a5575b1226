import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openTelemetryStore, telemetryDbPath } from './telemetry-store.js';
import type { EventRow } from './telemetry-rows.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cc-telemetry-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (seq: number): EventRow => ({
  time: Date.UTC(2026, 10, 21, 12, 0, 0, seq),
  receivedAt: Date.UTC(2026, 10, 21, 12, 0, 1),
  name: 'content.video_startup',
  source: 'otlp',
  viewId: 'view-1',
  seq,
  viewerId: null,
  sessionId: 'ses',
  courseId: 'crs_1',
  itemId: 'itm_1',
  traceId: null,
  spanId: null,
  browser: 'chrome',
  browserMajor: '156',
  os: 'linux',
  device: 'desktop',
  codec: 'h264',
  container: 'mov',
  plan: 'vod',
  service: null,
  durationMs: 412.5,
  watchMs: null,
  playingMs: null,
  label: null,
  fatal: null,
  attrs: { 'content.startup.duration_ms': 412.5, note: 'quote " and unicode é' },
});

it('commits events, spans and metric points, and keeps them across a reopen', async () => {
  const file = telemetryDbPath(dir);
  const store = await openTelemetryStore(file);
  await store.events.commit([event(0), event(1)]);
  await store.spans.commit([
    {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: null,
      name: 'hls.session',
      kind: 'internal',
      service: 'coursecast',
      startTime: 1000,
      endTime: 3500,
      durationMs: 2500,
      status: 'ok',
      statusMessage: null,
      attrs: { 'hls.plan.mode': 'remux' },
      events: [{ name: 'hls.first_segment', time: 1200, attrs: { 'hls.segment.index': 0 } }],
      origin: 'server',
      receivedAt: 3600,
    },
  ]);
  await store.points.commit([
    {
      time: 10_000,
      startTime: 0,
      service: 'coursecast',
      name: 'hls.segment.wait.duration',
      kind: 'histogram',
      unit: 's',
      attrs: { 'hls.plan.mode': 'remux' },
      value: null,
      count: 3,
      sum: 1.5,
      min: 0.1,
      max: 1,
      bounds: [0.1, 1],
      origin: 'server',
      receivedAt: 10_050,
      buckets: [1, 2, 0],
    },
  ]);
  await store.close();

  const again = await openTelemetryStore(file);
  const rows = await again.db.all(
    `SELECT seq, epoch_ms(time) AS t, json_extract(attrs, '$."content.startup.duration_ms"')::DOUBLE AS ms,
            attrs::JSON->>'note' AS note FROM events ORDER BY seq`,
  );
  expect(rows.map((r) => [r['seq'], Number(r['t']), r['ms'], r['note']])).toEqual([
    [0, Date.UTC(2026, 10, 21, 12, 0, 0, 0), 412.5, 'quote " and unicode é'],
    [1, Date.UTC(2026, 10, 21, 12, 0, 0, 1), 412.5, 'quote " and unicode é'],
  ]);
  const spans = await again.db.all(`SELECT name, duration_ms, events::JSON->0->>'name' AS ev FROM spans`);
  expect(spans).toEqual([{ name: 'hls.session', duration_ms: 2500, ev: 'hls.first_segment' }]);
  const points = await again.db.all(`SELECT count, bounds, buckets FROM metric_points`);
  expect(Number(points[0]!['count'])).toBe(3);
  expect(String(points[0]!['buckets'])).toContain('2');
  await again.close();
});

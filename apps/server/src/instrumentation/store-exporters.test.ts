import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishItem } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

it("puts the server's own spans and metrics into the telemetry store", async () => {
  const item = await publishItem(t.cc, { 'seg_0.m4s': Buffer.alloc(2048, 7) });
  for (let i = 0; i < 3; i++) {
    const res = await t.cc.app.inject({ method: 'GET', url: item.mediaPath('seg_0.m4s') });
    expect(res.statusCode).toBe(200);
  }
  await t.cc.instrumentation.forceFlush();
  const db = t.cc.pipeline.store.db;
  const spans = await db.all(
    `SELECT name, service, json_extract_string(attrs, '$."cdn.cache_status"') AS cache FROM spans
     WHERE name = 'content.serve_request' ORDER BY start_time`,
  );
  expect(spans.length).toBeGreaterThanOrEqual(3);
  expect(spans[0]).toMatchObject({ service: 'coursecast' });
  expect(spans.map((s) => s['cache'])).toContain('MISS');
  const points = await db.all(
    `SELECT name, kind, sum(coalesce(value, count))::DOUBLE AS n FROM metric_points
     WHERE name = 'cdn.requests' GROUP BY name, kind`,
  );
  // Deltas: the three requests add up to three, whatever the number of export intervals.
  expect(points).toEqual([{ name: 'cdn.requests', kind: 'sum', n: 3 }]);
});

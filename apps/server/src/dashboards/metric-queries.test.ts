import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MetricPointRow } from '../store/telemetry-rows.js';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.js';
import { resolveQuery } from './dashboard-query.js';
import { histogramPanel } from './metric-queries.js';

let store: TelemetryStore;
beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
});
afterAll(() => store.close());

const T = Date.UTC(2026, 10, 21, 12);
const point = (time: number, buckets: number[]): MetricPointRow => ({
  time,
  startTime: time - 10_000,
  service: 'coursecast',
  name: 'hls.segment.wait.duration',
  kind: 'histogram',
  unit: 's',
  attrs: { 'hls.plan.mode': 'remux' },
  value: null,
  count: buckets.reduce((a, b) => a + b, 0),
  sum: 1,
  min: 0,
  max: 0.2,
  // A first bound of 0: stored and queried as doubles, not guessed as integers from the first item.
  bounds: [0, 0.05, 0.1],
  buckets,
  origin: 'server',
  receivedAt: time,
});

it('stores and merges histograms whose bounds start at a whole number', async () => {
  await store.points.commit([point(T, [1, 2, 0, 1]), point(T + 10_000, [0, 1, 3, 0])]);
  const q = resolveQuery({ from: T - 60_000, to: T + 60_000, bucket: 60 }, T);
  if (typeof q === 'string') throw new Error(q);
  const { summary, series } = await histogramPanel(store.db, q, 'hls.segment.wait.duration', [
    'hls.plan.mode',
  ]);
  expect(summary.count).toBe(8);
  expect(series.reduce((n, s) => n + s.count, 0)).toBe(8);
  // Merged counts [1, 3, 3, 1]: the 4th of 8 observations closes the (0, 0.05] bucket.
  expect(summary.p50).toBeCloseTo(0.05);
  expect(summary.p95).toBeGreaterThan(0.1);
  const remuxOnly = resolveQuery({ from: T - 60_000, to: T + 60_000, plan: 'transcode' }, T);
  if (typeof remuxOnly === 'string') throw new Error(remuxOnly);
  expect(
    (await histogramPanel(store.db, remuxOnly, 'hls.segment.wait.duration', ['hls.plan.mode'])).summary.count,
  ).toBe(0);
});

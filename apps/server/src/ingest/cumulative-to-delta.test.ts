import { expect, it } from 'vitest';
import { createCumulativeToDelta } from './cumulative-to-delta.js';
import type { ReceivedPoint } from './otlp/point-mapping.js';

const STARTED = 1_000_000;
const sum = (value: number, time: number, startTime: number, stream = 's'): ReceivedPoint => ({
  stream,
  temporality: 'cumulative',
  scale: null,
  time,
  startTime,
  service: 'svc',
  name: 'm',
  kind: 'sum',
  unit: null,
  attrs: {},
  value,
  count: null,
  sum: null,
  min: null,
  max: null,
  bounds: null,
  buckets: null,
});

it('keeps the first point of a series older than the server as its reference, then stores the increases', () => {
  const c = createCumulativeToDelta({ maxStreams: 10, startedAt: STARTED });
  expect(c.delta(sum(100, STARTED + 10, STARTED - 5000))).toBeNull();
  expect(c.delta(sum(130, STARTED + 20, STARTED - 5000))).toMatchObject({
    value: 30,
    startTime: STARTED + 10,
  });
  // Nothing moved: nothing to store.
  expect(c.delta(sum(130, STARTED + 30, STARTED - 5000))).toBeNull();
});

it('counts a series that began after the server from zero, and starts again at a reset', () => {
  const c = createCumulativeToDelta({ maxStreams: 10, startedAt: STARTED });
  expect(c.delta(sum(7, STARTED + 10, STARTED + 1))).toMatchObject({ value: 7 });
  // The sender restarted (a new start time, a lower value): the point is all new.
  expect(c.delta(sum(2, STARTED + 20, STARTED + 15))).toMatchObject({ value: 2, startTime: STARTED + 15 });
  expect(c.delta(sum(1, STARTED + 30, STARTED + 15))).toMatchObject({ value: 1 });
});

it('turns cumulative histograms into bucket-wise deltas; min and max, which cover the whole life, are unknown', () => {
  const c = createCumulativeToDelta({ maxStreams: 10, startedAt: STARTED });
  const h = (counts: number[], s: number, time: number): ReceivedPoint => ({
    ...sum(0, time, STARTED + 1, 'h'),
    kind: 'histogram',
    value: null,
    count: counts.reduce((a, b) => a + b, 0),
    sum: s,
    min: 0.1,
    max: 9,
    bounds: [1, 5],
    buckets: counts,
  });
  c.delta(h([1, 2, 0], 6, STARTED + 10));
  expect(c.delta(h([1, 5, 1], 20, STARTED + 20))).toMatchObject({
    count: 4,
    sum: 14,
    buckets: [0, 3, 1],
    min: null,
    max: null,
  });
});

it('forgets the least recently seen series beyond its bound', () => {
  const c = createCumulativeToDelta({ maxStreams: 1, startedAt: STARTED });
  c.delta(sum(5, STARTED + 10, STARTED - 1, 'a'));
  c.delta(sum(5, STARTED + 10, STARTED - 1, 'b'));
  // 'a' was forgotten: its next point is a reference again, never a delta against a guess.
  expect(c.delta(sum(9, STARTED + 20, STARTED - 1, 'a'))).toBeNull();
});

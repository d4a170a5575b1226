import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.js';
import { createInstrumentRegistry } from './instrument-registry.js';
import type { ReceivedPoint } from './otlp/point-mapping.js';

let store: TelemetryStore;
beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
});
afterAll(() => store.close());

const point = (name: string, bounds: number[] | null = null, unit: string | null = 's'): ReceivedPoint => ({
  stream: name,
  temporality: 'delta',
  scale: null,
  time: 1,
  startTime: 0,
  service: 'svc',
  name,
  kind: bounds ? 'histogram' : 'sum',
  unit,
  attrs: {},
  value: bounds ? null : 1,
  count: bounds ? 1 : null,
  sum: null,
  min: null,
  max: null,
  bounds,
  buckets: bounds ? bounds.map(() => 0).concat(1) : null,
});

it('fixes an instrument at its first point, bounds their number, and remembers them across a reload', async () => {
  const registry = createInstrumentRegistry({ db: store.db, maxInstruments: 2 });
  await registry.load();
  expect(registry.check(point('a.latency', [1, 5]))).toBeNull();
  expect(registry.check(point('a.count'))).toBeNull();
  expect(registry.check(point('a.latency', [1, 5]))).toBeNull();
  expect(registry.check(point('a.latency', [100]))).toMatchObject({ reason: 'instrument_mismatch' });
  expect(registry.check(point('a.count', null, 'ms'))).toMatchObject({ reason: 'instrument_mismatch' });
  expect(registry.check(point('a.third'))).toMatchObject({ reason: 'too_many_instruments' });
  await registry.persist();
  const again = createInstrumentRegistry({ db: store.db, maxInstruments: 2 });
  await again.load();
  expect(again.size()).toBe(2);
  expect(again.check(point('a.latency', [100]))).toMatchObject({ reason: 'instrument_mismatch' });
});

import type { Meter } from '@opentelemetry/api';
import {
  ATTR_LOG_DROP_REASON,
  ATTR_STORE_NAME,
  METRIC_LOG_DROPPED,
  METRIC_STORE_AVAILABLE,
} from '@coursecast/semconv';
import type { StoreHealthSource } from '../store/store-health.js';
import { createObservableCounter, createObservableGauge } from './instruments.js';
import type { LogDrops } from './log-destination.js';

/** What the process's resilience metrics read, at collection time only. */
export interface RuntimeInstrumentsDeps {
  /** The log destination's drop totals; null when the server does not log through one (tests, `logger: false`). */
  logDrops: (() => LogDrops) | null;
  /** Stores by their `coursecast.store.name` (STORE_NAMES). */
  stores: readonly { name: string; store: Pick<StoreHealthSource, 'health'> }[];
}

/**
 * `coursecast.log.dropped` (every reason, zeros included, so a rate works from the first scrape) and
 * `coursecast.store.available`. Nothing is recorded on a hot path: both are read when metrics are collected.
 */
export function createRuntimeInstruments(meter: Meter, d: RuntimeInstrumentsDeps): void {
  const logDrops = d.logDrops;
  if (logDrops) {
    createObservableCounter(meter, METRIC_LOG_DROPPED).addCallback((result) => {
      for (const [reason, n] of Object.entries(logDrops()))
        result.observe(n, { [ATTR_LOG_DROP_REASON]: reason });
    });
  }
  // A standalone edge has no store: no series rather than an empty one.
  if (d.stores.length === 0) return;
  createObservableGauge(meter, METRIC_STORE_AVAILABLE).addCallback((result) => {
    for (const { name, store } of d.stores) {
      result.observe(store.health().state === 'open' ? 1 : 0, { [ATTR_STORE_NAME]: name });
    }
  });
}

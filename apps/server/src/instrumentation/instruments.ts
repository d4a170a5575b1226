import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import { INSTRUMENTS, type MetricDefinition } from '@coursecast/semconv';

/** Creates a histogram from its semconv definition, with the definition's bucket boundaries. */
export function createHistogram(meter: Meter, def: MetricDefinition): Histogram {
  assertKind(def, INSTRUMENTS.histogram);
  return meter.createHistogram(def.name, {
    unit: def.unit,
    description: def.description,
    ...(def.buckets ? { advice: { explicitBucketBoundaries: [...def.buckets] } } : {}),
  });
}

/** Creates a counter from its semconv definition. */
export function createCounter(meter: Meter, def: MetricDefinition): Counter {
  assertKind(def, INSTRUMENTS.counter);
  return meter.createCounter(def.name, { unit: def.unit, description: def.description });
}

/** Creates an observable gauge from its semconv definition. */
export function createObservableGauge(meter: Meter, def: MetricDefinition): ObservableGauge {
  assertKind(def, INSTRUMENTS.observableGauge);
  return meter.createObservableGauge(def.name, { unit: def.unit, description: def.description });
}

/**
 * Creates an observable counter from a counter definition: for totals kept elsewhere (a log destination's
 * drops), read at collection time; the exported values are the same monotonic sums.
 */
export function createObservableCounter(meter: Meter, def: MetricDefinition): ObservableCounter {
  assertKind(def, INSTRUMENTS.counter);
  return meter.createObservableCounter(def.name, { unit: def.unit, description: def.description });
}

function assertKind(def: MetricDefinition, kind: string): void {
  if (def.instrument !== kind) throw new Error(`${def.name} is a ${def.instrument}, not a ${kind}`);
}

/**
 * A counter for hot paths: adds go into a local map (one lookup, no attribute hashing) and the SDK
 * reads the cumulative totals at collection time through an observable counter. Exported values are
 * the same monotonic sums a synchronous counter would give.
 */
export interface FastCounter {
  add(value: number, key: string, attributes: Attributes): void;
}

/** Creates a FastCounter from a counter definition. */
export function createFastCounter(meter: Meter, def: MetricDefinition): FastCounter {
  assertKind(def, INSTRUMENTS.counter);
  const totals = new Map<string, { attributes: Attributes; value: number }>();
  meter
    .createObservableCounter(def.name, { unit: def.unit, description: def.description })
    .addCallback((result) => {
      for (const t of totals.values()) result.observe(t.value, t.attributes);
    });
  return {
    add(value, key, attributes) {
      const t = totals.get(key);
      if (t) t.value += value;
      else totals.set(key, { attributes, value });
    },
  };
}

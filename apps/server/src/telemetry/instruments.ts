import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
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

function assertKind(def: MetricDefinition, kind: string): void {
  if (def.instrument !== kind) throw new Error(`${def.name} is a ${def.instrument}, not a ${kind}`);
}

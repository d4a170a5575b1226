/** Instrument kinds, as OTel names them. */
export const INSTRUMENTS = {
  histogram: 'histogram',
  counter: 'counter',
  upDownCounter: 'updowncounter',
  gauge: 'gauge',
  observableGauge: 'observable_gauge',
} as const;
type Instrument = (typeof INSTRUMENTS)[keyof typeof INSTRUMENTS];

/** Everything needed to create an instrument and to document it. */
export interface MetricDefinition {
  readonly name: string;
  readonly instrument: Instrument;
  readonly unit: string;
  readonly description: string;
  /** The only attribute keys this metric may carry (all bounded). */
  readonly attributes: readonly string[];
  /** Explicit histogram bucket boundaries, when the default ones do not fit the unit. */
  readonly buckets?: readonly number[];
}

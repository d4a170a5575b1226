import type { DuckDbDatabase } from '../store/duckdb-database.js';
import type { MetricPointRecord } from '../store/telemetry-rows.js';
import { createCumulativeToDelta } from './cumulative-to-delta.js';
import { createInstrumentRegistry, type InstrumentRegistry } from './instrument-registry.js';
import type { ReceivedPoint } from './otlp/point-mapping.js';
import { addRejection, type Rejections } from './record-limits.js';

/** Received metric points on their way to the store: instrument checks, then deltas of cumulative series. */
export interface ReceivedMetrics {
  /** Reads the instruments the store knows; call once the store is open, and after retention. */
  load(): Promise<void>;
  /** The points to store; the refused are added to `rejections`. */
  admit(points: readonly ReceivedPoint[], rejections: Rejections): Promise<MetricPointRecord[]>;
  readonly instruments: Pick<InstrumentRegistry, 'size'>;
}

/** Creates the stage over the telemetry database (where the instruments are kept). */
export function createReceivedMetrics(d: {
  db: DuckDbDatabase;
  maxInstruments: number;
  maxStreams: number;
  startedAt: number;
}): ReceivedMetrics {
  const registry = createInstrumentRegistry({ db: d.db, maxInstruments: d.maxInstruments });
  const deltas = createCumulativeToDelta({ maxStreams: d.maxStreams, startedAt: d.startedAt });
  return {
    load: () => registry.load(),
    async admit(points, rejections) {
      const out: MetricPointRecord[] = [];
      for (const p of points) {
        const v = registry.check(p);
        if (v) {
          addRejection(rejections, v);
          continue;
        }
        const stored = deltas.delta(p);
        if (stored) out.push(stored);
      }
      await registry.persist();
      return out;
    },
    instruments: registry,
  };
}

import { INGEST_REJECT_REASONS } from '@coursecast/semconv';
import { listValue } from '@duckdb/node-api';
import type { DuckDbDatabase } from '../store/duckdb-database.js';
import { POINT_KINDS } from '../store/telemetry-rows.js';
import type { ReceivedPoint } from './otlp/point-mapping.js';
import type { Violation } from './record-limits.js';

/** A received instrument as first seen: later points must agree with it. */
interface Instrument {
  kind: string;
  unit: string | null;
  bounds: number[] | null;
}

/** The received metric instruments the node keeps, each with the kind, unit and layout of its first point. */
export interface InstrumentRegistry {
  /** Reads the instruments the store knows (at start, and after retention forgets some). */
  load(): Promise<void>;
  /** Why a point cannot be stored under its instrument, or null (a new instrument is registered). */
  check(p: ReceivedPoint): Violation | null;
  /** Writes the instruments registered since the last call, before their points are stored. */
  persist(): Promise<void>;
  /** Instruments known. */
  size(): number;
}

const key = (service: string, name: string): string => `${service}\u0000${name}`;

function listNumbers(v: unknown): number[] | null {
  if (v === null || v === undefined) return null;
  const items = (v as { items?: unknown[] }).items ?? (Array.isArray(v) ? v : []);
  return items.map(Number);
}

const sameBounds = (a: number[] | null, b: number[] | null): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

/**
 * Creates the registry over the store's `metric_instruments` table. The first point of an instrument fixes
 * its layout: a later point with other bucket bounds (or another kind or unit) is refused, so no sender can
 * replace the layout a panel or query merges by. Bounded: beyond `maxInstruments` new names are refused.
 */
export function createInstrumentRegistry(d: {
  db: DuckDbDatabase;
  maxInstruments: number;
}): InstrumentRegistry {
  let known = new Map<string, Instrument>();
  const fresh: { service: string; name: string; at: number; i: Instrument }[] = [];
  let writing: Promise<void> = Promise.resolve();
  return {
    async load() {
      const rows = await d.db.all('SELECT service, name, kind, unit, bounds FROM metric_instruments');
      const next = new Map<string, Instrument>();
      for (const r of rows) {
        next.set(key(String(r['service']), String(r['name'])), {
          kind: String(r['kind']),
          unit: r['unit'] === null ? null : String(r['unit']),
          bounds: listNumbers(r['bounds']),
        });
      }
      for (const f of fresh) next.set(key(f.service, f.name), f.i);
      known = next;
    },
    check(p) {
      const k = key(p.service, p.name);
      const had = known.get(k);
      // An exponential histogram's layout follows its data (scale, offset): only its kind and unit are fixed.
      const bounds = p.kind === POINT_KINDS.histogram ? p.bounds : null;
      if (!had) {
        if (known.size >= d.maxInstruments) {
          return {
            reason: INGEST_REJECT_REASONS.tooManyInstruments,
            message: `${p.name}: the node keeps ${d.maxInstruments} received instruments and has no room for more`,
          };
        }
        const i = { kind: p.kind, unit: p.unit, bounds };
        known.set(k, i);
        fresh.push({ service: p.service, name: p.name, at: Date.now(), i });
        return null;
      }
      if (had.kind !== p.kind || had.unit !== p.unit || !sameBounds(had.bounds, bounds)) {
        const what =
          had.kind !== p.kind ? `kind ${p.kind}` : had.unit !== p.unit ? `unit ${p.unit}` : 'bucket bounds';
        return {
          reason: INGEST_REJECT_REASONS.instrumentMismatch,
          message: `${p.name}: ${what} differ from the instrument's first point (${had.kind}, ${had.unit ?? 'no unit'})`,
        };
      }
      return null;
    },
    persist() {
      // One writer at a time: two batches persisting at once must not take the same entry off twice.
      const run = writing.then(write, write);
      writing = run.catch(() => undefined);
      return run;
    },
    size: () => known.size,
  };

  async function write(): Promise<void> {
    while (fresh.length > 0) {
      const f = fresh[0]!;
      // As text, cast in SQL: a number list would take its element type from its first item.
      await d.db.all(
        `INSERT INTO metric_instruments
           VALUES ($1, $2, $3, $4, $5::VARCHAR[]::DOUBLE[], make_timestamp($6::BIGINT * 1000))
           ON CONFLICT DO NOTHING`,
        [
          f.service,
          f.name,
          f.i.kind,
          f.i.unit,
          f.i.bounds ? listValue(f.i.bounds.map(String)) : null,
          Math.round(f.at),
        ],
      );
      // Taken off only once written: a store that fails keeps it for the next batch to write.
      fresh.shift();
    }
  }
}

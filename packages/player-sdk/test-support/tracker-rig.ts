import { createGuard } from '../src/guard.js';
import type { SdkEvent, SdkSpan, Urgency } from '../src/sdk-types.js';
import { createViewTracker, type PlayerProbe } from '../src/view-tracker.js';

export const EPOCH = 1_700_000_000_000;

/** A real view tracker on the given clock, collecting what it sends; ids are counters. */
export function trackerRig(now: () => number, probe: Partial<PlayerProbe> = {}) {
  let n = 0;
  const events: SdkEvent[] = [];
  const urgencies: Urgency[] = [];
  const spans: SdkSpan[] = [];
  const tracker = createViewTracker({
    clock: { now, epochMs: (t) => EPOCH + t },
    probe: { position: () => undefined, quality: () => undefined, ...probe },
    base: () => ({ 'content.item_id': 'itm_1' }),
    send: (e, u) => {
      events.push(e);
      urgencies.push(u);
    },
    span: (s) => spans.push(s),
    newId: (bytes) => String(++n).padStart(bytes * 2, '0'),
  });
  return {
    tracker,
    events,
    urgencies,
    spans,
    names: () => events.map((e) => e.name),
    named: (name: string) => events.filter((e) => e.name === name),
  };
}

/** A real guard; `first` lists the places it caught errors in (createGuard reports each place once). */
export function guardRig() {
  const first: string[] = [];
  const guard = createGuard((where) => first.push(where));
  return { guard, first };
}

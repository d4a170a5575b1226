// The peer's rows: the bench batch mapped once by the server's own mapper (outside the timed loop), so the
// raw appender writes exactly what the pipeline would.
import { type EventRow, mapEventRecord } from '@coursecast/server/parts';
import type { TestEvent } from '../../apps/server/test-support/otlp-json.js';

/** The batch's events as stored rows. */
export function rawRows(events: readonly TestEvent[]): EventRow[] {
  const ctx = {
    receivedAt: Date.now(),
    source: 'otlp',
    service: 'player',
    ua: { browser: 'chrome', browserMajor: '156', os: 'linux', device: 'desktop' },
  } as const;
  const limits = {
    maxAttributes: 128,
    maxAttributeLength: 4096,
    maxFutureMs: 300_000,
    maxPastMs: 86_400_000,
    maxSpanEvents: 128,
    maxNameLength: 256,
    storeUnknownEvents: false,
  };
  return events.map((e) => {
    const m = mapEventRecord(
      { timeMs: e.timeMs, eventName: e.name, attributes: e.attrs, traceId: null, spanId: null },
      ctx,
      limits,
    );
    if (!m.ok) throw new Error(`bench event rejected: ${m.message}`);
    return m.row;
  });
}

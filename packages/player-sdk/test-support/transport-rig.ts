// The transport under test with a scripted fetch, and the events and spans the transport tests send.
import { vi } from 'vitest';
import { createBeaconTransport, type BeaconTransportOptions } from '../src/beacon-transport.js';
import { SPAN_KINDS, type SdkEvent, type SdkSpan } from '../src/sdk-types.js';
import { fakeFetch, globalTimers, type FakeRequest, type Scripted } from './fake-fetch.js';

export const LOGS = 'https://learn.example/v1/logs';
export const TRACES = 'https://learn.example/v1/traces';

/** Event number n of one view. */
export const ev = (n: number, extra: Record<string, string> = {}): SdkEvent => ({
  name: `e${n}`,
  timeMs: 1_700_000_000_000 + n,
  attributes: { 'content.view.id': 'v', 'content.view.seq': n, ...extra },
});
/** Span number n. */
export const sp = (n: number): SdkSpan => ({
  traceId: 'ab'.repeat(16),
  spanId: (n + 1).toString(16).padStart(16, '0'),
  name: `s${n}`,
  kind: SPAN_KINDS.client,
  startMs: 1_700_000_000_000,
  endMs: 1_700_000_000_010,
  attributes: {},
});
/** `e<from>`..`e<to - 1>`. */
export const names = (from: number, to: number, prefix = 'e') =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** A transport on the fake fetch and the global (fakeable) timers; timer-driven unless `flushAt` is given. */
export function setup(
  script?: (req: FakeRequest, i: number) => Scripted,
  over: Partial<BeaconTransportOptions> = {},
) {
  const http = fakeFetch(script);
  const onError = vi.fn();
  const transport = createBeaconTransport({
    logsUrl: LOGS,
    tracesUrl: TRACES,
    resource: { 'service.name': 'player' },
    scope: { name: '@coursecast/player-sdk', version: '0.1.0' },
    fetch: http.fetch,
    timers: globalTimers,
    random: () => 0.5,
    onError,
    // Timer-driven unless a test is about the size trigger.
    flushAt: 100_000,
    ...over,
  });
  return { transport, calls: http.calls, onError };
}

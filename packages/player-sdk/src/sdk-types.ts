/** Attribute values the SDK sends (OTLP AnyValue scalars). */
export type AttrValue = string | number | boolean;
export type Attrs = Record<string, AttrValue>;

/** One event, sent as an OTLP log record whose `event.name` is `name`. */
export interface SdkEvent {
  name: string;
  /** Event time, epoch ms (fractional). */
  timeMs: number;
  attributes: Attrs;
  /** The trace and span the event belongs to (a request event: its request span). */
  traceId?: string;
  spanId?: string;
}

/** OTLP span kinds the SDK uses. */
export const SPAN_KINDS = { internal: 1, client: 3 } as const;
/** OTLP status codes. */
export const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;

/** One finished span (a request the player made, or the view), sent to `/v1/traces`. */
export interface SdkSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: (typeof SPAN_KINDS)[keyof typeof SPAN_KINDS];
  startMs: number;
  endMs: number;
  attributes: Attrs;
  status?: { code: (typeof STATUS_CODES)[keyof typeof STATUS_CODES]; message?: string };
}

/** How urgently an event must leave: `batch` waits for the timer, `now` flushes at once (start/error/end). */
export type Urgency = 'batch' | 'now';

/** Where events and spans go; implemented by beacon-transport.ts. */
export interface Transport {
  event(event: SdkEvent, urgency?: Urgency): void;
  span(span: SdkSpan): void;
  /** Sends what is queued: `unload` uses sendBeacon / fetch(keepalive) and never waits. */
  flush(mode: 'now' | 'unload'): void;
  /** Sends what is queued (as `unload`) and stops the timers. */
  destroy(): void;
  stats(): TransportStats;
}

export interface TransportStats {
  /** Events and spans accepted by the server (2xx). */
  sent: number;
  /** Dropped: queue full, payload refused for good (4xx), or retries exhausted. */
  dropped: number;
  /** Failed attempts that were retried. */
  retried: number;
  /** Waiting in the queue. */
  queued: number;
}

/** A clock: `now()` in ms on the page's monotonic clock, `epochMs(t)` turns it into wall time. */
export interface Clock {
  now: () => number;
  epochMs: (t: number) => number;
}

/** The page clock: performance.now() with performance.timeOrigin, so events order even if the wall clock jumps. */
export function pageClock(): Clock {
  const origin = performance.timeOrigin;
  return { now: () => performance.now(), epochMs: (t) => origin + t };
}

/** Counts and reports errors thrown inside the SDK; a listener wrapped by it never throws into the player. */
export interface Guard {
  wrap<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void;
  /** Runs fn, swallowing (and counting) what it throws. */
  run(where: string, fn: () => void): void;
  count(): number;
}

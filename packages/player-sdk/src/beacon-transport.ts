import { encodeLogs, encodeSpans, type Scope } from './otlp-encode.js';
import type { Attrs, SdkEvent, SdkSpan, Transport, TransportStats, Urgency } from './sdk-types.js';

/** What the transport passes to fetch. */
export interface PostInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  credentials: 'omit';
  keepalive?: boolean;
}

/** The part of fetch the transport uses (window.fetch fits). */
export type FetchLike = (url: string, init: PostInit) => Promise<Answer>;
/** The part of a fetch Response the transport reads. */
export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  /** Read to release the request: a keepalive fetch holds its share of the browser's 64 KB budget until then. */
  arrayBuffer?(): Promise<unknown>;
}

/** Timer functions (window's fit); called unbound. */
export interface Timers {
  setTimeout(this: void, fn: () => void, ms: number): unknown;
  clearTimeout(this: void, handle: unknown): void;
}

export interface BeaconTransportOptions {
  logsUrl: string;
  tracesUrl: string;
  resource: Attrs;
  scope: Scope;
  /** Batch period, ms (default 5000). */
  flushMs?: number;
  /** Events and spans held at most, in flight included (default 1000); beyond it new ones are dropped. */
  maxQueue?: number;
  /** Events or spans per request (default 300). */
  maxBatch?: number;
  /** A queue this long is sent at once, not on the timer (default 20), so an unload has little left to carry. */
  flushAt?: number;
  /** Largest body sent on unload (default 60 000): sendBeacon and keepalive fetch share a 64 KB budget. */
  maxBeaconBytes?: number;
  /** Called unbound, as window.fetch allows. */
  fetch: FetchLike;
  /** Called unbound: pass `(u, d) => navigator.sendBeacon(u, d)`, not the bare method. */
  sendBeacon?: (url: string, data: Blob) => boolean;
  /** Their functions are called unbound, as window's allow. */
  timers: Timers;
  /** 0..1, for the retry jitter. */
  random: () => number;
  /** Told of every failed request and every error caught inside the transport. */
  onError?: (err: unknown) => void;
}

const BASE_MS = 1000;
const CAP_MS = 60_000;
const MAX_ATTEMPTS = 8;
const JSON_TYPE = 'application/json';
// No cookies: the ingest needs none, and a credentialed cross-origin request would need stricter CORS.
const init = (body: string): PostInit => ({
  method: 'POST',
  headers: { 'content-type': JSON_TYPE },
  body,
  credentials: 'omit',
});

/** One signal's queue: its URL, its encoder, and the state of its single request in flight. */
interface Lane<T> {
  url: string;
  encode(items: T[]): string;
  items: T[];
  /** Items in the request in flight (0: none; one request at a time). */
  flying: number;
  timer: unknown;
  /** The timer is a retry's wait, which a `now` flush does not cut short. */
  backoff: boolean;
  /** Failed attempts of the batch at the front. */
  fails: number;
  /** A `now` flush came while a request was in flight: send again as soon as it is answered. */
  urgent: boolean;
}

/** The OTLP/HTTP JSON transport: batches, retries with backoff, beacons on unload; never throws. */
export function createBeaconTransport(o: BeaconTransportOptions): Transport {
  // Unbound on purpose: window.fetch and window.setTimeout throw "Illegal invocation" on another `this`.
  const { fetch: post, sendBeacon, random, onError } = o;
  const { setTimeout: after, clearTimeout: cancel } = o.timers;
  const flushMs = o.flushMs ?? 5000;
  const maxQueue = o.maxQueue ?? 1000;
  const maxBatch = Math.max(1, o.maxBatch ?? 300);
  const maxBytes = o.maxBeaconBytes ?? 60_000;
  const flushAt = Math.max(1, o.flushAt ?? 20);
  const st = { sent: 0, dropped: 0, retried: 0 };
  let dead = false;
  let soon: unknown;
  /** Bytes of keepalive requests in flight. */
  let keptBytes = 0;

  const lane = <T>(url: string, enc: (r: Attrs, s: Scope, items: T[]) => string): Lane<T> => ({
    url,
    encode: (items) => enc(o.resource, o.scope, items),
    items: [],
    flying: 0,
    timer: undefined,
    backoff: false,
    fails: 0,
    urgent: false,
  });
  const logs = lane(o.logsUrl, encodeLogs);
  const spans = lane(o.tracesUrl, encodeSpans);
  const lanes: Lane<unknown>[] = [logs, spans];
  const held = (): number => logs.items.length + logs.flying + spans.items.length + spans.flying;

  const report = (err: unknown): void => {
    try {
      onError?.(err);
    } catch {
      // The page's handler must not break the transport either.
    }
  };
  const safe =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A): void => {
      try {
        fn(...a);
      } catch (e) {
        report(e);
      }
    };
  const drop = (n: number, err: unknown): void => {
    st.dropped += n;
    report(err);
  };

  // Arming keeps a timer already set: a steady stream of events must not push its flush back forever.
  function arm(l: Lane<unknown>, ms: number, backoff = false): void {
    if (l.timer !== undefined) return;
    l.backoff = backoff;
    l.timer = after(
      safe(() => {
        l.timer = undefined;
        l.backoff = false;
        send(l);
      }),
      ms,
    );
  }
  function disarm(l: Lane<unknown>): void {
    if (l.timer !== undefined) cancel(l.timer);
    l.timer = undefined;
    l.backoff = false;
  }

  function add<T>(l: Lane<T>, item: T): void {
    if (dead || held() >= maxQueue) return void st.dropped++;
    l.items.push(item);
    // While a request is in flight, its answer decides when the next one goes.
    if (l.flying) return;
    if (l.items.length >= flushAt && !l.backoff) send(l);
    else arm(l, flushMs);
  }

  function send<T>(l: Lane<T>): void {
    if (l.flying || !l.items.length) return;
    disarm(l);
    l.urgent = false;
    const batch = l.items.splice(0, maxBatch);
    let body: string;
    try {
      body = l.encode(batch);
    } catch (e) {
      // An item that cannot be encoded never will be: retrying cannot help.
      drop(batch.length, e);
      return next(l);
    }
    l.flying = batch.length;
    // keepalive lets a request in flight outlive the page (a plain fetch is cancelled on unload, and its
    // events with it). The browser refuses keepalive bodies beyond 64 KB in flight in all, so the lanes share
    // that budget: a request that would overflow it goes as a plain one.
    const keep = keptBytes + body.length <= maxBytes ? body.length : 0;
    keptBytes += keep;
    const done = (r?: Answer, e?: unknown) => {
      keptBytes -= keep;
      answered(l, batch, r, e);
    };
    try {
      post(l.url, keep ? { ...init(body), keepalive: true } : init(body)).then(
        (r) => done(r),
        (e) => done(undefined, e),
      );
    } catch (e) {
      done(undefined, e);
    }
  }

  function next(l: Lane<unknown>): void {
    if (dead || !l.items.length) return;
    // A backlog of full batches (or a `now` that waited for this answer) goes at once, the rest on the timer.
    if (l.urgent || l.items.length >= Math.min(flushAt, maxBatch)) send(l);
    else arm(l, flushMs);
  }

  function answered<T>(l: Lane<T>, batch: T[], r?: Answer, err?: unknown): void {
    try {
      // Unread, the answer keeps its keepalive budget for a while and the next posts fail (Chromium).
      r?.arrayBuffer?.().catch(() => undefined);
      l.flying = 0;
      const status = r ? r.status : 0;
      if (status >= 200 && status < 300) {
        st.sent += batch.length;
        l.fails = 0;
        return next(l);
      }
      err ??= new Error(`POST ${l.url}: HTTP ${status}`);
      // Network errors (0), timeouts, rate limits and server errors pass; any other refusal is for good.
      const transient = !status || status === 408 || status === 429 || status >= 500;
      if (!transient || ++l.fails >= MAX_ATTEMPTS) {
        l.fails = 0;
        drop(batch.length, err);
        return next(l);
      }
      report(err);
      st.retried++;
      // Back to the front, so the server sees each view's events in order; it de-duplicates re-sends.
      l.items.unshift(...batch);
      if (dead) return unload(l);
      const h = r?.headers.get('retry-after')?.trim();
      const wait =
        h && /^\d+$/.test(h)
          ? Math.min(+h, 3600) * 1000
          : Math.min(CAP_MS, BASE_MS * 2 ** (l.fails - 1) * (0.8 + 0.4 * random()));
      arm(l, wait, true);
    } catch (e) {
      report(e);
    }
  }

  function unload<T>(l: Lane<T>): void {
    disarm(l);
    const items = l.items.splice(0);
    for (let i = 0; i < items.length; i += maxBatch) beacon(l, items.slice(i, i + maxBatch));
  }

  function beacon<T>(l: Lane<T>, chunk: T[]): void {
    let body: string;
    let blob: Blob;
    try {
      body = l.encode(chunk);
      blob = new Blob([body], { type: JSON_TYPE });
    } catch (e) {
      return drop(chunk.length, e);
    }
    if (blob.size > maxBytes) {
      if (chunk.length < 2) return drop(1, new Error(`${blob.size} bytes: too large for a beacon`));
      const half = chunk.length >> 1;
      beacon(l, chunk.slice(0, half));
      return beacon(l, chunk.slice(half));
    }
    // Nobody waits for an unload's answer: what leaves counts as sent.
    st.sent += chunk.length;
    try {
      if (sendBeacon?.(l.url, blob)) return;
    } catch (e) {
      report(e);
    }
    try {
      post(l.url, { ...init(body), keepalive: true }).catch(report);
    } catch (e) {
      report(e);
    }
  }

  const flush = safe((mode: 'now' | 'unload'): void => {
    for (const l of lanes) {
      if (mode === 'unload') unload(l);
      else if (l.flying) l.urgent = true;
      else if (!l.backoff) send(l);
    }
  });

  return {
    event: safe((e: SdkEvent, urgency: Urgency = 'batch') => {
      add(logs, e);
      // Several `now` events in one task (a view's end and its last heartbeat) leave in one request.
      if (urgency === 'now' && !dead && soon === undefined) {
        soon = after(
          safe(() => {
            soon = undefined;
            flush('now');
          }),
          0,
        );
      }
    }),
    span: safe((s: SdkSpan) => add(spans, s)),
    flush,
    destroy: safe(() => {
      if (dead) return;
      flush('unload');
      dead = true;
      if (soon !== undefined) cancel(soon);
      soon = undefined;
      lanes.forEach(disarm);
    }),
    stats: (): TransportStats => ({ ...st, queued: held() }),
  };
}

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

/** What the lanes share: the transport's figures, its error sink, its keepalive bytes in flight and its end. */
interface Shared {
  st: { sent: number; dropped: number; retried: number };
  report: (err: unknown) => void;
  /** Bytes of keepalive requests in flight, both lanes': the browser's 64 KB budget is the page's. */
  kept: number;
  /** The transport is destroyed: what is left, or comes back for a retry, goes by beacon. */
  dead: boolean;
  /** Sends a lane's chunk on unload. */
  beacon<T>(url: string, encode: (items: T[]) => string, chunk: T[]): void;
}

/** One signal's queue (events or spans), with at most one request in flight. */
interface Lane<T> {
  add(item: T): void;
  /** Items queued or in flight. */
  held(): number;
  /** Sends what is queued at once, or as soon as the request in flight is answered; not during a retry's wait. */
  now(): void;
  /** Sends what is queued by beacon. */
  unload(): void;
  disarm(): void;
}

/** `fn`, with what it throws handed to `report`. */
const safely =
  <A extends unknown[]>(report: (err: unknown) => void, fn: (...a: A) => void) =>
  (...a: A): void => {
    try {
      fn(...a);
    } catch (e) {
      report(e);
    }
  };

const drop = (sh: Shared, n: number, err: unknown): void => {
  sh.st.dropped += n;
  sh.report(err);
};

/** How long to wait before retrying a batch: the server's Retry-After, else exponential backoff with jitter. */
function retryWait(r: Answer | undefined, fails: number, random: () => number): number {
  const h = r?.headers.get('retry-after')?.trim();
  return h && /^\d+$/.test(h)
    ? Math.min(+h, 3600) * 1000
    : Math.min(CAP_MS, BASE_MS * 2 ** (fails - 1) * (0.8 + 0.4 * random()));
}

/** The OTLP/HTTP JSON transport: batches, retries with backoff, beacons on unload; never throws. */
export function createBeaconTransport(o: BeaconTransportOptions): Transport {
  // Unbound on purpose: window.fetch and window.setTimeout throw "Illegal invocation" on another `this`.
  const { fetch: post, sendBeacon, onError } = o;
  const { setTimeout: after, clearTimeout: cancel } = o.timers;
  const maxQueue = o.maxQueue ?? 1000;
  const maxBytes = o.maxBeaconBytes ?? 60_000;
  const st = { sent: 0, dropped: 0, retried: 0 };
  let soon: unknown;

  const report = (err: unknown): void => {
    try {
      onError?.(err);
    } catch {
      // The page's handler must not break the transport either.
    }
  };
  const sh: Shared = { st, report, kept: 0, dead: false, beacon };
  const logs = createLane(o, o.logsUrl, encodeLogs, sh);
  const spans = createLane(o, o.tracesUrl, encodeSpans, sh);
  const lanes: Lane<never>[] = [logs, spans];
  const held = (): number => logs.held() + spans.held();

  function add<T>(l: Lane<T>, item: T): void {
    if (sh.dead || held() >= maxQueue) return void st.dropped++;
    l.add(item);
  }

  function beacon<T>(url: string, encode: (items: T[]) => string, chunk: T[]): void {
    let body: string;
    let blob: Blob;
    try {
      body = encode(chunk);
      blob = new Blob([body], { type: JSON_TYPE });
    } catch (e) {
      return drop(sh, chunk.length, e);
    }
    if (blob.size > maxBytes) {
      if (chunk.length < 2) return drop(sh, 1, new Error(`${blob.size} bytes: too large for a beacon`));
      const half = chunk.length >> 1;
      beacon(url, encode, chunk.slice(0, half));
      return beacon(url, encode, chunk.slice(half));
    }
    // Nobody waits for an unload's answer: what leaves counts as sent.
    st.sent += chunk.length;
    try {
      if (sendBeacon?.(url, blob)) return;
    } catch (e) {
      report(e);
    }
    try {
      post(url, { ...init(body), keepalive: true }).catch(report);
    } catch (e) {
      report(e);
    }
  }

  const flush = safely(report, (mode: 'now' | 'unload'): void => {
    for (const l of lanes) {
      if (mode === 'unload') l.unload();
      else l.now();
    }
  });

  return {
    event: safely(report, (e: SdkEvent, urgency: Urgency = 'batch') => {
      add(logs, e);
      // Several `now` events in one task (a view's end and its last heartbeat) leave in one request.
      if (urgency === 'now' && !sh.dead && soon === undefined) {
        soon = after(
          safely(report, () => {
            soon = undefined;
            flush('now');
          }),
          0,
        );
      }
    }),
    span: safely(report, (s: SdkSpan) => add(spans, s)),
    flush,
    destroy: safely(report, () => {
      if (sh.dead) return;
      flush('unload');
      sh.dead = true;
      if (soon !== undefined) cancel(soon);
      soon = undefined;
      for (const l of lanes) l.disarm();
    }),
    stats: (): TransportStats => ({ ...st, queued: held() }),
  };
}

/** A lane's timer: the batch period's flush, or a retry's wait, which a `now` flush does not cut short. */
function laneTimer(o: BeaconTransportOptions, report: (err: unknown) => void, fire: () => void) {
  // Unbound on purpose, as in createBeaconTransport.
  const { setTimeout: after, clearTimeout: cancel } = o.timers;
  let timer: unknown;
  let backoff = false;
  // Arming keeps a timer already set: a steady stream of events must not push its flush back forever.
  const arm = (ms: number, retry = false): void => {
    if (timer !== undefined) return;
    backoff = retry;
    timer = after(
      safely(report, () => {
        timer = undefined;
        backoff = false;
        fire();
      }),
      ms,
    );
  };
  const disarm = (): void => {
    if (timer !== undefined) cancel(timer);
    timer = undefined;
    backoff = false;
  };
  return [arm, disarm, () => backoff] as const;
}

/** One signal's lane: its queue, its request in flight, and that request's retries. */
function createLane<T>(
  o: BeaconTransportOptions,
  url: string,
  enc: (resource: Attrs, scope: Scope, items: T[]) => string,
  sh: Shared,
): Lane<T> {
  // Unbound on purpose, as in createBeaconTransport.
  const { fetch: post, random } = o;
  const { st, report } = sh;
  const flushMs = o.flushMs ?? 5000;
  const maxBatch = Math.max(1, o.maxBatch ?? 300);
  const maxBytes = o.maxBeaconBytes ?? 60_000;
  const flushAt = Math.max(1, o.flushAt ?? 20);
  const encode = (items: T[]): string => enc(o.resource, o.scope, items);
  const [arm, disarm, backingOff] = laneTimer(o, report, send);
  const items: T[] = [];
  /** Items in the request in flight (0: none; one request at a time). */
  let flying = 0;
  /** Failed attempts of the batch at the front. */
  let fails = 0;
  /** A `now` flush came while a request was in flight: send again as soon as it is answered. */
  let urgent = false;

  function send(): void {
    if (flying || !items.length) return;
    disarm();
    urgent = false;
    const batch = items.splice(0, maxBatch);
    let body: string;
    try {
      body = encode(batch);
    } catch (e) {
      // An item that cannot be encoded never will be: retrying cannot help.
      drop(sh, batch.length, e);
      return next();
    }
    flying = batch.length;
    // keepalive lets a request in flight outlive the page (a plain fetch is cancelled on unload, and its
    // events with it). The browser refuses keepalive bodies beyond 64 KB in flight in all, so the lanes share
    // that budget: a request that would overflow it goes as a plain one.
    const keep = sh.kept + body.length <= maxBytes ? body.length : 0;
    sh.kept += keep;
    const done = (r?: Answer, e?: unknown) => {
      sh.kept -= keep;
      answered(batch, r, e);
    };
    try {
      post(url, keep ? { ...init(body), keepalive: true } : init(body)).then(
        (r) => done(r),
        (e) => done(undefined, e),
      );
    } catch (e) {
      done(undefined, e);
    }
  }

  function next(): void {
    if (sh.dead || !items.length) return;
    // A backlog of full batches (or a `now` that waited for this answer) goes at once, the rest on the timer.
    if (urgent || items.length >= Math.min(flushAt, maxBatch)) send();
    else arm(flushMs);
  }

  function answered(batch: T[], r?: Answer, err?: unknown): void {
    try {
      // Unread, the answer keeps its keepalive budget for a while and the next posts fail (Chromium).
      r?.arrayBuffer?.().catch(() => undefined);
      flying = 0;
      const status = r ? r.status : 0;
      if (status >= 200 && status < 300) {
        st.sent += batch.length;
        fails = 0;
        return next();
      }
      err ??= new Error(`POST ${url}: HTTP ${status}`);
      // Network errors (0), timeouts, rate limits and server errors pass; any other refusal is for good.
      const transient = !status || status === 408 || status === 429 || status >= 500;
      if (!transient || ++fails >= MAX_ATTEMPTS) {
        fails = 0;
        drop(sh, batch.length, err);
        return next();
      }
      report(err);
      st.retried++;
      // Back to the front, so the server sees each view's events in order; it de-duplicates re-sends.
      items.unshift(...batch);
      if (sh.dead) return unload();
      arm(retryWait(r, fails, random), true);
    } catch (e) {
      report(e);
    }
  }

  function unload(): void {
    disarm();
    const all = items.splice(0);
    for (let i = 0; i < all.length; i += maxBatch) sh.beacon(url, encode, all.slice(i, i + maxBatch));
  }

  return {
    add(item) {
      items.push(item);
      // While a request is in flight, its answer decides when the next one goes.
      if (flying) return;
      if (items.length >= flushAt && !backingOff()) send();
      else arm(flushMs);
    },
    held: () => items.length + flying,
    now() {
      if (flying) urgent = true;
      else if (!backingOff()) send();
    },
    unload,
    disarm,
  };
}

import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_REQUEST_BYTES,
  ATTR_REQUEST_DOWNLOAD_MS,
  ATTR_REQUEST_OUTCOME,
  ATTR_REQUEST_RETRIES,
  ATTR_REQUEST_TTFB_MS,
  ATTR_REQUEST_TYPE,
  ATTR_SERVER_TRACE_ID,
  ATTR_URL_FULL,
  CDN_CACHE_STATUSES,
  REQUEST_OUTCOMES,
  REQUEST_TYPES,
} from '@coursecast/semconv/browser';
import type {
  HlsLike,
  HlsLoader,
  HlsLoaderCallbacks,
  HlsLoaderClass,
  HlsLoaderContext,
  HlsLoaderStats,
} from './hls-types.js';
import { SPAN_KINDS, STATUS_CODES, type Attrs, type Guard, type SdkSpan } from './sdk-types.js';

// Every request hls.js makes goes through these wrapped loaders: each gets a client span whose id travels as
// `traceparent` (so the edge's serve_request span is its child), and ends as a `content.request` event with
// the loader's own timings, the edge's cache status and the server's trace id.

type RequestType = (typeof REQUEST_TYPES)[keyof typeof REQUEST_TYPES];
type Outcome = (typeof REQUEST_OUTCOMES)[keyof typeof REQUEST_OUTCOMES];

/** One finished request, as the loader saw it. */
export interface RequestRecord {
  type: RequestType;
  outcome: Outcome;
  url: string;
  /** Page-clock ms. */
  start: number;
  end: number;
  attrs: Attrs;
  spanId: string;
}

export interface TracingDeps {
  guard: Guard;
  now: () => number;
  /** The trace and parent span requests belong to (the view's), and a new span id. */
  parent(): { traceId: string; spanId: string };
  newSpanId(): string;
  span(span: SdkSpan): void;
  epochMs: (t: number) => number;
  request(record: RequestRecord): void;
}

/** What a request fetched, from hls.js' loader context. */
export function requestType(ctx: HlsLoaderContext): RequestType {
  // A key's context carries the fragment it decrypts too, so the key test comes first.
  if ((ctx as { keyInfo?: unknown }).keyInfo) return REQUEST_TYPES.key;
  if (ctx.frag) return ctx.frag.sn === 'initSegment' ? REQUEST_TYPES.init : REQUEST_TYPES.segment;
  if (ctx.type === 'manifest') return REQUEST_TYPES.manifest;
  if (ctx.type === 'level' || ctx.type === 'audioTrack' || ctx.type === 'subtitleTrack')
    return REQUEST_TYPES.playlist;
  return REQUEST_TYPES.other;
}

/** `cdn.cache_status` from an RFC 9211 Cache-Status value: the member nearest the client (the last) decides. */
export function parseCacheStatus(value: string | null): string | undefined {
  if (!value) return undefined;
  // A quoted parameter (`detail="a, b"`) may hold commas and semicolons: blank it before splitting.
  const plain = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const member = plain.slice(plain.lastIndexOf(',') + 1);
  if (/;\s*hit\b/.test(member)) return CDN_CACHE_STATUSES.hit;
  const fwd = /;\s*fwd=([a-z-]+)/.exec(member)?.[1];
  if (fwd === 'stale') return CDN_CACHE_STATUSES.expired;
  if (fwd) return CDN_CACHE_STATUSES.miss;
  return undefined;
}

/** The trace id in a `traceresponse` (or `traceparent`-shaped) value. */
export function traceIdOf(value: string | null): string | undefined {
  const m = value ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/.exec(value.trim()) : null;
  // An all-zero trace id is invalid (W3C Trace Context): no trace to join.
  return m?.[1] && /[1-9a-f]/.test(m[1]) ? m[1] : undefined;
}

function header(details: unknown, name: string): string | null {
  try {
    const d = details as {
      getResponseHeader?(n: string): string | null;
      headers?: { get(n: string): string | null };
    };
    if (typeof d?.getResponseHeader === 'function') return d.getResponseHeader(name);
    if (d?.headers && typeof d.headers.get === 'function') return d.headers.get(name);
  } catch {
    // A header the browser won't expose (CORS) reads as absent.
  }
  return null;
}

const statusOf = (details: unknown): number | undefined => {
  const s = (details as { status?: unknown } | null)?.status;
  return typeof s === 'number' && s > 0 ? s : undefined;
};

/** Wraps hls.js' loader classes on `hls.config` so every later request is traced; returns the undo. */
export function installTracingLoaders(hls: HlsLike, deps: TracingDeps): () => void {
  const config = hls.config;
  const saved = { loader: config.loader, pLoader: config.pLoader, fLoader: config.fLoader };
  // Failed attempts per (type, url) until one succeeds: the retry count of the success.
  const failures = new Map<string, number>();
  const wrap = (Base: HlsLoaderClass) => tracedLoader(Base, deps, failures);

  config.loader = wrap(saved.loader);
  // hls.js' CMCD wraps pLoader/fLoader around the loader it found at construction: trace outside of it.
  if (saved.pLoader) config.pLoader = wrap(saved.pLoader);
  if (saved.fLoader) config.fLoader = wrap(saved.fLoader);
  return () => {
    config.loader = saved.loader;
    config.pLoader = saved.pLoader;
    config.fLoader = saved.fLoader;
  };
}

/** A loader class that loads through `Base` and traces every load (`failures`: see installTracingLoaders). */
function tracedLoader(
  Base: HlsLoaderClass,
  deps: TracingDeps,
  failures: Map<string, number>,
): HlsLoaderClass {
  return class TracedLoader implements HlsLoader {
    private inner: HlsLoader;
    constructor(cfg: unknown) {
      this.inner = new Base(cfg as never);
    }
    get stats(): HlsLoaderStats {
      return this.inner.stats;
    }
    get context(): HlsLoaderContext | null {
      return this.inner.context;
    }
    abort() {
      this.inner.abort();
    }
    destroy() {
      this.inner.destroy();
    }
    getCacheAge() {
      return this.inner.getCacheAge?.() ?? null;
    }
    getResponseHeader(name: string) {
      return this.inner.getResponseHeader?.(name) ?? null;
    }
    load(context: HlsLoaderContext, cfg: unknown, callbacks: HlsLoaderCallbacks) {
      let traced = callbacks;
      deps.guard.run('loader', () => {
        traced = traceRequest(deps, failures, context, callbacks);
      });
      this.inner.load(context, cfg, traced);
    }
  };
}

/** Starts a request's client span (its id goes out as `traceparent`); the callbacks returned end it. */
function traceRequest(
  deps: TracingDeps,
  failures: Map<string, number>,
  context: HlsLoaderContext,
  callbacks: HlsLoaderCallbacks,
): HlsLoaderCallbacks {
  const { traceId, spanId: parentId } = deps.parent();
  const spanId = deps.newSpanId();
  context.headers = { ...context.headers, traceparent: `00-${traceId}-${spanId}-01` };
  const start = deps.now();
  const type = requestType(context);
  const url = context.url;
  const key = `${type} ${url.split('?')[0]}`;
  let done = false;

  const finish = (
    outcome: Outcome,
    details: unknown,
    stats: HlsLoaderStats | undefined,
    status?: number,
    errorType?: string,
  ) =>
    deps.guard.run('request', () => {
      if (done) return;
      done = true;
      const end = deps.now();
      const attrs: Attrs = {
        [ATTR_REQUEST_TYPE]: type,
        [ATTR_REQUEST_OUTCOME]: outcome,
        [ATTR_URL_FULL]: url,
      };
      const code = status ?? statusOf(details);
      if (code !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = code;
      const l = stats?.loading;
      if (l && l.first >= l.start && l.start > 0) {
        attrs[ATTR_REQUEST_TTFB_MS] = Math.round(l.first - l.start);
        if (l.end >= l.first) attrs[ATTR_REQUEST_DOWNLOAD_MS] = Math.round(l.end - l.first);
      }
      const bytes = stats ? stats.loaded || stats.total : 0;
      if (bytes > 0) attrs[ATTR_REQUEST_BYTES] = bytes;
      const cache = parseCacheStatus(header(details, 'cache-status'));
      if (cache) attrs[ATTR_CDN_CACHE_STATUS] = cache;
      const server = traceIdOf(header(details, 'traceresponse'));
      if (server) attrs[ATTR_SERVER_TRACE_ID] = server;
      if (outcome === REQUEST_OUTCOMES.completed) {
        // hls.js retries a manifest inside its loader (stats.retry), other requests by loading again.
        attrs[ATTR_REQUEST_RETRIES] = (failures.get(key) ?? 0) + (stats?.retry ?? 0);
        failures.delete(key);
      } else if (outcome === REQUEST_OUTCOMES.failed) {
        failures.set(key, (failures.get(key) ?? 0) + 1);
        if (failures.size > 100) failures.clear();
        attrs[ATTR_ERROR_TYPE] = errorType ?? (code !== undefined ? String(code) : 'network');
      }
      deps.span({
        traceId,
        spanId,
        parentSpanId: parentId,
        name: 'GET',
        kind: SPAN_KINDS.client,
        startMs: deps.epochMs(start),
        endMs: deps.epochMs(end),
        // The span carries what identifies the request; its figures are on the request event, which has
        // the same span id (sending them twice would double what an unload beacon must carry).
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: 'GET',
          [ATTR_URL_FULL]: url,
          [ATTR_REQUEST_TYPE]: type,
          ...(code !== undefined ? { [ATTR_HTTP_RESPONSE_STATUS_CODE]: code } : {}),
          ...(attrs[ATTR_ERROR_TYPE] !== undefined ? { [ATTR_ERROR_TYPE]: attrs[ATTR_ERROR_TYPE] } : {}),
        },
        status: { code: outcome === REQUEST_OUTCOMES.failed ? STATUS_CODES.error : STATUS_CODES.unset },
      });
      deps.request({ type, outcome, url, start, end, attrs, spanId });
    });

  return {
    ...callbacks,
    onSuccess(response, stats, ctx, details) {
      finish(REQUEST_OUTCOMES.completed, details, stats);
      callbacks.onSuccess(response, stats, ctx, details);
    },
    onError(error, ctx, details, stats) {
      finish(REQUEST_OUTCOMES.failed, details, stats, error.code || undefined);
      callbacks.onError(error, ctx, details, stats);
    },
    onTimeout(stats, ctx, details) {
      finish(REQUEST_OUTCOMES.failed, details, stats, undefined, 'timeout');
      callbacks.onTimeout(stats, ctx, details);
    },
    onAbort(stats, ctx, details) {
      finish(REQUEST_OUTCOMES.aborted, details, stats);
      callbacks.onAbort?.(stats, ctx, details);
    },
  };
}

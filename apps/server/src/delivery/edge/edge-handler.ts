import {
  ATTR_CDN_COALESCED,
  ATTR_CDN_SERVED_FROM,
  ATTR_CONTENT_ITEM_ID,
  ATTR_CONTENT_TYPE,
  ATTR_TEST_FAULT,
  CDN_CACHE_STATUSES,
  CDN_ORIGIN_ERROR_TYPES,
  CDN_SERVED_FROM,
  type CdnCacheStatus,
  type CdnOriginErrorType,
} from '@coursecast/semconv';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type ErrorCode } from '../../errors.js';
import { staleVerdict } from '../http/cache-status.js';
import { cmsdDynamicValue } from '../http/cmsd-response.js';
import { MEDIA_PREFIX, ORIGIN_PREFIX, parseContentPath } from '../../catalog/content-url.js';
import {
  LINK_EXPIRED,
  MEDIA_LINK_PREFIX,
  ORIGIN_LINK_PREFIX,
  type MediaLinks,
} from '../../catalog/media-links.js';
import { PREFLIGHT_PAIRS, pairs } from '../http/cors-headers.js';
import { createRequestPrelude, type ServeExchange } from '../http/request-prelude.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import type { CachedObject, EdgeCache } from './edge-cache.js';
import type { EdgeFetcher, FetchOutcome, FetchRequest } from './edge-fetch.js';
import { finishReply, sendError, sendObject } from './edge-reply.js';
import type { EdgeScope } from './edge-scope.js';
import { MAX_TARGETS, resolveTarget, type Target } from './edge-target.js';
import type { Fault, FaultInjector } from '../faults/fault-injector.js';

export interface EdgeHandlerDeps {
  cache: EdgeCache;
  fetcher: EdgeFetcher;
  instruments: DeliveryInstruments;
  serverName: string;
  /** Origin fetches in flight at or above which answers carry CMSD duress. */
  duressInflight: number;
  /** Share of plain hits (no sampled traceparent) that get a span; misses and errors always do. */
  hitSpanRatio: number;
  /** Test-only fault rules (`testing.faults`); null or absent in production. */
  faults?: FaultInjector | null;
  /** Unexpected failures (answered 500), for the server's log. */
  onError?: (err: unknown) => void;
  /**
   * Enrolled access (ADR 0013): only signed links (`/m/...`) are served, checked here on every request, hits
   * included; plain `/media/` answers 401. Null: public access, `/media/` only.
   */
  links?: MediaLinks | null;
}

/** Answers one edge request on the raw Node objects; never rejects (failures become 500s). */
export type EdgeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The edge: `/media/*` answered from memory when fresh, otherwise from the origin through one coalesced
 * fetch per object. Every answer carries `Cache-Status` and `Server-Timing`, and is one
 * `content.serve_request` span (the player's traceparent is its parent). It works on Node's own request
 * and response: a hit is a map lookup and one `writeHead` + `end`, so the server can route `/media/`
 * here before Fastify (see edgeServerFactory) and serve at close to a bare Node server's rate.
 */
export function createEdgeHandler(deps: EdgeHandlerDeps): EdgeHandler {
  const { cache, fetcher, instruments, serverName } = deps;
  const faults = deps.faults ?? null;
  const scope: EdgeScope = {
    cache,
    fetcher,
    instruments,
    prelude: createRequestPrelude({ instruments, fixedAttributes: null, spanRatio: deps.hitSpanRatio }),
    serverName,
    duressInflight: deps.duressInflight,
    duress: cmsdDynamicValue({ server: serverName, duress: true }),
  };
  const routes = new Map<string, Route>();
  const links = deps.links ?? null;

  return async function handleEdge(req, res) {
    const started = performance.now();
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, [...PREFLIGHT_PAIRS, 'cache-status', `${serverName}; detail=preflight`]).end();
      return;
    }
    const ex = scope.prelude.begin(req, res, method, started);
    try {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(scope, ex, 405, 'method_not_allowed', `${method} is not allowed on ${MEDIA_PREFIX}`, null);
        return;
      }
      // Test-only; in production `faults` is null and this is the whole cost.
      if (faults !== null) {
        const fault = faults.take(ex.path);
        if (fault !== null && (await injectFault(scope, ex, fault))) return;
      }
      const routed = routeOf(scope, links, routes, ex);
      if (routed !== null) await serve(scope, ex, routed.target, routed.link);
    } catch (err) {
      deps.onError?.(err);
      if (!res.headersSent) sendError(scope, ex, 500, 'internal', 'Internal server error', null);
      else res.destroy();
    }
  };
}

/** A path the edge has parsed: its target and, under a signed link, the link and when it expires. */
interface Route {
  readonly target: Target;
  readonly link: string | null;
  readonly expiresMs: number;
}

/**
 * The request's route, parsed once per path (players ask for the same few thousand paths over and over): a signed
 * path's signature is checked the first time, its expiry every time. Null once a refused path has been answered.
 */
function routeOf(
  scope: EdgeScope,
  links: MediaLinks | null,
  routes: Map<string, Route>,
  ex: ServeExchange,
): Route | null {
  try {
    let route = routes.get(ex.path);
    if (route === undefined) {
      route = parseRoute(links, ex.path);
      if (routes.size >= MAX_TARGETS) routes.clear();
      routes.set(ex.path, route);
    }
    // Plain routes never expire: the clock is read for signed links only.
    if (route.link !== null && route.expiresMs <= Date.now()) {
      routes.delete(ex.path);
      throw new AppError('media_link_refused', LINK_EXPIRED);
    }
    return route;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    sendError(scope, ex, err.status, err.code, err.message, null);
    return null;
  }
}

/** Parses a path: plain `/media/` under public access, a signed link (checked) under enrolled access. */
function parseRoute(links: MediaLinks | null, path: string): Route {
  if (links === null) {
    if (!path.startsWith(MEDIA_PREFIX)) throw new AppError('object_not_found', 'No such object');
    return {
      target: resolveTarget(parseContentPath(path.slice(MEDIA_PREFIX.length))),
      link: null,
      expiresMs: Infinity,
    };
  }
  if (!path.startsWith(MEDIA_LINK_PREFIX)) {
    throw new AppError('media_link_required');
  }
  const opened = links.open(path.slice(MEDIA_LINK_PREFIX.length));
  return {
    target: resolveTarget(parseContentPath(opened.rest)),
    link: opened.link,
    expiresMs: opened.expiresMs,
  };
}

/** Applies a test fault: waits, then answers its status (true) or lets the request be served (false). */
async function injectFault(scope: EdgeScope, ex: ServeExchange, fault: Fault): Promise<boolean> {
  scope.prelude.openSpan(ex).setAttribute(ATTR_TEST_FAULT, fault.kind);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.status === null) return false;
  // Through sendError: JSON body, `no-store`, a Cache-Status naming the reason, and never the cache.
  sendError(scope, ex, fault.status, 'test_fault', fault.message, null);
  return true;
}

/** Serves a target: fresh from the cache, stale while it revalidates, or through the coalesced origin fetch. */
async function serve(
  scope: EdgeScope,
  ex: ServeExchange,
  target: Target,
  link: string | null,
): Promise<void> {
  const { key, rest, objectType, itemId } = target;
  ex.objectType = objectType;
  ex.attributes[ATTR_CONTENT_TYPE] = objectType;
  ex.attributes[ATTR_CONTENT_ITEM_ID] = itemId;
  ex.span.setAttributes(ex.attributes);
  const now = Date.now();
  const held = scope.cache.get(key);
  if (held && now < held.freshUntil) {
    return sendObject(
      scope,
      ex,
      held,
      { status: CDN_CACHE_STATUSES.hit, ttl: Math.floor((held.freshUntil - now) / 1000) },
      null,
    );
  }
  scope.prelude.openSpan(ex);
  const fetchReq: FetchRequest = {
    key,
    itemId,
    // A signed link travels on to the origin, which checks it again: no other credential between them.
    originPath: link === null ? ORIGIN_PREFIX + rest : `${ORIGIN_LINK_PREFIX}${link}/${rest}`,
    objectType,
    existing: held,
    parent: ex.ctx,
  };
  if (held && now < held.staleWhileRevalidateUntil) {
    // The revalidation outlives this request; its span still hangs under this request's trace.
    void scope.fetcher.fetch(fetchReq);
    return sendObject(scope, ex, held, staleVerdict(held, now, 'stale-while-revalidate'), null);
  }
  const { outcome, leader } = await scope.fetcher.fetch(fetchReq);
  ex.span.setAttribute(ATTR_CDN_COALESCED, !leader);
  const status = held ? CDN_CACHE_STATUSES.expired : CDN_CACHE_STATUSES.miss;
  return answerOutcome(scope, ex, fetchReq, outcome, leader, status, held);
}

/** Answers what the origin fetch produced; a failure is covered by a stale copy while stale-if-error allows. */
async function answerOutcome(
  scope: EdgeScope,
  ex: ServeExchange,
  fetchReq: FetchRequest,
  outcome: FetchOutcome,
  leader: boolean,
  status: CdnCacheStatus,
  held: CachedObject | undefined,
  forwarded = false,
): Promise<void> {
  const failed = outcome.kind === 'failed' || (outcome.kind === 'passed' && outcome.status >= 500);
  if (failed && held && Date.now() < held.staleIfErrorUntil) {
    return sendObject(scope, ex, held, staleVerdict(held, Date.now(), 'stale-if-error'), outcome.originMs);
  }
  switch (outcome.kind) {
    case 'stored':
      return sendObject(
        scope,
        ex,
        outcome.object,
        { status, fwdStatus: outcome.originStatus, stored: true, collapsed: !leader },
        outcome.originMs,
      );
    case 'failed': {
      const timeout = outcome.type === CDN_ORIGIN_ERROR_TYPES.timeout;
      return sendError(
        scope,
        ex,
        timeout ? 504 : 502,
        originErrorCode(outcome.type),
        outcome.message,
        { status, collapsed: !leader, detail: `origin-${outcome.type.replace(/_/g, '-')}` },
        outcome.originMs,
      );
    }
    case 'passed':
      ex.span.setAttribute(ATTR_CDN_SERVED_FROM, CDN_SERVED_FROM.origin);
      return finishReply(
        scope,
        ex,
        outcome.status,
        pairs(outcome.headers),
        outcome.body,
        { status, fwdStatus: outcome.status, collapsed: !leader },
        outcome.originMs,
      );
    case 'stream':
      return answerStream(scope, ex, fetchReq, outcome, leader, status, forwarded);
  }
}

/** The error code of a failed origin fetch. */
function originErrorCode(type: CdnOriginErrorType): ErrorCode {
  if (type === CDN_ORIGIN_ERROR_TYPES.timeout) return 'origin_timeout';
  return type === CDN_ORIGIN_ERROR_TYPES.unreachable ? 'origin_unreachable' : 'origin_bad_response';
}

/**
 * An object too large to hold. Only the fetch's leader owns the stream; others, and ranged requests, go
 * to the origin alone with the client's own range and validators, and what that fetch answers (a 206 of a
 * large part, say) is streamed as it is: `forwarded` says this is that answer, never to be fetched again.
 */
async function answerStream(
  scope: EdgeScope,
  ex: ServeExchange,
  fetchReq: FetchRequest,
  outcome: Extract<FetchOutcome, { kind: 'stream' }>,
  leader: boolean,
  status: CdnCacheStatus,
  forwarded: boolean,
): Promise<void> {
  const wantsPart = ex.req.headers.range !== undefined;
  if ((!leader || wantsPart) && !forwarded) {
    if (leader) outcome.body.destroy();
    const forwarded: Record<string, string> = {};
    for (const h of ['range', 'if-range', 'if-none-match', 'if-modified-since'] as const) {
      const v = ex.req.headers[h];
      if (typeof v === 'string') forwarded[h] = v;
    }
    const alone = await scope.fetcher.fetchAlone({ ...fetchReq, existing: undefined }, forwarded);
    return answerOutcome(scope, ex, fetchReq, alone, true, status, undefined, true);
  }
  ex.span.setAttribute(ATTR_CDN_SERVED_FROM, CDN_SERVED_FROM.origin);
  const length = Number(outcome.headers['content-length']);
  return finishReply(
    scope,
    ex,
    outcome.status,
    pairs(outcome.headers),
    outcome.body,
    { status, fwdStatus: outcome.status, detail: 'too-large' },
    outcome.originMs,
    Number.isFinite(length) ? length : 0,
  );
}

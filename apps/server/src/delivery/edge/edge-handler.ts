import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_CDN_COALESCED,
  ATTR_CDN_SERVED_FROM,
  ATTR_CDN_STALE_REASON,
  ATTR_CONTENT_ITEM_ID,
  ATTR_CONTENT_PATH,
  ATTR_CONTENT_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_TEST_FAULT,
  CDN_CACHE_STATUSES,
  CDN_ORIGIN_ERROR_TYPES,
  CDN_SERVED_FROM,
  type CdnCacheStatus,
} from '@coursecast/semconv';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { AppError, errorBody } from '../../errors.js';
import { cacheStatusHeader, staleVerdict, type CacheVerdict } from '../http/cache-status.js';
import { readRequestCmcd } from '../http/cmcd-request.js';
import { cmsdDynamicValue } from '../http/cmsd-response.js';
import { MEDIA_PREFIX, ORIGIN_PREFIX, parseContentPath } from '../../catalog/content-url.js';
import { CORS_PAIRS, PREFLIGHT_PAIRS, pairs } from '../http/cors-headers.js';
import { NO_SPAN, type Exchange } from './edge-exchange.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import type { CachedObject, EdgeCache } from './edge-cache.js';
import type { EdgeFetcher, FetchOutcome } from './edge-fetch.js';
import { MAX_TARGETS, resolveTarget, type Target } from './edge-target.js';
import type { Fault, FaultInjector } from '../faults/fault-injector.js';
import { evaluateRequest } from '../http/http-conditional.js';
import { adoptQueryTraceparent, pushTimingHeaders } from '../http/trace-response.js';

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
}

/** The route the edge answers, as `http.route` names it. */
export const EDGE_ROUTE = `${MEDIA_PREFIX}*`;
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
  const duress = cmsdDynamicValue({ server: serverName, duress: true });
  const targets = new Map<string, Target>();

  return async function handleEdge(req, res) {
    const started = performance.now();
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, [...PREFLIGHT_PAIRS, 'cache-status', `${serverName}; detail=preflight`]).end();
      return;
    }
    const q = url.indexOf('?');
    const urlPath = q === -1 ? url : url.slice(0, q);
    if (q !== -1) adoptQueryTraceparent(req.headers, url.slice(q + 1));
    const cmcd = readRequestCmcd(q === -1 ? '' : url.slice(q + 1), req.headers);
    const ex: Exchange = {
      req,
      res,
      started,
      span: NO_SPAN,
      ctx: ROOT_CONTEXT,
      traced: false,
      attributes: { [ATTR_CONTENT_PATH]: urlPath, [ATTR_HTTP_REQUEST_METHOD]: method, ...cmcd.attributes },
      objectType: null,
    };
    // Every miss, revalidation and error is traced; plain hits only when the player's trace is sampled or
    // by the configured ratio, so a CDN-rate stream of hits does not pay for a span each (metrics count all).
    if (instruments.sampledParent(req.headers) || Math.random() < deps.hitSpanRatio) openSpan(ex);
    if (cmcd.error !== null && cmcd.source !== null) {
      instruments.cmcdError(cmcd.source);
      openSpan(ex).addEvent('cmcd.invalid', { 'exception.message': cmcd.error });
    }
    try {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(ex, 405, 'method_not_allowed', `${method} is not allowed on ${MEDIA_PREFIX}`, null);
        return;
      }
      // Test-only; in production `faults` is null and this is the whole cost.
      if (faults !== null) {
        const fault = faults.take(urlPath);
        if (fault !== null && (await injectFault(ex, fault))) return;
      }
      let target = targets.get(urlPath);
      if (!target) {
        try {
          target = resolveTarget(parseContentPath(urlPath.slice(MEDIA_PREFIX.length)));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          sendError(ex, err.status, err.code, err.message, null);
          return;
        }
        // Players ask for the same few thousand paths over and over: parse each once.
        if (targets.size >= MAX_TARGETS) targets.clear();
        targets.set(urlPath, target);
      }
      await serve(ex, target);
    } catch (err) {
      deps.onError?.(err);
      if (!res.headersSent) sendError(ex, 500, 'internal', 'Internal server error', null);
      else res.destroy();
    }
  };

  /** Applies a test fault: waits, then answers its status (true) or lets the request be served (false). */
  async function injectFault(ex: Exchange, fault: Fault): Promise<boolean> {
    openSpan(ex).setAttribute(ATTR_TEST_FAULT, fault.kind);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.status === null) return false;
    // Through sendError: JSON body, `no-store`, a Cache-Status naming the reason, and never the cache.
    sendError(ex, fault.status, 'test_fault', fault.message, null);
    return true;
  }

  /** Turns the request's no-op span into a real one, started when the request arrived. */
  function openSpan(ex: Exchange): Span {
    if (ex.traced) return ex.span;
    const { span, ctx } = instruments.startServe(ex.req.headers, ex.attributes, ex.started);
    ex.span = span;
    ex.ctx = ctx;
    ex.traced = true;
    return span;
  }

  async function serve(ex: Exchange, target: Target): Promise<void> {
    const { key, rest, objectType, itemId } = target;
    ex.objectType = objectType;
    ex.attributes[ATTR_CONTENT_TYPE] = objectType;
    ex.attributes[ATTR_CONTENT_ITEM_ID] = itemId;
    ex.span.setAttributes(ex.attributes);
    const now = Date.now();
    const held = cache.get(key);
    if (held && now < held.freshUntil) {
      return sendObject(
        ex,
        held,
        {
          status: CDN_CACHE_STATUSES.hit,
          ttl: Math.floor((held.freshUntil - now) / 1000),
        },
        null,
      );
    }
    openSpan(ex);
    const fetchReq = {
      key,
      itemId,
      originPath: ORIGIN_PREFIX + rest,
      objectType,
      existing: held,
      parent: ex.ctx,
    };
    if (held && now < held.staleWhileRevalidateUntil) {
      // The revalidation outlives this request; its span still hangs under this request's trace.
      void fetcher.fetch(fetchReq);
      return sendObject(ex, held, staleVerdict(held, now, 'stale-while-revalidate'), null);
    }
    const { outcome, leader } = await fetcher.fetch(fetchReq);
    ex.span.setAttribute(ATTR_CDN_COALESCED, !leader);
    const status = held ? CDN_CACHE_STATUSES.expired : CDN_CACHE_STATUSES.miss;
    return answerOutcome(ex, fetchReq, outcome, leader, status, held);
  }

  async function answerOutcome(
    ex: Exchange,
    fetchReq: Parameters<EdgeFetcher['fetch']>[0],
    outcome: FetchOutcome,
    leader: boolean,
    status: CdnCacheStatus,
    held: CachedObject | undefined,
  ): Promise<void> {
    const failed = outcome.kind === 'failed' || (outcome.kind === 'passed' && outcome.status >= 500);
    if (failed && held && Date.now() < held.staleIfErrorUntil) {
      return sendObject(ex, held, staleVerdict(held, Date.now(), 'stale-if-error'), outcome.originMs);
    }
    switch (outcome.kind) {
      case 'stored':
        return sendObject(
          ex,
          outcome.object,
          { status, fwdStatus: outcome.originStatus, stored: true, collapsed: !leader },
          outcome.originMs,
        );
      case 'failed': {
        const timeout = outcome.type === CDN_ORIGIN_ERROR_TYPES.timeout;
        return sendError(
          ex,
          timeout ? 504 : 502,
          timeout
            ? 'origin_timeout'
            : outcome.type === CDN_ORIGIN_ERROR_TYPES.unreachable
              ? 'origin_unreachable'
              : 'origin_bad_response',
          outcome.message,
          { status, collapsed: !leader, detail: `origin-${outcome.type.replace(/_/g, '-')}` },
          outcome.originMs,
        );
      }
      case 'passed':
        ex.span.setAttribute(ATTR_CDN_SERVED_FROM, CDN_SERVED_FROM.origin);
        return finishReply(
          ex,
          outcome.status,
          pairs(outcome.headers),
          outcome.body,
          { status, fwdStatus: outcome.status, collapsed: !leader },
          outcome.originMs,
        );
      case 'stream': {
        // Too large to hold. Only the fetch's leader owns the stream; others, and ranged requests, go alone.
        const wantsPart = ex.req.headers.range !== undefined;
        if (!leader || wantsPart) {
          if (leader) outcome.body.destroy();
          const forwarded: Record<string, string> = {};
          for (const h of ['range', 'if-range', 'if-none-match', 'if-modified-since'] as const) {
            const v = ex.req.headers[h];
            if (typeof v === 'string') forwarded[h] = v;
          }
          const alone = await fetcher.fetchAlone({ ...fetchReq, existing: undefined }, forwarded);
          return answerOutcome(ex, fetchReq, alone, true, status, undefined);
        }
        ex.span.setAttribute(ATTR_CDN_SERVED_FROM, CDN_SERVED_FROM.origin);
        const length = Number(outcome.headers['content-length']);
        return finishReply(
          ex,
          outcome.status,
          pairs(outcome.headers),
          outcome.body,
          { status, fwdStatus: outcome.status, detail: 'too-large' },
          outcome.originMs,
          Number.isFinite(length) ? length : 0,
        );
      }
    }
  }

  function sendObject(
    ex: Exchange,
    object: CachedObject,
    verdict: CacheVerdict,
    originMs: number | null,
  ): void {
    const fromEdge = originMs === null || verdict.status === CDN_CACHE_STATUSES.stale;
    ex.span.setAttribute(ATTR_CDN_SERVED_FROM, fromEdge ? CDN_SERVED_FROM.edge : CDN_SERVED_FROM.origin);
    if (verdict.detail) ex.span.setAttribute(ATTR_CDN_STALE_REASON, verdict.detail);
    const answer = evaluateRequest(ex.req.headers, {
      etag: object.etag,
      lastModifiedMs: object.lastModifiedMs,
      size: object.body.length,
    });
    const age = Math.max(0, Math.floor((Date.now() - object.storedAt) / 1000));
    const headers = object.replay.slice();
    headers.push('age', String(age));
    switch (answer.status) {
      case 304:
        return finishReply(ex, 304, headers, null, verdict, originMs);
      case 412:
        return sendError(ex, 412, 'precondition_failed', answer.reason, verdict, originMs);
      case 416:
        return sendError(ex, 416, 'range_not_satisfiable', answer.reason, verdict, originMs, [
          ...CORS_PAIRS,
          'content-range',
          `bytes */${object.body.length}`,
        ]);
      case 206:
        headers.push('content-range', `bytes ${answer.start}-${answer.end}/${object.body.length}`);
        return finishReply(
          ex,
          206,
          headers,
          object.body.subarray(answer.start, answer.end + 1),
          verdict,
          originMs,
        );
      case 200:
        return finishReply(ex, 200, headers, object.body, verdict, originMs);
    }
  }

  function sendError(
    ex: Exchange,
    httpStatus: number,
    code: string,
    message: string,
    verdict: CacheVerdict | null,
    originMs: number | null = null,
    headers: string[] = CORS_PAIRS.slice(),
  ): void {
    instruments.fail(openSpan(ex), code, message);
    const body = Buffer.from(JSON.stringify(errorBody(code, message)));
    headers.push('content-type', 'application/json; charset=utf-8', 'cache-control', 'no-store');
    // Refused before the cache was consulted: still say so, naming the reason.
    if (!verdict) headers.push('cache-status', `${serverName}; detail=${code.replace(/_/g, '-')}`);
    return finishReply(ex, httpStatus, headers, body, verdict, originMs);
  }

  /**
   * Writes the answer. Buffers (every hit) go straight to `writeHead` + `end` with a flat header list,
   * bypassing Fastify's per-header bookkeeping, which cost more than the rest of a hit put together.
   */
  function finishReply(
    ex: Exchange,
    httpStatus: number,
    headers: string[],
    body: Buffer | Readable | null,
    verdict: CacheVerdict | null,
    originMs: number | null,
    streamLength = 0,
  ): void {
    const { res, span, req } = ex;
    const edgeMs = performance.now() - ex.started;
    // Read before span.end() below: an ended span no longer records.
    pushTimingHeaders(headers, span, edgeMs, originMs);
    if (verdict) headers.push('cache-status', cacheStatusHeader(serverName, verdict));
    if (fetcher.inflight() >= deps.duressInflight) headers.push('cmsd-dynamic', duress);
    const head = req.method === 'HEAD';
    const bytes = body === null ? 0 : Buffer.isBuffer(body) ? body.length : streamLength;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatus);
    span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, head ? 0 : bytes);
    if (verdict) span.setAttribute(ATTR_CDN_CACHE_STATUS, verdict.status);
    if (verdict && ex.objectType) instruments.served(verdict.status, ex.objectType, head ? 0 : bytes);
    instruments.http.record(
      req.method ?? 'GET',
      EDGE_ROUTE,
      httpStatus,
      verdict?.status ?? null,
      edgeMs / 1000,
    );
    span.end();
    if (body === null || Buffer.isBuffer(body)) {
      if (httpStatus !== 304) headers.push('content-length', String(bytes));
      res.writeHead(httpStatus, headers);
      res.end(head || body === null ? undefined : body);
      return;
    }
    res.writeHead(httpStatus, headers);
    if (head) {
      body.destroy();
      res.end();
      return;
    }
    // pipeline destroys the origin stream when the client goes away, and ends the response on error.
    pipeline(body, res).catch(() => undefined);
  }
}

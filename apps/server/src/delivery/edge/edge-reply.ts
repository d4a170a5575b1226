import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_CDN_SERVED_FROM,
  ATTR_CDN_STALE_REASON,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  CDN_CACHE_STATUSES,
  CDN_SERVED_FROM,
} from '@coursecast/semconv';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorBody, type ErrorCode } from '../../errors.js';
import { cacheStatusHeader, type CacheVerdict } from '../http/cache-status.js';
import { CORS_PAIRS } from '../http/cors-headers.js';
import { evaluateRequest } from '../http/http-conditional.js';
import type { ServeExchange } from '../http/request-prelude.js';
import { pushTimingHeaders } from '../http/trace-response.js';
import type { CachedObject } from './edge-cache.js';
import { EDGE_LINK_ROUTE, EDGE_ROUTE, type EdgeScope } from './edge-scope.js';
import { MEDIA_PREFIX } from '../../catalog/content-url.js';

/** Answers with a stored object: whole, a range, 304 or the precondition's error, per the request's headers. */
export function sendObject(
  scope: EdgeScope,
  ex: ServeExchange,
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
      return finishReply(scope, ex, 304, headers, null, verdict, originMs);
    case 412:
      return sendError(scope, ex, 412, 'precondition_failed', answer.reason, verdict, originMs);
    case 416:
      return sendError(scope, ex, 416, 'range_not_satisfiable', answer.reason, verdict, originMs, [
        ...CORS_PAIRS,
        'content-range',
        `bytes */${object.body.length}`,
      ]);
    case 206:
      headers.push('content-range', `bytes ${answer.start}-${answer.end}/${object.body.length}`);
      return finishReply(
        scope,
        ex,
        206,
        headers,
        object.body.subarray(answer.start, answer.end + 1),
        verdict,
        originMs,
      );
    case 200:
      return finishReply(scope, ex, 200, headers, object.body, verdict, originMs);
  }
}

/** Answers a JSON error (`no-store`, never cached); without a verdict, Cache-Status names the reason. */
export function sendError(
  scope: EdgeScope,
  ex: ServeExchange,
  httpStatus: number,
  code: ErrorCode,
  message: string,
  verdict: CacheVerdict | null,
  originMs: number | null = null,
  headers: string[] = CORS_PAIRS.slice(),
): void {
  scope.instruments.fail(scope.prelude.openSpan(ex), code, message);
  const body = Buffer.from(JSON.stringify(errorBody(code, message)));
  headers.push('content-type', 'application/json; charset=utf-8', 'cache-control', 'no-store');
  // Refused before the cache was consulted: still say so, naming the reason.
  if (!verdict) headers.push('cache-status', `${scope.serverName}; detail=${code.replace(/_/g, '-')}`);
  return finishReply(scope, ex, httpStatus, headers, body, verdict, originMs);
}

/**
 * Writes the answer. Buffers (every hit) go straight to `writeHead` + `end` with a flat header list,
 * bypassing Fastify's per-header bookkeeping, which cost more than the rest of a hit put together.
 */
export function finishReply(
  scope: EdgeScope,
  ex: ServeExchange,
  httpStatus: number,
  headers: string[],
  body: Buffer | Readable | null,
  verdict: CacheVerdict | null,
  originMs: number | null,
  streamLength = 0,
): void {
  const { res, span, req } = ex;
  const { instruments } = scope;
  const edgeMs = performance.now() - ex.started;
  // Read before span.end() below: an ended span no longer records.
  pushTimingHeaders(headers, span, edgeMs, originMs);
  if (verdict) headers.push('cache-status', cacheStatusHeader(scope.serverName, verdict));
  if (scope.fetcher.inflight() >= scope.duressInflight) headers.push('cmsd-dynamic', scope.duress);
  const head = req.method === 'HEAD';
  const bytes = body === null ? 0 : Buffer.isBuffer(body) ? body.length : streamLength;
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatus);
  span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, head ? 0 : bytes);
  if (verdict) span.setAttribute(ATTR_CDN_CACHE_STATUS, verdict.status);
  if (verdict && ex.objectType) instruments.served(verdict.status, ex.objectType, head ? 0 : bytes);
  instruments.http.record(
    req.method ?? 'GET',
    ex.path.startsWith(MEDIA_PREFIX) ? EDGE_ROUTE : EDGE_LINK_ROUTE,
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

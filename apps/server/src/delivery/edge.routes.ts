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
  CDN_CACHE_STATUSES,
  CDN_ORIGIN_ERROR_TYPES,
  CDN_SERVED_FROM,
  type CdnCacheStatus,
  type ContentObjectType,
} from '@coursecast/semconv';
import type { Context, Span } from '@opentelemetry/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MEDIA_PREFIX } from '../catalog/media-paths.js';
import { AppError, errorBody } from '../errors.js';
import { cacheStatusHeader, type CacheVerdict } from './cache-status.js';
import { readRequestCmcd } from './cmcd-request.js';
import { cmsdDynamicValue } from './cmsd-response.js';
import { parseContentPath, type ContentPath } from './content-path.js';
import { contentKind } from './content-types.js';
import { MEDIA_CORS_HEADERS, MEDIA_PREFLIGHT_HEADERS } from './cors-headers.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import type { CachedObject, EdgeCache } from './edge-cache.js';
import type { EdgeFetcher, FetchOutcome } from './edge-fetch.js';
import { evaluateRequest } from './http-conditional.js';
import { ORIGIN_PREFIX } from './origin.routes.js';

export interface EdgeRoutesDeps {
  cache: EdgeCache;
  fetcher: EdgeFetcher;
  telemetry: DeliveryTelemetry;
  serverName: string;
  /** Origin fetches in flight at or above which answers carry CMSD duress. */
  duressInflight: number;
}

const ROUTE = `${MEDIA_PREFIX}*`;

/** One request's context through the edge. */
interface Exchange {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly span: Span;
  readonly ctx: Context;
  readonly started: number;
  objectType: ContentObjectType | null;
}

/**
 * The edge: `/media/*` answered from memory when fresh, otherwise from the origin through one coalesced
 * fetch per object. Every answer carries `Cache-Status` and `Server-Timing`, and is one
 * `content.serve_request` span (the player's traceparent is its parent).
 */
export const edgeRoutes: FastifyPluginAsync<EdgeRoutesDeps> = async (app, deps) => {
  const { cache, fetcher, telemetry, serverName } = deps;
  const duress = cmsdDynamicValue({ server: serverName, duress: true });

  app.options(ROUTE, async (_request, reply) => reply.code(204).headers(MEDIA_PREFLIGHT_HEADERS).send());
  app.route({
    method: ['GET', 'HEAD'],
    url: ROUTE,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const started = performance.now();
      const url = request.url;
      const q = url.indexOf('?');
      const urlPath = q === -1 ? url : url.slice(0, q);
      const cmcd = readRequestCmcd(q === -1 ? '' : url.slice(q + 1), request.headers);
      const { span, ctx } = telemetry.startServe(request.headers, {
        [ATTR_CONTENT_PATH]: urlPath,
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        ...cmcd.attributes,
      });
      if (cmcd.error !== null && cmcd.source !== null) {
        telemetry.cmcdError(cmcd.source);
        span.addEvent('cmcd.invalid', { 'exception.message': cmcd.error });
      }
      const ex: Exchange = { request, reply, span, ctx, started, objectType: null };
      let cp: ContentPath;
      try {
        cp = parseContentPath(urlPath.slice(MEDIA_PREFIX.length));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return sendError(ex, err.status, err.code, err.message, null);
      }
      return serve(ex, cp);
    },
  });

  async function serve(ex: Exchange, cp: ContentPath): Promise<FastifyReply> {
    const rest = `${encodeURIComponent(cp.itemId)}/${encodeURIComponent(cp.version)}/${cp.fileSegments.map(encodeURIComponent).join('/')}`;
    const key = MEDIA_PREFIX + rest;
    const objectType = contentKind(cp.file).objectType;
    ex.objectType = objectType;
    ex.span.setAttribute(ATTR_CONTENT_TYPE, objectType);
    ex.span.setAttribute(ATTR_CONTENT_ITEM_ID, cp.itemId);
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
    const fetchReq = {
      key,
      itemId: cp.itemId,
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
  ): Promise<FastifyReply> {
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
          { ...outcome.headers, ...MEDIA_CORS_HEADERS },
          outcome.body,
          { status, fwdStatus: outcome.status, collapsed: !leader },
          outcome.originMs,
        );
      case 'stream': {
        // Too large to hold. Only the fetch's leader owns the stream; others, and ranged requests, go alone.
        const wantsPart = ex.request.headers.range !== undefined;
        if (!leader || wantsPart) {
          if (leader) outcome.body.destroy();
          const forwarded: Record<string, string> = {};
          for (const h of ['range', 'if-range', 'if-none-match', 'if-modified-since'] as const) {
            const v = ex.request.headers[h];
            if (typeof v === 'string') forwarded[h] = v;
          }
          const alone = await fetcher.fetchAlone({ ...fetchReq, existing: undefined }, forwarded);
          return answerOutcome(ex, fetchReq, alone, true, status, undefined);
        }
        ex.span.setAttribute(ATTR_CDN_SERVED_FROM, CDN_SERVED_FROM.origin);
        const length = Number(outcome.headers['content-length']);
        ex.reply.raw.once('close', () => {
          if (!ex.reply.raw.writableFinished) outcome.body.destroy();
        });
        return finishReply(
          ex,
          outcome.status,
          { ...outcome.headers, ...MEDIA_CORS_HEADERS },
          outcome.body,
          { status, fwdStatus: outcome.status, detail: 'too-large' },
          outcome.originMs,
          Number.isFinite(length) ? length : 0,
        );
      }
    }
  }

  function staleVerdict(held: CachedObject, now: number, reason: string): CacheVerdict {
    return {
      status: CDN_CACHE_STATUSES.stale,
      ttl: Math.floor((held.freshUntil - now) / 1000),
      detail: reason,
    };
  }

  function sendObject(
    ex: Exchange,
    object: CachedObject,
    verdict: CacheVerdict,
    originMs: number | null,
  ): FastifyReply {
    const fromEdge = originMs === null || verdict.status === CDN_CACHE_STATUSES.stale;
    ex.span.setAttribute(ATTR_CDN_SERVED_FROM, fromEdge ? CDN_SERVED_FROM.edge : CDN_SERVED_FROM.origin);
    if (verdict.detail) ex.span.setAttribute(ATTR_CDN_STALE_REASON, verdict.detail);
    const answer = evaluateRequest(ex.request.headers, {
      etag: object.etag,
      lastModifiedMs: object.lastModifiedMs,
      size: object.body.length,
    });
    const age = Math.max(0, Math.floor((Date.now() - object.storedAt) / 1000));
    const headers: Record<string, string | number> = { ...MEDIA_CORS_HEADERS, ...object.headers, age };
    headers['accept-ranges'] = 'bytes';
    switch (answer.status) {
      case 304:
        return finishReply(ex, 304, headers, null, verdict, originMs);
      case 412:
        return sendError(ex, 412, 'precondition_failed', answer.reason, verdict, originMs);
      case 416:
        headers['content-range'] = `bytes */${object.body.length}`;
        return sendError(ex, 416, 'range_not_satisfiable', answer.reason, verdict, originMs, headers);
      case 206:
        headers['content-range'] = `bytes ${answer.start}-${answer.end}/${object.body.length}`;
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
    headers: Record<string, string | number> = { ...MEDIA_CORS_HEADERS },
  ): FastifyReply {
    telemetry.fail(ex.span, code, message);
    const body = Buffer.from(JSON.stringify(errorBody(code, message)));
    return finishReply(
      ex,
      httpStatus,
      {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        // Refused before the cache was consulted: still say so, naming the reason.
        ...(verdict ? {} : { 'cache-status': `${serverName}; detail=${code.replace(/_/g, '-')}` }),
      },
      body,
      verdict,
      originMs,
    );
  }

  function finishReply(
    ex: Exchange,
    httpStatus: number,
    headers: Record<string, string | number>,
    body: Buffer | NodeJS.ReadableStream | null,
    verdict: CacheVerdict | null,
    originMs: number | null,
    streamLength = 0,
  ): FastifyReply {
    const { reply, span, request } = ex;
    const edgeMs = performance.now() - ex.started;
    let timing = `edge;dur=${edgeMs.toFixed(2)}`;
    if (originMs !== null) timing += `, origin;dur=${originMs.toFixed(2)}`;
    headers['server-timing'] = timing;
    if (verdict) headers['cache-status'] = cacheStatusHeader(serverName, verdict);
    if (fetcher.inflight() >= deps.duressInflight) headers['cmsd-dynamic'] = duress;
    const head = request.method === 'HEAD';
    const bytes = body === null ? 0 : Buffer.isBuffer(body) ? body.length : streamLength;
    if (Buffer.isBuffer(body) || body === null) headers['content-length'] = bytes;
    reply.code(httpStatus).headers(headers);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, httpStatus);
    span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, head ? 0 : bytes);
    if (verdict) span.setAttribute(ATTR_CDN_CACHE_STATUS, verdict.status);
    if (verdict && ex.objectType) telemetry.served(verdict.status, ex.objectType, head ? 0 : bytes);
    telemetry.http.record(request.method, ROUTE, httpStatus, verdict?.status ?? null, edgeMs / 1000);
    span.end();
    if (head || body === null) {
      if (body !== null && !Buffer.isBuffer(body))
        (body as NodeJS.ReadableStream & { destroy(): void }).destroy();
      return reply.send();
    }
    return reply.send(body);
  }
};

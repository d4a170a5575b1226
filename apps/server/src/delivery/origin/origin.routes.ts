import path from 'node:path';
import {
  ATTR_CDN_ORIGIN_REGION,
  ATTR_CDN_SERVED_FROM,
  ATTR_CONTENT_ITEM_ID,
  ATTR_CONTENT_TYPE,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  CDN_SERVED_FROM,
  CONTENT_OBJECT_TYPES,
  ITEM_KINDS,
  type ItemKind,
} from '@coursecast/semconv';
import type { Span } from '@opentelemetry/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CAPTIONS_FILE_DIR, isSourceCaption } from '../../catalog/caption-urls.js';
import type { MediaPaths } from '../../catalog/media-paths.js';
import { AppError, errorBody } from '../../errors.js';
import type { CatalogStore, Item } from '../../store/index.js';
import { cacheControlFor, livePlaylistCacheControl } from '../http/cache-policy.js';
import { cmsdStaticValue } from '../http/cmsd-response.js';
import {
  jitSessionOf,
  MEDIA_PREFIX,
  ORIGIN_PREFIX,
  parseContentPath,
  SOURCE_VERSION,
  type ContentPath,
} from '../../catalog/content-url.js';
import { MEDIA_LINK_PREFIX, ORIGIN_LINK_PREFIX, type MediaLinks } from '../../catalog/media-links.js';
import { contentKind, type ContentKind } from '../http/content-types.js';
import { MEDIA_CORS_HEADERS, MEDIA_PREFLIGHT_HEADERS } from '../http/cors-headers.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import { evaluateRequest, fileEtag } from '../http/http-conditional.js';
import { openContentFile, type OpenedFile } from './origin-files.js';
import { deliveryHeaders } from '../http/package-headers.js';
import { createRequestPrelude, type RequestPrelude } from '../http/request-prelude.js';
import { serverTimingTraceEntry, traceResponseValue } from '../http/trace-response.js';

/** A just-in-time session's segments as the origin needs them (the JIT service, narrowed). */
export interface JitSegmentSource {
  /** The directory and file of a session's segment, once the encoder has written it. */
  resolve(itemId: string, sessionId: string, file: string): Promise<{ dir: string; file: string }>;
}

export interface OriginRoutesDeps {
  store: CatalogStore;
  paths: MediaPaths;
  instruments: DeliveryInstruments;
  region: string;
  /** Also answer the public `/media/` prefix (when no edge runs in this process). */
  servePublic: boolean;
  /** Just-in-time sessions, for `/media/<item>/jit-<session>/...`; null when not available. */
  jit: JitSegmentSource | null;
  /**
   * Security headers by item kind; null: items of that kind are not served here (the content origin serves
   * packages only). Default: deliveryHeaders.
   */
  headersFor?: (kind: ItemKind) => Readonly<Record<string, string>> | null;
  /**
   * Enrolled access (ADR 0013): the plain prefixes answer 401 and signed links (`/m/`, `/origin/m/` from edges)
   * are served once checked. Null or absent: public access.
   */
  links?: MediaLinks | null;
  /**
   * Live lectures: while an item's lecture is open its playlists are live (cached half a segment, CMSD stream type
   * `l`). Null or absent: no live lectures.
   */
  live?: { isOpen(itemId: string): boolean; segmentSeconds: number } | null;
}

/**
 * The origin: published renditions from disk with validators, conditional GET, single ranges and
 * cache headers by kind. Each request is a `content.serve_request` SERVER span (served_from=origin) whose
 * parent is the caller's traceparent, so behind an edge it nests under `content.origin_fetch`. On the
 * public prefix the answer names that span (`traceresponse`, Server-Timing `traceparent`).
 */
export const originRoutes: FastifyPluginAsync<OriginRoutesDeps> = async (app, deps) => {
  const prelude = createRequestPrelude({
    instruments: deps.instruments,
    fixedAttributes: {
      [ATTR_CDN_SERVED_FROM]: CDN_SERVED_FROM.origin,
      [ATTR_CDN_ORIGIN_REGION]: deps.region,
    },
    spanRatio: null,
  });
  const prefixes = deps.servePublic ? [ORIGIN_PREFIX, MEDIA_PREFIX] : [ORIGIN_PREFIX];
  if (deps.links) prefixes.push(ORIGIN_LINK_PREFIX, ...(deps.servePublic ? [MEDIA_LINK_PREFIX] : []));
  for (const prefix of prefixes) {
    const route = `${prefix}*`;
    app.route({
      method: ['GET', 'HEAD'],
      url: route,
      exposeHeadRoute: false,
      handler: (request, reply) => serve(deps, prelude, prefix, route, request, reply),
    });
    app.options(route, async (_request, reply) => reply.code(204).headers(MEDIA_PREFLIGHT_HEADERS).send());
  }
};

async function serve(
  deps: OriginRoutesDeps,
  prelude: RequestPrelude,
  prefix: string,
  route: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const started = performance.now();
  const { path: urlPath, span } = prelude.begin(request.raw, reply.raw, request.method, started);
  // The span's ids for the browser, only where the origin answers browsers itself (`/media/`, no edge in
  // this process). Answers on `/origin/` go to edges, and nginx or a CDN would cache these headers with the
  // body and replay one request's ids to every later player.
  const traceResponse =
    prefix === ORIGIN_PREFIX || prefix === ORIGIN_LINK_PREFIX ? null : traceResponseValue(span);
  if (traceResponse !== null) {
    reply
      .header('traceresponse', traceResponse)
      .header('server-timing', serverTimingTraceEntry(traceResponse));
  }
  const finish = (status: number, bytes: number): void => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, bytes);
    deps.instruments.http.record(request.method, route, status, null, (performance.now() - started) / 1000);
    span.end();
  };
  try {
    await answer(
      deps,
      canonicalRest(deps, prefix, urlPath.slice(prefix.length)),
      request,
      reply,
      span,
      finish,
    );
  } catch (err) {
    const appErr = err instanceof AppError ? err : null;
    if (!appErr) request.log.error({ err }, 'origin failed');
    const status = appErr?.status ?? 500;
    const body = appErr
      ? errorBody(appErr.code, appErr.message, appErr.details)
      : errorBody('internal', 'Internal server error');
    deps.instruments.fail(span, appErr?.code ?? 'internal', body.error.message);
    reply.code(status).headers(MEDIA_CORS_HEADERS).header('cache-control', 'no-store');
    const size = appErr?.details?.['size'];
    if (status === 416 && typeof size === 'number') reply.header('content-range', `bytes */${size}`);
    finish(status, 0);
    return reply.send(body);
  }
}

/** The canonical `<item>/<version>/<file>` of a request: its signed link checked, or refused when one is due. */
function canonicalRest(deps: OriginRoutesDeps, prefix: string, raw: string): string {
  if (!deps.links) return raw;
  if (prefix === ORIGIN_LINK_PREFIX || prefix === MEDIA_LINK_PREFIX) return deps.links.open(raw).rest;
  throw new AppError('media_link_required');
}

async function answer(
  deps: OriginRoutesDeps,
  rawPath: string,
  request: FastifyRequest,
  reply: FastifyReply,
  span: Span,
  finish: (status: number, bytes: number) => void,
): Promise<FastifyReply> {
  const cp = parseContentPath(rawPath);
  const kind = sourceKind(cp) ?? contentKind(cp.file);
  span.setAttribute(ATTR_CONTENT_TYPE, kind.objectType);
  span.setAttribute(ATTR_CONTENT_ITEM_ID, cp.itemId);
  const item = await deps.store.getItem(cp.itemId);
  if (!item) throw new AppError('item_not_found', `No such item: ${cp.itemId}`);
  const security = (deps.headersFor ?? deliveryHeaders)(item.kind);
  if (!security) throw new AppError('object_not_found', `item ${item.id} is not served on this origin`);
  const file = await openPublished(deps, item, cp);
  const lastModifiedMs = Math.floor(file.mtimeMs / 1000) * 1000;
  const etag = fileEtag(file.size, file.mtimeMs, file.ino);
  const verdict = evaluateRequest(request.headers, { etag, lastModifiedMs, size: file.size });
  if (verdict.status === 412 || verdict.status === 416) {
    await file.handle.close();
    const code = verdict.status === 412 ? 'precondition_failed' : 'range_not_satisfiable';
    throw new AppError(code, verdict.reason, { size: file.size });
  }
  const live = deps.live?.isOpen(item.id) === true && cp.version === item.mediaVersion;
  const livePlaylist = live && kind.objectType === CONTENT_OBJECT_TYPES.playlist;
  reply.headers(MEDIA_CORS_HEADERS).headers({
    'content-type': kind.mime,
    etag,
    'last-modified': new Date(lastModifiedMs).toUTCString(),
    'cache-control': livePlaylist
      ? livePlaylistCacheControl(deps.live!.segmentSeconds)
      : cacheControlFor(kind.objectType, true),
    'accept-ranges': 'bytes',
    'cmsd-static': cmsdStaticValue({ objectType: kind.objectType, streamType: live ? 'l' : 'v' }),
    ...security,
  });
  if (verdict.status === 304) {
    await file.handle.close();
    finish(304, 0);
    return reply.code(304).send();
  }
  const start = verdict.status === 206 ? verdict.start : 0;
  const end = verdict.status === 206 ? verdict.end : file.size - 1;
  const length = file.size === 0 ? 0 : end - start + 1;
  reply.code(verdict.status).header('content-length', length);
  if (verdict.status === 206) reply.header('content-range', `bytes ${start}-${end}/${file.size}`);
  if (request.method === 'HEAD' || length === 0) {
    await file.handle.close();
    finish(verdict.status, 0);
    return reply.send();
  }
  const stream = file.handle.createReadStream({ start, end, autoClose: true });
  // The span ends when the body is out, or when the client went away (the stream is then destroyed).
  let ended = false;
  reply.raw.once('finish', () => {
    ended = true;
    finish(verdict.status, length);
  });
  reply.raw.once('close', () => {
    if (ended) return;
    span.addEvent('client.aborted');
    finish(verdict.status, 0);
  });
  return reply.send(stream);
}

function sourceKind(cp: ContentPath): ContentKind | null {
  if (cp.version !== SOURCE_VERSION || isSourceCaption(cp)) return null;
  return { ...contentKind(cp.file), objectType: CONTENT_OBJECT_TYPES.source };
}

/**
 * The file a content path names: a file of the published version (or of one a caption change superseded, while
 * its folder is kept), or the source itself (direct play, decided by the playback plan).
 */
async function openPublished(deps: OriginRoutesDeps, item: Item, cp: ContentPath): Promise<OpenedFile> {
  const { paths } = deps;
  const sessionId = jitSessionOf(cp.version);
  if (sessionId !== null) {
    if (!deps.jit) throw new AppError('object_not_found', 'just-in-time sessions are not enabled');
    // Waits for the encoder when the segment is on its way (or moves it): the edge coalesces the waiting.
    const found = await deps.jit.resolve(item.id, sessionId, cp.file);
    return openContentFile(path.dirname(found.dir), [path.basename(found.dir), found.file]);
  }
  if (isSourceCaption(cp) && item.kind === ITEM_KINDS.video) {
    // Only a file a track of the item names now: an old file of a replaced track is gone, a stray one never served.
    const name = cp.fileSegments[1]!;
    const tracks = await deps.store.listCaptionTracks(item.id);
    if (!tracks.some((t) => path.basename(t.file) === name)) {
      throw new AppError('object_not_found', `item ${item.id} has no caption file ${name}`);
    }
    return openContentFile(path.join(paths.dataDir, 'uploads'), [item.id, CAPTIONS_FILE_DIR, name]);
  }
  if (cp.version === SOURCE_VERSION) {
    // Only a video's source is ever played directly; a package's zip stays private.
    if (item.kind !== ITEM_KINDS.video || !item.sourceFile || cp.file !== path.basename(item.sourceFile)) {
      throw new AppError('object_not_found', `item ${item.id} has no source named ${cp.file}`);
    }
    return openContentFile(path.join(paths.dataDir, 'uploads'), [item.id, cp.file]);
  }
  // The current version, or one a caption change superseded and keeps on disk for the players still on it (its
  // folder goes after a grace period, ADR 0014); a version whose folder is gone is not published.
  return openContentFile(paths.mediaRoot, [item.id, cp.version, ...cp.fileSegments]).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'object_not_found' && item.mediaVersion !== cp.version) {
      throw new AppError('object_not_found', `version ${cp.version} of item ${item.id} is not published`);
    }
    throw err;
  });
}

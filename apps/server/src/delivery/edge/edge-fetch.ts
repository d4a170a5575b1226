import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from '@opentelemetry/api';
import {
  ATTR_CDN_ORIGIN_LATENCY_MS,
  ATTR_CDN_ORIGIN_REGION,
  ATTR_CONTENT_PATH,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_PATH,
  CDN_ORIGIN_ERROR_TYPES,
  type CdnOriginErrorType,
  type ContentObjectType,
} from '@coursecast/semconv';
import { parseCacheControl } from '../http/cache-control.js';
import type { CachedObject, EdgeCache } from './edge-cache.js';
import { MEDIA_CORS_HEADERS } from '../http/cors-headers.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import { OriginFetchError, type OriginClient, type OriginResponse } from './origin-client.js';

/** What one origin fetch produced, shared by every request that waited on it. */
export type FetchOutcome =
  | { kind: 'stored'; object: CachedObject; originStatus: number; originMs: number }
  /** Not storable (an error page, no-store): buffered, passed on as is. */
  | { kind: 'passed'; status: number; headers: Record<string, string>; body: Buffer; originMs: number }
  /** Too large to hold: only the request that started the fetch may consume `body`. */
  | { kind: 'stream'; status: number; headers: Record<string, string>; body: Readable; originMs: number }
  | { kind: 'failed'; type: CdnOriginErrorType; message: string; originMs: number };

export interface EdgeFetchSettings {
  maxObjectBytes: number;
  originTimeoutMs: number;
  staleIfErrorSeconds: number;
  originRegion: string;
  serverName: string;
}

/** One fetch to make: the canonical key, its origin path and what the edge already holds. */
export interface FetchRequest {
  key: string;
  itemId: string;
  originPath: string;
  objectType: ContentObjectType;
  /** A stored (expired) copy to revalidate with If-None-Match. */
  existing: CachedObject | undefined;
  /** The serve span's context: the origin_fetch span is its child. */
  parent: Context;
}

export interface EdgeFetcher {
  /** Joins the fetch in flight for `req.key`, or starts one. `leader` is true for the request that started it. */
  fetch(req: FetchRequest): Promise<{ outcome: FetchOutcome; leader: boolean }>;
  /** Starts a fetch no one else joins, forwarding `extraHeaders` (a client's Range on an uncacheable object). */
  fetchAlone(req: FetchRequest, extraHeaders: Record<string, string>): Promise<FetchOutcome>;
  /** Fetches in flight. */
  inflight(): number;
  /** Forgets in-flight fetches of an item, so their results are not stored after a purge. */
  purgeItem(itemId: string): void;
}

// Origin headers worth replaying to clients; hop-by-hop and per-response ones are recomputed.
const REPLAYED = [
  'content-type',
  'etag',
  'last-modified',
  'cache-control',
  'cmsd-static',
  'content-encoding',
  'content-range',
  // A package's sandbox and nosniff must reach the browser from the cache too.
  'content-security-policy',
  'x-content-type-options',
];
const ERROR_BODY_MAX = 64 * 1024;

function pickHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REPLAYED) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

/** Reads a body up to `max` bytes before `deadline`; returns null (stream paused, intact) past `max`. */
function readBody(body: Readable, max: number, deadline: number): Promise<Buffer | { prefix: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(
      () => fail(new OriginFetchError(CDN_ORIGIN_ERROR_TYPES.timeout, 'origin body did not arrive in time')),
      Math.max(0, deadline - performance.now()),
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const fail = (err: Error): void => {
      cleanup();
      body.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) {
        cleanup();
        body.pause();
        resolve({ prefix: chunks });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void =>
      fail(new OriginFetchError(CDN_ORIGIN_ERROR_TYPES.badResponse, `origin body broke off: ${err.message}`));
    const onClose = (): void =>
      fail(new OriginFetchError(CDN_ORIGIN_ERROR_TYPES.badResponse, 'origin closed the body early'));
    body.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

async function* concat(prefix: Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* prefix;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** What one origin fetch reads: the fetcher's parts and its purge generations. */
interface FetchScope {
  readonly cache: EdgeCache;
  readonly origin: OriginClient;
  readonly instruments: DeliveryInstruments;
  readonly settings: EdgeFetchSettings;
  /** Per item, how many purges there were: a fetch that saw a purge while it ran stores nothing. */
  readonly generation: Map<string, number>;
}

/** Creates the fetcher: coalescing, revalidation and storing of origin answers. */
export function createEdgeFetcher(
  cache: EdgeCache,
  origin: OriginClient,
  instruments: DeliveryInstruments,
  settings: EdgeFetchSettings,
): EdgeFetcher {
  const inflight = new Map<string, { itemId: string; promise: Promise<FetchOutcome> }>();
  const generation = new Map<string, number>();
  const scope: FetchScope = { cache, origin, instruments, settings, generation };

  return {
    async fetch(req) {
      const running = inflight.get(req.key);
      if (running) {
        instruments.coalesced();
        return { outcome: await running.promise, leader: false };
      }
      const promise = run(scope, req, {}, true);
      const entry = { itemId: req.itemId, promise };
      inflight.set(req.key, entry);
      try {
        return { outcome: await promise, leader: true };
      } finally {
        if (inflight.get(req.key) === entry) inflight.delete(req.key);
      }
    },
    fetchAlone: (req, extraHeaders) => run(scope, req, extraHeaders, false),
    inflight: () => inflight.size,
    purgeItem(itemId) {
      generation.set(itemId, (generation.get(itemId) ?? 0) + 1);
      for (const [key, entry] of inflight) if (entry.itemId === itemId) inflight.delete(key);
      // Generations only matter while fetches run; forget them when the map would grow without bound.
      if (generation.size > 10_000 && inflight.size === 0) generation.clear();
    },
  };
}

/** A stored object before its freshness windows are set. */
type UndatedObject = Omit<
  CachedObject,
  'storedAt' | 'freshUntil' | 'staleWhileRevalidateUntil' | 'staleIfErrorUntil'
>;

/** A stored object's freshness windows, from its Cache-Control and the origin's Age. */
function freshness(
  object: UndatedObject,
  headers: IncomingHttpHeaders,
  staleIfErrorSeconds: number,
): CachedObject {
  const cc = parseCacheControl(object.headers['cache-control']);
  const age = Number(headers.age);
  const storedAt = Date.now() - (Number.isFinite(age) && age > 0 ? age * 1000 : 0);
  const freshUntil = storedAt + (cc.noCache ? 0 : (cc.maxAge ?? 0)) * 1000;
  const swr = cc.mustRevalidate ? 0 : cc.staleWhileRevalidate;
  const sie = cc.mustRevalidate ? 0 : (cc.staleIfError ?? staleIfErrorSeconds);
  return {
    ...object,
    storedAt,
    freshUntil,
    staleWhileRevalidateUntil: freshUntil + swr * 1000,
    staleIfErrorUntil: freshUntil + sie * 1000,
  };
}

/** One origin fetch, traced as `content.origin_fetch`; never rejects (failures are an outcome). */
async function run(
  scope: FetchScope,
  req: FetchRequest,
  extraHeaders: Record<string, string>,
  store: boolean,
): Promise<FetchOutcome> {
  const { instruments, settings, generation } = scope;
  const carrier: Record<string, string> = { ...extraHeaders, 'cdn-loop': settings.serverName };
  const { span } = instruments.startOriginFetch(
    req.parent,
    {
      [ATTR_CONTENT_PATH]: req.key,
      [ATTR_URL_PATH]: req.originPath,
      [ATTR_CDN_ORIGIN_REGION]: settings.originRegion,
    },
    carrier,
  );
  if (req.existing && store) carrier['if-none-match'] = req.existing.etag;
  const gen = generation.get(req.itemId) ?? 0;
  const started = performance.now();
  let status: number | null = null;
  let errorType: CdnOriginErrorType | null = null;
  try {
    const res = await scope.origin.get(req.originPath, carrier, settings.originTimeoutMs);
    status = res.status;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 500) errorType = CDN_ORIGIN_ERROR_TYPES.serverError;
    return await outcomeOf(scope, req, res, store, gen, started);
  } catch (err) {
    const failure =
      err instanceof OriginFetchError
        ? err
        : new OriginFetchError(CDN_ORIGIN_ERROR_TYPES.badResponse, String(err), { cause: err });
    errorType = failure.type;
    instruments.fail(span, failure.type, failure.message);
    return {
      kind: 'failed',
      type: failure.type,
      message: failure.message,
      originMs: performance.now() - started,
    };
  } finally {
    const ms = performance.now() - started;
    span.setAttribute(ATTR_CDN_ORIGIN_LATENCY_MS, Math.round(ms * 1000) / 1000);
    if (errorType === CDN_ORIGIN_ERROR_TYPES.serverError)
      instruments.fail(span, errorType, `origin answered ${status}`);
    instruments.originFetched(req.objectType, status, errorType, ms / 1000);
    span.end();
  }
}

/**
 * What the origin's answer becomes: a refreshed or new stored object, a stream when too large to hold, or
 * the answer passed on as it is. `gen` is the item's purge generation when the fetch began.
 */
async function outcomeOf(
  scope: FetchScope,
  req: FetchRequest,
  res: OriginResponse,
  store: boolean,
  gen: number,
  started: number,
): Promise<FetchOutcome> {
  const { cache, settings, generation } = scope;
  const status = res.status;
  const elapsed = (): number => performance.now() - started;
  if (status === 304 && req.existing) {
    res.body.resume();
    const refreshed = freshness(req.existing, res.headers, settings.staleIfErrorSeconds);
    if (store && gen === (generation.get(req.itemId) ?? 0)) cache.set(refreshed);
    return { kind: 'stored', object: refreshed, originStatus: 304, originMs: elapsed() };
  }
  const headers = pickHeaders(res.headers);
  const cc = parseCacheControl(headers['cache-control']);
  const storable = store && status === 200 && !cc.noStore && !cc.isPrivate;
  const length = Number(res.headers['content-length']);
  if (storable && length > settings.maxObjectBytes) {
    const streamed = { ...headers, 'content-length': String(length) };
    return { kind: 'stream', status, headers: streamed, body: res.body, originMs: elapsed() };
  }
  const deadline = started + settings.originTimeoutMs;
  const read = await readBody(res.body, storable ? settings.maxObjectBytes : ERROR_BODY_MAX, deadline);
  if (!Buffer.isBuffer(read)) {
    const body = Readable.from(concat(read.prefix, res.body));
    const streamed = Number.isFinite(length) ? { ...headers, 'content-length': String(length) } : headers;
    return { kind: 'stream', status, headers: streamed, body, originMs: elapsed() };
  }
  if (!storable) return { kind: 'passed', status, headers, body: read, originMs: elapsed() };
  const object = freshness(storedObject(req, headers, read), res.headers, settings.staleIfErrorSeconds);
  // A purge while this fetch ran means the answer may already be outdated: serve it once, don't keep it.
  if (gen === (generation.get(req.itemId) ?? 0)) cache.set(object);
  return { kind: 'stored', object, originStatus: status, originMs: elapsed() };
}

/** A complete 200 as the cache keeps it: a validator (the origin's ETag or one of the body), headers to replay. */
function storedObject(req: FetchRequest, headers: Record<string, string>, body: Buffer): UndatedObject {
  const etag = headers.etag ?? `"${createHash('sha1').update(body).digest('base64url')}"`;
  const lastModified = Date.parse(headers['last-modified'] ?? '');
  const replayed = { ...MEDIA_CORS_HEADERS, ...headers, etag, 'accept-ranges': 'bytes' };
  return {
    key: req.key,
    itemId: req.itemId,
    body,
    headers: { ...headers, etag },
    replay: Object.entries(replayed).flat(),
    etag,
    lastModifiedMs: Number.isNaN(lastModified) ? Math.floor(Date.now() / 1000) * 1000 : lastModified,
  };
}

import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_REQUEST_BYTES,
  ATTR_REQUEST_DOWNLOAD_MS,
  ATTR_REQUEST_OUTCOME,
  ATTR_REQUEST_RETRIES,
  ATTR_REQUEST_TTFB_MS,
  ATTR_SERVER_TRACE_ID,
} from '@coursecast/semconv/browser';
import { describe, expect, it, vi } from 'vitest';
import type { HlsLoaderCallbacks, HlsLoaderClass, HlsLoaderContext } from './hls-types.js';
import type { SdkSpan } from './sdk-types.js';
import { FakeHls, fakeLoader, xhr, type FakeLoader } from '../test-support/fake-hls.js';
import { EPOCH, guardRig } from '../test-support/tracker-rig.js';
import {
  installTracingLoaders,
  parseCacheStatus,
  requestType,
  traceIdOf,
  type RequestRecord,
  type TracingDeps,
} from './tracing-loader.js';

const VIEW_TRACE = 'a'.repeat(32);
const VIEW_SPAN = 'b'.repeat(16);
const SERVER_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('parseCacheStatus', () => {
  it('reads our edge’s values', () => {
    expect(parseCacheStatus('coursecast; hit; ttl=31535990')).toBe('HIT');
    expect(parseCacheStatus('coursecast; fwd=miss; stored')).toBe('MISS');
    expect(parseCacheStatus('coursecast; fwd=miss; fwd-status=200; stored; collapsed')).toBe('MISS');
    expect(parseCacheStatus('coursecast; fwd=stale; fwd-status=304; ttl=60')).toBe('EXPIRED');
    expect(parseCacheStatus('coursecast; fwd=uri-miss')).toBe('MISS');
  });

  it('lets the last member (the cache nearest the client) decide', () => {
    expect(parseCacheStatus('origin-cache; hit, coursecast; fwd=miss; stored')).toBe('MISS');
    expect(parseCacheStatus('origin-cache; fwd=miss, coursecast; hit; ttl=5')).toBe('HIT');
    // A comma inside a quoted detail does not start a member (RFC 9211 detail may be an sf-string).
    expect(parseCacheStatus('coursecast; fwd=miss, OtherCDN; hit; detail="a, b"')).toBe('HIT');
    expect(parseCacheStatus('coursecast; fwd=miss; detail="was; hit"')).toBe('MISS');
  });

  it('answers undefined for nothing it understands', () => {
    expect(parseCacheStatus(null)).toBeUndefined();
    expect(parseCacheStatus('')).toBeUndefined();
    expect(parseCacheStatus('garbage')).toBeUndefined();
    expect(parseCacheStatus('coursecast; detail=preflight')).toBeUndefined();
    expect(parseCacheStatus('coursecast; hit, coursecast; detail=preflight')).toBeUndefined();
  });
});

describe('traceIdOf', () => {
  it('takes the trace id of a traceresponse value', () => {
    expect(traceIdOf(`00-${SERVER_TRACE}-00f067aa0ba902b7-01`)).toBe(SERVER_TRACE);
    expect(traceIdOf(` 00-${SERVER_TRACE}-00f067aa0ba902b7-00 `)).toBe(SERVER_TRACE);
  });
  it('answers undefined for anything else', () => {
    expect(traceIdOf(null)).toBeUndefined();
    expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf('')).toBeUndefined();
    expect(traceIdOf(`00-${SERVER_TRACE}-short-01`)).toBeUndefined();
    expect(traceIdOf(`00-${SERVER_TRACE.toUpperCase()}-00f067aa0ba902b7-01`)).toBeUndefined();
  });
});

describe('requestType', () => {
  it('names what hls.js loads', () => {
    expect(requestType({ url: 'm.m3u8', type: 'manifest' })).toBe('manifest');
    expect(requestType({ url: 'v.m3u8', type: 'level' })).toBe('playlist');
    expect(requestType({ url: 'a.m3u8', type: 'audioTrack' })).toBe('playlist');
    expect(requestType({ url: 'init.mp4', frag: { sn: 'initSegment' } })).toBe('init');
    expect(requestType({ url: 's1.m4s', frag: { sn: 1, level: 0 } })).toBe('segment');
    expect(requestType({ url: 'x.json', type: 'steering-manifest' })).toBe('other');
  });

  it('names a key request a key, although hls.js gives its context the fragment too', () => {
    // hls.js' KeyLoaderContext: { type: 'key', keyInfo, frag, url }.
    const key = { url: 'k.key', type: 'key', keyInfo: {}, frag: { sn: 3 } } as HlsLoaderContext;
    expect(requestType(key)).toBe('key');
  });
});

/** installTracingLoaders on a fake hls.js, with a page clock the test moves. */
function rig(
  over: Partial<TracingDeps> = {},
  config: { pLoader?: HlsLoaderClass; fLoader?: HlsLoaderClass } = {},
) {
  let t = 1000;
  let n = 0;
  const inner: FakeLoader[] = [];
  const Base = fakeLoader(inner);
  const hls = new FakeHls({ loader: Base, ...config });
  const spans: SdkSpan[] = [];
  const records: RequestRecord[] = [];
  const { guard, first } = guardRig();
  const undo = installTracingLoaders(hls.like, {
    guard,
    now: () => t,
    parent: () => ({ traceId: VIEW_TRACE, spanId: VIEW_SPAN }),
    newSpanId: () => (++n).toString(16).padStart(16, '0'),
    span: (s) => spans.push(s),
    epochMs: (x) => EPOCH + x,
    request: (r) => records.push(r),
    ...over,
  });
  /** Loads `ctx` through the class hls.js would use; returns the player's callbacks and the inner loader. */
  const load = (ctx: HlsLoaderContext, Loader: HlsLoaderClass = hls.config.loader) => {
    const player: HlsLoaderCallbacks = {
      onSuccess: vi.fn(),
      onError: vi.fn(),
      onTimeout: vi.fn(),
      onAbort: vi.fn(),
    };
    const loader = new Loader({} as never);
    loader.load(ctx, {}, player);
    return { player, loader, inner: inner[inner.length - 1]! };
  };
  return { hls, Base, inner, spans, records, guard, first, undo, load, advance: (ms: number) => (t += ms) };
}

const seg = (sn: number, url = `https://cdn.example/v/720p/s${sn}.m4s`): HlsLoaderContext => ({
  url,
  frag: { sn, level: 1 },
  headers: { 'x-app': 'kept' },
});

describe('installTracingLoaders', () => {
  it('gives every load a fresh traceparent under the view, keeping its headers', () => {
    const r = rig();
    const a = r.load(seg(1));
    const b = r.load(seg(2));
    expect(a.inner.context!.headers).toEqual({
      'x-app': 'kept',
      traceparent: `00-${VIEW_TRACE}-0000000000000001-01`,
    });
    expect(b.inner.context!.headers!.traceparent).toBe(`00-${VIEW_TRACE}-0000000000000002-01`);
    expect(r.spans).toHaveLength(0);
  });

  it('ends a completed request as a client span and a record with the loader’s figures', () => {
    const r = rig();
    const req = r.load(seg(7));
    r.advance(80);
    const details = xhr(200, {
      'cache-status': 'coursecast; hit; ttl=3600',
      traceresponse: `00-${SERVER_TRACE}-00f067aa0ba902b7-01`,
    });
    req.inner.succeed({ loaded: 5000, loading: { start: 1000, first: 1030, end: 1080 } }, details);
    expect(req.player.onSuccess).toHaveBeenCalledTimes(1);
    expect(r.spans).toEqual([
      {
        traceId: VIEW_TRACE,
        spanId: '0000000000000001',
        parentSpanId: VIEW_SPAN,
        name: 'GET',
        kind: 3,
        startMs: EPOCH + 1000,
        endMs: EPOCH + 1080,
        attributes: {
          'http.request.method': 'GET',
          'url.full': 'https://cdn.example/v/720p/s7.m4s',
          'content.request.type': 'segment',
          'http.response.status_code': 200,
        },
        status: { code: 0 },
      },
    ]);
    const rec = r.records[0]!;
    expect(rec).toMatchObject({ type: 'segment', outcome: 'completed', start: 1000, end: 1080 });
    expect(rec.spanId).toBe('0000000000000001');
    expect(rec.attrs).toMatchObject({
      [ATTR_REQUEST_TTFB_MS]: 30,
      [ATTR_REQUEST_DOWNLOAD_MS]: 50,
      [ATTR_REQUEST_BYTES]: 5000,
      [ATTR_CDN_CACHE_STATUS]: 'HIT',
      [ATTR_SERVER_TRACE_ID]: SERVER_TRACE,
      [ATTR_REQUEST_RETRIES]: 0,
    });
  });

  it('reads the headers of a fetch Response too', () => {
    const r = rig();
    const req = r.load({ url: 'https://cdn.example/v/master.m3u8', type: 'manifest' });
    const res = new Response('', {
      status: 200,
      headers: {
        'cache-status': 'coursecast; fwd=miss; stored',
        traceresponse: `00-${SERVER_TRACE}-00f067aa0ba902b7-01`,
      },
    });
    req.inner.succeed({ total: 900 }, res);
    expect(r.records[0]!.attrs).toMatchObject({
      'content.request.type': 'manifest',
      [ATTR_CDN_CACHE_STATUS]: 'MISS',
      [ATTR_SERVER_TRACE_ID]: SERVER_TRACE,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      [ATTR_REQUEST_BYTES]: 900,
    });
  });

  it('counts failed loads of the same request as the retries of its success', () => {
    const r = rig();
    const url = 'https://cdn.example/v/720p/index.m3u8';
    r.load({ url: `${url}?_HLS_msn=1`, type: 'level' }).inner.fail(404);
    r.load({ url, type: 'level' }).inner.fail(503);
    // Another request's failure is not this one's retry.
    r.load({ url: 'https://cdn.example/v/360p/index.m3u8', type: 'level' }).inner.fail(404);
    r.load({ url, type: 'level' }).inner.succeed();
    const outcomes = r.records.map((x) => [x.attrs[ATTR_REQUEST_OUTCOME], x.attrs[ATTR_ERROR_TYPE]]);
    expect(outcomes).toEqual([
      ['failed', '404'],
      ['failed', '503'],
      ['failed', '404'],
      ['completed', undefined],
    ]);
    expect(r.records[3]!.attrs[ATTR_REQUEST_RETRIES]).toBe(2);
    expect(r.spans[0]!.status).toEqual({ code: 2 });
    expect(r.spans[0]!.attributes[ATTR_ERROR_TYPE]).toBe('404');
    // The count starts again after a success.
    r.load({ url, type: 'level' }).inner.succeed();
    expect(r.records[4]!.attrs[ATTR_REQUEST_RETRIES]).toBe(0);
  });

  it('counts the retries hls.js made inside its loader (stats.retry)', () => {
    const r = rig();
    r.load({ url: 'https://cdn.example/m.m3u8', type: 'manifest' }).inner.succeed({ retry: 2 });
    expect(r.records[0]!.attrs[ATTR_REQUEST_RETRIES]).toBe(2);
  });

  it('reports a timeout as a failure of type timeout, and a network error without a status', () => {
    const r = rig();
    const a = r.load(seg(1));
    a.inner.timeout();
    expect(a.player.onTimeout).toHaveBeenCalledTimes(1);
    const b = r.load(seg(2));
    b.inner.fail(0, xhr(0));
    expect(b.player.onError).toHaveBeenCalledTimes(1);
    expect(r.records.map((x) => [x.outcome, x.attrs[ATTR_ERROR_TYPE]])).toEqual([
      ['failed', 'timeout'],
      ['failed', 'network'],
    ]);
    expect(r.records[1]!.attrs[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBeUndefined();
  });

  it('reports an abort as aborted, once, and passes it on', () => {
    const r = rig();
    const req = r.load(seg(4));
    req.loader.abort();
    req.loader.abort();
    expect(req.player.onAbort).toHaveBeenCalledTimes(2);
    expect(r.records.map((x) => x.outcome)).toEqual(['aborted']);
    expect(r.spans[0]!.status).toEqual({ code: 0 });
  });

  it('passes the loader’s other members through', () => {
    const r = rig();
    const req = r.load(seg(5));
    expect(req.loader.context).toBe(req.inner.context);
    expect(req.loader.stats).toBe(req.inner.stats);
    req.loader.destroy();
    expect(req.inner.destroyed).toBe(true);
  });

  it('wraps the CMCD pLoader and fLoader present at install, and the undo restores all three', () => {
    const made: FakeLoader[] = [];
    const P = fakeLoader(made);
    const F = fakeLoader(made);
    const r = rig({}, { pLoader: P, fLoader: F });
    expect(r.hls.config.loader).not.toBe(r.Base);
    expect(r.hls.config.pLoader).not.toBe(P);
    expect(r.hls.config.fLoader).not.toBe(F);
    r.load({ url: 'https://cdn.example/v.m3u8', type: 'level' }, r.hls.config.pLoader);
    r.load(seg(1), r.hls.config.fLoader);
    expect(made.map((l) => l.context!.headers!.traceparent)).toEqual([
      `00-${VIEW_TRACE}-0000000000000001-01`,
      `00-${VIEW_TRACE}-0000000000000002-01`,
    ]);
    r.undo();
    expect(r.hls.config.loader).toBe(r.Base);
    expect(r.hls.config.pLoader).toBe(P);
    expect(r.hls.config.fLoader).toBe(F);
  });

  it('leaves pLoader and fLoader unset when hls.js had none', () => {
    const r = rig();
    expect(r.hls.config.pLoader).toBeUndefined();
    expect(r.hls.config.fLoader).toBeUndefined();
  });

  it('never lets a failing span or request sink break the player’s callback', () => {
    const boom = () => {
      throw new Error('sink down');
    };
    const a = rig({ span: boom });
    const x = a.load(seg(1));
    x.inner.succeed();
    expect(x.player.onSuccess).toHaveBeenCalledTimes(1);
    expect(a.guard.count()).toBe(1);
    expect(a.first).toEqual(['request']);

    const b = rig({ request: boom });
    const y = b.load(seg(1));
    y.inner.fail(500);
    expect(y.player.onError).toHaveBeenCalledTimes(1);
    expect(b.guard.count()).toBe(1);
  });

  it('loads untraced, with the player’s own callbacks, when tracing the request fails', () => {
    const r = rig({
      parent: () => {
        throw new Error('no view');
      },
    });
    const req = r.load(seg(1));
    expect(req.inner.callbacks).toBe(req.player);
    expect(req.inner.context!.headers).toEqual({ 'x-app': 'kept' });
    req.inner.succeed();
    expect(req.player.onSuccess).toHaveBeenCalledTimes(1);
    expect(r.first).toEqual(['loader']);
    expect(r.records).toHaveLength(0);
  });
});

// nginx as the edge (docs/operations.md): a real CDN node in front of our origin keeps its cache semantics,
// the origin's error bodies and the trace. nginx is installed by scripts/setup; missing it fails here.
import { ATTR_CDN_SERVED_FROM, ATTR_CONTENT_PATH, CDN_SERVED_FROM } from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNginxInstalled, startNginx } from '../../../test-support/nginx-process.js';
import { edgeCacheHttpBlock } from '../../../test-support/nginx-sites.js';
import type { NginxProcess } from '../../../test-support/nginx-process.js';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { PACKAGE_CSP } from '../http/package-headers.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { nodeGet, type NodeAnswer } from '../../../test-support/raw-http.js';

let t: TestServer;
let nginx: NginxProcess;
let p: PublishedItem;
/** An interactive package's file: served with the sandboxing CSP. */
let pkg: PublishedItem;
const playlist = '#EXTM3U\n#EXT-X-VERSION:7\n#EXTINF:4.0,\nseg_00001.m4s\n#EXTINF:4.0,\nseg_00002.m4s\n';
const segments = [1, 2, 3, 4, 5, 6].map((i) => patternBytes(60_000 + i * 1000, i));
const seg = (i: number): string => `360p/seg_0000${i}.m4s`;

beforeAll(async () => {
  assertNginxInstalled();
  t = await startTestServer({}, { startQueue: false });
  const originPort = Number(new URL(await t.cc.listen()).port);
  const files: Record<string, string | Buffer> = {
    'master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n',
    '360p/index.m3u8': `${playlist}#EXT-X-ENDLIST\n`,
  };
  segments.forEach((body, i) => (files[seg(i + 1)] = body));
  p = await publishItem(t.cc, files);
  pkg = await publishItem(t.cc, { 'index.html': '<!doctype html><title>module</title>' }, 'interactive');
  nginx = await startNginx(edgeCacheHttpBlock({ originPort }));
});

afterAll(async () => {
  await nginx?.stop();
  await t?.close();
});

type Answer = NodeAnswer;

/** A GET to nginx with node:http (fetch would add its own headers and decode). */
const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
  nodeGet(`${nginx.url}${path}`, headers);

async function originSpans(file: string) {
  await t.cc.instrumentation.forceFlush();
  return t.spans
    .getFinishedSpans()
    .filter(
      (s) => s.name === 'content.serve_request' && s.attributes[ATTR_CONTENT_PATH] === p.originPath(file),
    );
}

describe('nginx as the edge in front of the origin', () => {
  it("keeps a package's sandboxing CSP and nosniff, on the miss and on the hit", async () => {
    for (const status of ['MISS', 'HIT']) {
      const res = await get(pkg.mediaPath('index.html'));
      expect(res.status).toBe(200);
      expect(String(res.headers['cache-status'])).toContain(status === 'HIT' ? 'hit' : 'fwd=miss');
      expect(res.headers['content-security-policy']).toBe(PACKAGE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('misses once, then hits with identical bytes; the origin served it exactly once', async () => {
    const miss = await get(p.mediaPath(seg(1)));
    expect(miss.status).toBe(200);
    expect(miss.body.equals(segments[0]!)).toBe(true);
    expect(miss.headers['cache-status']).toBe('nginx; fwd=miss; fwd-status=200; stored');
    const hit = await get(p.mediaPath(seg(1)));
    expect(hit.status).toBe(200);
    expect(hit.body.equals(segments[0]!)).toBe(true);
    expect(hit.headers['cache-status']).toBe('nginx; hit');
    // The origin's representation headers pass through unchanged.
    expect(hit.headers).toMatchObject({
      etag: miss.headers.etag,
      'content-type': 'video/iso.segment',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-length': String(segments[0]!.length),
    });
    const spans = await originSpans(seg(1));
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes[ATTR_CDN_SERVED_FROM]).toBe(CDN_SERVED_FROM.origin);
  });

  it('caches playlists for the origin-given 30 s', async () => {
    const first = await get(p.mediaPath('360p/index.m3u8'));
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=30, stale-while-revalidate=30/);
    expect(first.headers['cache-status']).toMatch(/fwd=miss.*stored/);
    const second = await get(p.mediaPath('360p/index.m3u8'));
    expect(second.headers['cache-status']).toBe('nginx; hit');
    expect(second.body.toString()).toBe(`${playlist}#EXT-X-ENDLIST\n`);
  });

  it("passes the player's traceparent to the origin: its span joins the player's trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const res = await get(p.mediaPath(seg(2)), { traceparent: `00-${traceId}-${spanId}-01` });
    expect(res.status).toBe(200);
    const [span, ...more] = await originSpans(seg(2));
    expect(more).toHaveLength(0);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext?.spanId).toBe(spanId);
  });

  it('passes CMCD (query and headers) to the origin on a miss, and keeps the query out of the cache key', async () => {
    const cmcd = encodeURIComponent('br=3200,ot=v,sid="sess-nginx-1"');
    const miss = await get(`${p.mediaPath(seg(3))}?CMCD=${cmcd}`, { 'cmcd-request': 'bl=21300' });
    expect(miss.status).toBe(200);
    expect(miss.headers['cache-status']).toMatch(/fwd=miss/);
    const [span] = await originSpans(seg(3));
    expect(span!.attributes).toMatchObject({
      'session.id': 'sess-nginx-1',
      'cmcd.bitrate_kbps': 3200,
    });
    const other = await get(`${p.mediaPath(seg(3))}?CMCD=${encodeURIComponent('br=800,sid="sess-2"')}`);
    expect(other.headers['cache-status']).toBe('nginx; hit');
    expect(other.body.equals(segments[2]!)).toBe(true);
  });

  it('answers ranges with 206 and the right bytes, cached or not', async () => {
    const cached = await get(p.mediaPath(seg(1)), { range: 'bytes=100-1099' });
    expect(cached.status).toBe(206);
    expect(cached.headers['content-range']).toBe(`bytes 100-1099/${segments[0]!.length}`);
    expect(cached.body.equals(segments[0]!.subarray(100, 1100))).toBe(true);
    // On a miss nginx fetches the whole object (it strips Range when caching) and cuts the range itself.
    const fresh = await get(p.mediaPath(seg(4)), { range: 'bytes=-500' });
    expect(fresh.status).toBe(206);
    const size = segments[3]!.length;
    expect(fresh.headers['content-range']).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect(fresh.body.equals(segments[3]!.subarray(size - 500))).toBe(true);
    expect((await get(p.mediaPath(seg(4)))).headers['cache-status']).toBe('nginx; hit');
  });

  it("answers an unknown item with the origin's 404 JSON, and does not cache it", async () => {
    const path = '/media/itm_doesnotexist/job_none/360p/seg_00001.m4s';
    for (let i = 0; i < 2; i++) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res.body.toString())).toMatchObject({
        error: { code: 'item_not_found', message: expect.stringContaining('itm_doesnotexist') },
      });
      expect(res.headers['cache-status']).toBe('nginx; fwd=miss; fwd-status=404');
    }
  });

  it('keeps serving cached objects when the origin is down; uncached ones answer 502/504', async () => {
    await get(p.mediaPath(seg(5)));
    await t.close(); // memoized: afterAll's close() is then a no-op
    const cached = await get(p.mediaPath(seg(5)));
    expect(cached.status).toBe(200);
    expect(cached.body.equals(segments[4]!)).toBe(true);
    expect(cached.headers['cache-status']).toMatch(/^nginx; hit/);
    const playlistRes = await get(p.mediaPath('360p/index.m3u8'));
    expect(playlistRes.status).toBe(200);
    expect(playlistRes.headers['cache-status']).toMatch(/^nginx; hit/);
    const uncached = await get(p.mediaPath(seg(6)));
    expect([502, 504]).toContain(uncached.status);
    expect(uncached.headers['cache-status']).toMatch(/^nginx; fwd=miss; fwd-status=50[24]$/);
  });
});

import { readdirSync } from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';

let t: TestServer;
let p: PublishedItem;
const segment = patternBytes(300_000, 11);
const big = patternBytes(3 * 1024 * 1024, 12);

beforeAll(async () => {
  t = await startTestServer(
    { delivery: { cacheBytes: 1024 * 1024, maxObjectBytes: 512 * 1024 } },
    { startQueue: false },
  );
  const files: Record<string, Buffer | string> = {
    'master.m3u8': '#EXTM3U\n',
    '360p/index.m3u8': '#EXTM3U\n#EXT-X-ENDLIST\n',
    '360p/seg_00001.m4s': segment,
    'big.m4s': big,
  };
  for (let i = 2; i <= 8; i++) files[`360p/seg_0000${i}.m4s`] = patternBytes(300_000, i);
  p = await publishItem(t.cc, files);
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  t.cc.app.inject({ method, url, headers });

async function originSpans(path: string) {
  await t.cc.instrumentation.forceFlush();
  return t.spans
    .getFinishedSpans()
    .filter((s) => s.name === 'content.serve_request' && s.attributes['content.path'] === `/origin${path}`);
}

describe('edge: hits and misses', () => {
  it('fetches a segment once from the origin (MISS), then serves it from memory (HIT)', async () => {
    const url = p.mediaPath('360p/seg_00001.m4s');
    const miss = await get(url);
    expect(miss.statusCode).toBe(200);
    expect(miss.rawPayload.equals(segment)).toBe(true);
    expect(miss.headers['cache-status']).toBe('coursecast; fwd=miss; fwd-status=200; stored');
    // Every span is recorded here (hitSpanRatio 1), so each answer also names its span (trace-response.test.ts).
    expect(miss.headers['server-timing']).toMatch(
      /^edge;dur=\d+\.\d\d, origin;dur=\d+\.\d\d, traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-01"$/,
    );
    const hit = await get(url);
    expect(hit.statusCode).toBe(200);
    expect(hit.rawPayload.equals(segment)).toBe(true);
    expect(hit.headers['cache-status']).toMatch(/^coursecast; hit; ttl=3153\d{4}$/);
    expect(hit.headers['server-timing']).toMatch(/^edge;dur=\d+\.\d\d, traceparent;desc="00-[^"]+"$/);
    expect(hit.headers).toMatchObject({
      etag: miss.headers.etag,
      'content-type': 'video/iso.segment',
      'cache-control': 'public, max-age=31536000, immutable',
      age: '0',
    });
    expect(await originSpans(url)).toHaveLength(1);
  });

  it('collapses 64 concurrent misses for one object into one origin fetch', async () => {
    const url = p.mediaPath('360p/seg_00002.m4s');
    const answers = await Promise.all(Array.from({ length: 64 }, () => get(url)));
    const expected = patternBytes(300_000, 2);
    for (const a of answers) expect(a.rawPayload.equals(expected)).toBe(true);
    expect(await originSpans(url)).toHaveLength(1);
    const statuses = answers.map((a) => String(a.headers['cache-status']));
    expect(statuses.filter((s) => s.includes('collapsed'))).toHaveLength(63);
  });

  it('answers ranges and conditional requests from the cached copy', async () => {
    const url = p.mediaPath('360p/seg_00001.m4s');
    const part = await get(url, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/300000');
    expect(part.rawPayload.equals(segment.subarray(100, 200))).toBe(true);
    const full = await get(url);
    const notModified = await get(url, { 'if-none-match': String(full.headers.etag) });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.rawPayload.length).toBe(0);
    const bad = await get(url, { range: 'bytes=400000-' });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe('bytes */300000');
    expect(bad.json()).toMatchObject({ error: { code: 'range_not_satisfiable' } });
    expect(await originSpans(url)).toHaveLength(1);
  });

  it('answers HEAD of a missing object with 404 and no body, and does not cache the 404', async () => {
    const url = p.mediaPath('360p/seg_09999.m4s');
    const head = await get(url, {}, 'HEAD');
    expect(head.statusCode).toBe(404);
    expect(head.rawPayload.length).toBe(0);
    expect(head.headers['cache-status']).toBe('coursecast; fwd=miss; fwd-status=404');
    const again = await get(url);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: { code: 'object_not_found' } });
    expect(await originSpans(url)).toHaveLength(2);
  });

  it('refuses bad paths itself, with a Cache-Status naming the reason', async () => {
    const res = await get(`/media/${p.itemId}/${p.version}/%2e%2e/x`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-status']).toBe('coursecast; detail=invalid-path');
    expect(res.json()).toMatchObject({ error: { code: 'invalid_path' } });
  });
});

describe('edge: freshness', () => {
  it('serves an expired playlist stale while revalidating, then revalidates with a 304', async () => {
    const url = p.mediaPath('360p/index.m3u8');
    expect((await get(url)).headers['cache-status']).toMatch(/fwd=miss/);
    const start = Date.now();
    // max-age=30, stale-while-revalidate=30: at +40 s it is stale but usable.
    vi.spyOn(Date, 'now').mockReturnValue(start + 40_000);
    const stale = await get(url);
    expect(stale.statusCode).toBe(200);
    expect(stale.headers['cache-status']).toMatch(
      /^coursecast; hit; ttl=-1\d; detail=stale-while-revalidate$/,
    );
    await vi.waitFor(async () => expect(await originSpans(url)).toHaveLength(2));
    expect((await get(url)).headers['cache-status']).toMatch(/^coursecast; hit; ttl=/);
    // Past both windows: the request waits for a revalidation, which the origin answers with 304.
    vi.spyOn(Date, 'now').mockReturnValue(start + 200_000);
    const expired = await get(url);
    expect(expired.statusCode).toBe(200);
    expect(expired.body).toBe('#EXTM3U\n#EXT-X-ENDLIST\n');
    expect(expired.headers['cache-status']).toBe('coursecast; fwd=stale; fwd-status=304; stored');
  });
});

describe('edge: bounds and purge', () => {
  it('keeps the cache under its byte bound by evicting the least recently used', async () => {
    for (let i = 3; i <= 8; i++) await get(p.mediaPath(`360p/seg_0000${i}.m4s`));
    const edge = t.cc.edge!;
    expect(edge.cache.bytes()).toBeLessThanOrEqual(1024 * 1024);
    expect(edge.cache.objects()).toBeLessThanOrEqual(4);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/cdn_cache_evictions_total\{[^}]*cdn_eviction_reason="capacity"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/cdn_cache_size_bytes\{[^}]*\} \d+/);
    expect(metrics).toMatch(
      /cdn_requests_total\{[^}]*cdn_cache_status="HIT"[^}]*content_type="video_segment"/,
    );
    expect(metrics).toMatch(/cdn_egress_bytes_total\{[^}]*cdn_cache_status="MISS"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*cdn_cache_status="HIT"/);
    expect(metrics).not.toContain(p.itemId);
  });

  it('streams objects above the size limit without keeping them', async () => {
    const res = await get(p.mediaPath('big.m4s'));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(big)).toBe(true);
    expect(res.headers['cache-status']).toBe('coursecast; fwd=miss; fwd-status=200; detail=too-large');
    expect(res.headers['content-length']).toBe(String(big.length));
    const part = await get(p.mediaPath('big.m4s'), { range: 'bytes=1000000-1000009' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000000-1000009/${big.length}`);
    expect(part.headers['content-length']).toBe('10');
    expect(part.rawPayload.equals(big.subarray(1_000_000, 1_000_010))).toBe(true);
    // A part larger than any error body (a player's `bytes=0-` on a long source) is streamed from the origin's
    // 206 as it comes, not fetched again and again.
    const open = await get(p.mediaPath('big.m4s'), { range: 'bytes=0-' });
    expect(open.statusCode).toBe(206);
    expect(open.headers['content-range']).toBe(`bytes 0-${big.length - 1}/${big.length}`);
    expect(open.rawPayload.equals(big)).toBe(true);
    const tail = await get(p.mediaPath('big.m4s'), { range: `bytes=${big.length - 300_000}-` });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(big.subarray(big.length - 300_000))).toBe(true);
  });

  it('survives clients that disconnect mid-segment, leaking neither fetches nor files', async () => {
    const port = Number(new URL(await t.cc.listen()).port);
    const fds = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`GET ${p.mediaPath('big.m4s')} HTTP/1.1\r\nHost: x\r\n\r\n`);
        });
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
      });
    }
    await vi.waitFor(() => expect(t.cc.edge!.fetcher.inflight()).toBe(0));
    await vi.waitFor(() => expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fds + 2));
    expect((await get(p.mediaPath('360p/seg_00001.m4s'))).statusCode).toBe(200);
  });

  it('purges an item’s objects when it is deleted', async () => {
    const url = p.mediaPath('master.m3u8');
    await get(url);
    expect((await get(url)).headers['cache-status']).toMatch(/hit/);
    const del = await t.cc.app.inject({ method: 'DELETE', url: `/api/items/${p.itemId}`, headers: t.auth });
    expect(del.statusCode).toBe(204);
    const after = await get(url);
    expect(after.statusCode).toBe(404);
    expect(after.headers['cache-status']).toBe('coursecast; fwd=miss; fwd-status=404');
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/cdn_cache_evictions_total\{[^}]*cdn_eviction_reason="purge"[^}]*\} [1-9]/);
  });
});

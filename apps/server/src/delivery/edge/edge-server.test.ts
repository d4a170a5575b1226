import { EdgeHealthResponseSchema } from '@coursecast/api';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '../../config.js';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../../../test-support/test-server.js';
import { createEdgeServer, type EdgeServer } from './edge-server.js';

let origin: TestServer;
let originUrl: string;
let p: PublishedItem;
const edgeSpans = new InMemorySpanExporter();
const started: EdgeServer[] = [];

async function startEdge(delivery: ConfigInput['delivery'], token?: string): Promise<EdgeServer> {
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      logLevel: 'silent',
      ...(token ? { adminToken: token } : {}),
      delivery: { serverName: 'edge-1', originRegion: 'eu-test', ...delivery },
    },
  });
  const edge = await createEdgeServer(config, '0.0.0-test', {
    instrumentationExtras: { spanProcessors: [new SimpleSpanProcessor(edgeSpans)] },
  });
  started.push(edge);
  return edge;
}

/** A TCP server that accepts requests and never answers: an origin that hangs. */
function blackHole(): Promise<{ url: string; close(): void }> {
  const server = http.createServer(() => {});
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.closeAllConnections() });
    }),
  );
}

beforeAll(async () => {
  origin = await startTestServer({}, { startQueue: false });
  originUrl = await origin.cc.listen();
  p = await publishItem(origin.cc, {
    'master.m3u8': '#EXTM3U\n',
    '360p/seg_00001.m4s': patternBytes(200_000, 1),
    '360p/seg_00002.m4s': patternBytes(200_000, 2),
  });
});
afterAll(async () => {
  for (const e of started) await e.close();
  await origin.close();
});

describe('coursecast edge: a CDN node in front of an HTTP origin', () => {
  it('serves MISS then HIT, and one trace spans player → edge → origin', async () => {
    const edge = await startEdge({ origin: originUrl });
    const base = await edge.listen();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const playerSpan = '00f067aa0ba902b7';
    const url = `${base}${p.mediaPath('360p/seg_00001.m4s')}`;
    const miss = await fetch(url, { headers: { traceparent: `00-${traceId}-${playerSpan}-01` } });
    expect(miss.status).toBe(200);
    expect(miss.headers.get('cache-status')).toBe('edge-1; fwd=miss; fwd-status=200; stored');
    expect(Buffer.from(await miss.arrayBuffer()).equals(patternBytes(200_000, 1))).toBe(true);
    const hit = await fetch(url);
    expect(hit.headers.get('cache-status')).toMatch(/^edge-1; hit; ttl=/);
    await hit.arrayBuffer();

    await edge.instrumentation.forceFlush();
    await origin.cc.instrumentation.forceFlush();
    const inTrace = [...edgeSpans.getFinishedSpans(), ...origin.spans.getFinishedSpans()].filter(
      (s) => s.spanContext().traceId === traceId,
    );
    const serve = inTrace.find((s) => s.name === 'content.serve_request' && s.attributes['cdn.cache_status']);
    const fetchSpan = inTrace.find((s) => s.name === 'content.origin_fetch');
    const originSpan = inTrace.find(
      (s) =>
        s.name === 'content.serve_request' && s.attributes['cdn.served_from'] === 'origin' && s !== serve,
    );
    expect(serve?.parentSpanContext?.spanId).toBe(playerSpan);
    expect(serve?.attributes).toMatchObject({ 'cdn.cache_status': 'MISS', 'cdn.served_from': 'origin' });
    expect(fetchSpan?.parentSpanContext?.spanId).toBe(serve?.spanContext().spanId);
    expect(fetchSpan?.attributes).toMatchObject({
      'cdn.origin_region': 'eu-test',
      'http.response.status_code': 200,
    });
    expect(fetchSpan?.attributes['cdn.origin_latency_ms']).toBeGreaterThan(0);
    expect(originSpan?.parentSpanContext?.spanId).toBe(fetchSpan?.spanContext().spanId);
    expect(originSpan?.attributes['content.path']).toBe(`/origin${p.mediaPath('360p/seg_00001.m4s')}`);
  });

  it('serves stale when the origin is down, and 502 with a clear body when it has nothing', async () => {
    // An origin that we can stop: a second server on the same data would lock the store, so proxy instead.
    const proxy = http.createServer((req, res) => {
      const upstream = http.request(`${originUrl}${req.url ?? '/'}`, { headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      upstream.end();
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const edge = await startEdge({ origin: proxyUrl, originTimeoutMs: 2000 });
    const base = await edge.listen();
    const playlist = `${base}${p.mediaPath('master.m3u8')}`;
    expect((await fetch(playlist)).status).toBe(200);
    proxy.closeAllConnections();
    await new Promise<void>((r) => proxy.close(() => r()));
    // Expire the cached playlist so the edge has to go to the (dead) origin.
    const held = edge.edge.cache.get(p.mediaPath('master.m3u8'))!;
    held.freshUntil = held.staleWhileRevalidateUntil = Date.now() - 1000;
    const stale = await fetch(playlist);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe('#EXTM3U\n');
    expect(stale.headers.get('cache-status')).toMatch(/^edge-1; fwd=stale; ttl=-\d+; detail=stale-if-error$/);
    const nothing = await fetch(`${base}${p.mediaPath('360p/seg_00002.m4s')}`);
    expect(nothing.status).toBe(502);
    expect(await nothing.json()).toMatchObject({ error: { code: 'origin_unreachable' } });
    expect(nothing.headers.get('cache-status')).toBe('edge-1; fwd=miss; detail=origin-unreachable');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/cdn_origin_fetch_errors_total\{[^}]*error_type="unreachable"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/cdn_requests_total\{[^}]*cdn_cache_status="STALE"[^}]*\} 1/);
  });

  it('answers 504 when the origin does not answer in time', async () => {
    const hole = await blackHole();
    const edge = await startEdge({ origin: hole.url, originTimeoutMs: 300 });
    const base = await edge.listen();
    const res = await fetch(`${base}${p.mediaPath('master.m3u8')}`);
    hole.close();
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'origin_timeout' } });
    expect(res.headers.get('cache-status')).toBe('edge-1; fwd=miss; detail=origin-timeout');
  });

  it('purges by item on an authenticated request from the origin', async () => {
    const edge = await startEdge({ origin: originUrl }, TEST_TOKEN);
    const base = await edge.listen();
    await (await fetch(`${base}${p.mediaPath('360p/seg_00002.m4s')}`)).arrayBuffer();
    expect(edge.edge.cache.objects()).toBe(1);
    const refused = await fetch(`${base}/edge/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ itemId: p.itemId }),
    });
    expect(refused.status).toBe(401);
    const bad = await fetch(`${base}/edge/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ item: p.itemId }),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${base}/edge/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ itemId: p.itemId }),
    });
    expect(await ok.json()).toEqual({ itemId: p.itemId, purged: 1 });
    expect(edge.edge.cache.objects()).toBe(0);
  });

  it('traces every miss, hits only by its own ratio whatever the client sends, and counts every request', async () => {
    const edge = await startEdge({ origin: originUrl, hitSpanRatio: 0 });
    const base = await edge.listen();
    const path = p.mediaPath('360p/seg_00002.m4s');
    edgeSpans.reset();
    for (let i = 0; i < 3; i++) await (await fetch(`${base}${path}`)).arrayBuffer();
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4736';
    const sampled = { traceparent: `00-${traceId}-00f067aa0ba902b7-01` };
    // A sampled traceparent (and a malformed CMCD) on 20 hits: no stored span is forced by a stranger.
    for (let i = 0; i < 20; i++) {
      await (await fetch(`${base}${path}?CMCD=br%3Dnope`, { headers: sampled })).arrayBuffer();
    }
    // The browser↔edge join holds where the server traces: a sampled player's miss is a child of its span.
    await (await fetch(`${base}${p.mediaPath('360p/seg_00001.m4s')}`, { headers: sampled })).arrayBuffer();
    await edge.instrumentation.forceFlush();
    const serve = edgeSpans.getFinishedSpans().filter((s) => s.name === 'content.serve_request');
    expect(serve.map((s) => s.attributes['cdn.cache_status'])).toEqual(['MISS', 'MISS']);
    expect(serve[1]!.spanContext().traceId).toBe(traceId);
    expect(serve[1]!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/cdn_requests_total\{[^}]*cdn_cache_status="HIT"[^}]*\} 22/);
    expect(metrics).toMatch(/cdn_cmcd_errors_total\{[^}]*\} 20/);
  });

  it('says CMSD duress while its origin fetches pile up, and reads CMCD from a player', async () => {
    const hole = await blackHole();
    const edge = await startEdge({
      origin: hole.url,
      originTimeoutMs: 1500,
      duressInflight: 1,
      hitSpanRatio: 1,
    });
    const base = await edge.listen();
    const body = Buffer.from('#EXTM3U\n');
    const far = Date.now() + 3_600_000;
    edge.edge.cache.set({
      key: p.mediaPath('master.m3u8'),
      itemId: p.itemId,
      body,
      headers: { 'content-type': 'application/vnd.apple.mpegurl' },
      replay: ['content-type', 'application/vnd.apple.mpegurl'],
      etag: '"m"',
      lastModifiedMs: 0,
      storedAt: Date.now(),
      freshUntil: far,
      staleWhileRevalidateUntil: far,
      staleIfErrorUntil: far,
    });
    const calm = await fetch(`${base}${p.mediaPath('master.m3u8')}`);
    expect(calm.headers.get('cmsd-dynamic')).toBeNull();
    const stuck = fetch(`${base}${p.mediaPath('360p/seg_00001.m4s')}`);
    await new Promise((r) => setTimeout(r, 100));
    const traceId = '6bf92f3577b34da6a3ce929d0e0e4736';
    const busy = await fetch(
      `${base}${p.mediaPath('master.m3u8')}?CMCD=${encodeURIComponent('bl=21300,br=3200,ot=m,sid="s-1"')}`,
      {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      },
    );
    expect(busy.status).toBe(200);
    expect(busy.headers.get('cmsd-dynamic')).toBe('"edge-1";du');
    expect((await stuck).status).toBe(504);
    hole.close();
    const bad = await fetch(`${base}${p.mediaPath('master.m3u8')}?CMCD=br%3D%22x`);
    expect(bad.status).toBe(200);
    await edge.instrumentation.forceFlush();
    const span = edgeSpans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
    expect(span?.attributes).toMatchObject({
      'session.id': 's-1',
      'cmcd.buffer_length_ms': 21300,
      'cmcd.bitrate_kbps': 3200,
      'cmcd.object_type': 'm',
      'cdn.cache_status': 'HIT',
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/cdn_cmcd_errors_total\{[^}]*cdn_cmcd_source="query"[^}]*\} 1/);
  });

  it('answers liveness with its cache and readiness like a server, both in their schemas', async () => {
    const edge = await startEdge({ origin: originUrl });
    const live = await edge.app.inject({ url: '/healthz' });
    expect(EdgeHealthResponseSchema.parse(live.json())).toEqual({
      status: 'ok',
      origin: originUrl,
      cache: { bytes: 0, objects: 0, capacity: expect.any(Number) as unknown },
    });
    const ready = await edge.app.inject({ url: '/healthz/ready' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready', notReady: [], checks: [] }]);
  });

  it('refuses to start without an origin', async () => {
    await expect(startEdge({})).rejects.toThrow(/needs its origin/);
  });

  it('offers the test fault routes when testing.faults is on, behind the admin token', async () => {
    const config = (token?: string) =>
      loadConfig({
        env: { COURSECAST_TEST_FAULTS: '1' },
        overrides: {
          port: 0,
          logLevel: 'silent',
          delivery: { origin: originUrl },
          ...(token ? { adminToken: token } : {}),
        },
      });
    await expect(createEdgeServer(config(), '0.0.0-test')).rejects.toThrow(/testing\.faults/);
    const edge = await createEdgeServer(config(TEST_TOKEN), '0.0.0-test');
    started.push(edge);
    const put = await edge.app.inject({
      method: 'PUT',
      url: '/api/test/faults',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { rules: [{ match: 'master.m3u8', status: 503, times: 1 }] },
    });
    expect(put.statusCode).toBe(200);
    const url = p.mediaPath('master.m3u8');
    const failed = await edge.app.inject({ url });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['cache-status']).toBe('coursecast; detail=test-fault');
    expect((await edge.app.inject({ url })).statusCode).toBe(200);
  });
});

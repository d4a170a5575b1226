import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ATTR_CONTENT_PATH, ATTR_TEST_FAULT, SPAN_CONTENT_SERVE_REQUEST } from '@coursecast/semconv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import type { FaultRule } from './fault-injector.js';

let t: TestServer;
let p: PublishedItem;

beforeAll(async () => {
  t = await startTestServer({ testing: { faults: true } }, { startQueue: false });
  const files: Record<string, string | Buffer> = {
    'master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n',
    '360p/index.m3u8': '#EXTM3U\n#EXTINF:4.0,\nseg_00001.ts\n#EXT-X-ENDLIST\n',
  };
  for (let i = 1; i <= 4; i++) files[`360p/seg_0000${i}.ts`] = patternBytes(50_000, i);
  p = await publishItem(t.cc, files);
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.cc.app.inject({ method: 'DELETE', url: '/api/test/faults', headers: t.auth });
});

const get = (url: string) => t.cc.app.inject({ url });
const setRules = (rules: unknown) =>
  t.cc.app.inject({ method: 'PUT', url: '/api/test/faults', headers: t.auth, payload: { rules } });

async function serveSpans(url: string, served = t) {
  await served.cc.instrumentation.forceFlush();
  return served.spans
    .getFinishedSpans()
    .filter((s) => s.name === SPAN_CONTENT_SERVE_REQUEST && s.attributes[ATTR_CONTENT_PATH] === url);
}

describe('fault routes', () => {
  it('replaces, lists with counts, and clears the rules, admin only', async () => {
    const rules: FaultRule[] = [
      { match: 'master.m3u8', status: 404, times: 2 },
      { match: '.ts', delayMs: 10 },
    ];
    const put = await setRules(rules);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ rules: rules.map((r) => ({ ...r, fired: 0 })) });
    const listed = await t.cc.app.inject({ url: '/api/test/faults', headers: t.auth });
    expect(listed.json()).toEqual(put.json());
    const del = await t.cc.app.inject({ method: 'DELETE', url: '/api/test/faults', headers: t.auth });
    expect(del.statusCode).toBe(204);
    expect((await t.cc.app.inject({ url: '/api/test/faults', headers: t.auth })).json()).toEqual({
      rules: [],
    });
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const res = await t.cc.app.inject({ method, url: '/api/test/faults', payload: { rules } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('answers 400 naming the invalid field', async () => {
    const res = await setRules([{ match: 'a', delayMs: 120_000 }]);
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('rules.0.delayMs');
    expect((await setRules([{ match: 'a' }])).json()).toMatchObject({
      error: { message: expect.stringContaining('a rule needs status, delayMs or both') },
    });
  });
});

describe('edge faults', () => {
  it('fails a playlist with 404 twice, then serves it (times: 2), caching none of the failures', async () => {
    await setRules([{ match: 'master.m3u8', status: 404, times: 2 }]);
    const url = p.mediaPath('master.m3u8');
    for (let i = 0; i < 2; i++) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.headers).toMatchObject({
        'cache-status': 'coursecast; detail=test-fault',
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
        'access-control-allow-origin': '*',
      });
      expect(res.json()).toMatchObject({
        error: { code: 'test_fault', message: expect.stringContaining('404') },
      });
    }
    const ok = await get(url);
    expect(ok.statusCode).toBe(200);
    // The first real request: the faults neither reached the origin nor left anything in the cache.
    expect(ok.headers['cache-status']).toBe('coursecast; fwd=miss; fwd-status=200; stored');
    expect((await get(url)).headers['cache-status']).toMatch(/^coursecast; hit/);
    const listed = await t.cc.app.inject({ url: '/api/test/faults', headers: t.auth });
    expect(listed.json()).toMatchObject({ rules: [{ match: 'master.m3u8', fired: 2 }] });
    const spans = await serveSpans(url);
    expect(spans.map((s) => s.attributes[ATTR_TEST_FAULT])).toEqual([
      'status',
      'status',
      undefined,
      undefined,
    ]);
    expect(spans[0]!.attributes['error.type']).toBe('test_fault');
  });

  it('fails every .ts segment with 500, cached or not, and leaves playlists alone', async () => {
    const cached = p.mediaPath('360p/seg_00001.ts');
    expect((await get(cached)).statusCode).toBe(200);
    await setRules([{ match: '.ts', status: 500 }]);
    for (const url of [cached, p.mediaPath('360p/seg_00002.ts')]) {
      const res = await get(url);
      expect(res.statusCode).toBe(500);
      expect(res.headers['cache-status']).toBe('coursecast; detail=test-fault');
    }
    expect((await get(p.mediaPath('360p/index.m3u8'))).statusCode).toBe(200);
    await t.cc.app.inject({ method: 'DELETE', url: '/api/test/faults', headers: t.auth });
    expect((await get(cached)).headers['cache-status']).toMatch(/^coursecast; hit/);
  });

  it('delays one segment, then serves it as usual (a delayed hit is still a hit)', async () => {
    const url = p.mediaPath('360p/seg_00003.ts');
    await get(url);
    await setRules([{ match: '/seg_00003.ts', delayMs: 300, times: 1 }]);
    const started = performance.now();
    const res = await get(url);
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(patternBytes(50_000, 3))).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(res.headers['cache-status']).toMatch(/^coursecast; hit; ttl=/);
    // The edge's own duration includes the wait: Server-Timing tells the truth about where time went.
    expect(
      Number(/^edge;dur=([\d.]+)/.exec(String(res.headers['server-timing']))?.[1]),
    ).toBeGreaterThanOrEqual(295);
    const spans = await serveSpans(url);
    expect(spans.at(-1)!.attributes[ATTR_TEST_FAULT]).toBe('delay');
    expect((await t.cc.app.inject({ url: '/api/test/faults', headers: t.auth })).json()).toMatchObject({
      rules: [{ fired: 1 }],
    });
  });

  it('delays, then fails, when a rule has both', async () => {
    await setRules([{ match: '/seg_00004.ts', delayMs: 200, status: 503 }]);
    const started = performance.now();
    const res = await get(p.mediaPath('360p/seg_00004.ts'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(res.statusCode).toBe(503);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('faults disabled (the default)', () => {
  let off: TestServer;
  beforeAll(async () => {
    off = await startTestServer({}, { startQueue: false });
  });
  afterAll(() => off?.close());

  it('has no routes and no injector, and serves normally', async () => {
    expect(off.cc.config.testing.faults).toBe(false);
    expect(off.cc.edge?.faults).toBeNull();
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const res = await off.cc.app.inject({
        method,
        url: '/api/test/faults',
        headers: off.auth,
        payload: { rules: [{ match: '.ts', status: 500 }] },
      });
      expect(res.statusCode).toBe(404);
    }
    const q = await publishItem(off.cc, { 'seg_00001.ts': patternBytes(1000, 1) });
    const url = q.mediaPath('seg_00001.ts');
    expect((await off.cc.app.inject({ url })).statusCode).toBe(200);
    const spans = await serveSpans(url, off);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes[ATTR_TEST_FAULT]).toBeUndefined();
  });

  it('refuses to start with faults on but no embedded edge to inject them', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-test-'));
    try {
      await expect(
        startTestServer(
          { testing: { faults: true }, delivery: { edge: false } },
          { startQueue: false },
          dataDir,
        ),
      ).rejects.toThrow(ConfigError);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

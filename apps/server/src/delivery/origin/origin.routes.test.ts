import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { rawGet } from '../../../test-support/raw-http.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';

let t: TestServer;
let port: number;
let p: PublishedItem;
const segment = patternBytes(100_000, 7);
const playlist = '#EXTM3U\n#EXT-X-VERSION:7\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n';

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
  port = Number(new URL(await t.cc.listen()).port);
  p = await publishItem(t.cc, {
    'master.m3u8': '#EXTM3U\n',
    '360p/index.m3u8': playlist,
    '360p/init.mp4': patternBytes(800, 3),
    '360p/seg_00001.m4s': segment,
    'audio/seg_00001.m4s': patternBytes(5000, 4),
    'poster.jpg': patternBytes(2000, 5),
  });
  await writeFile(path.join(t.dataDir, 'secret.txt'), 'database password');
  await symlink(path.join(t.dataDir, 'secret.txt'), path.join(p.dir, 'escape.m4s'));
  await symlink(path.join(p.dir, '360p', 'seg_00001.m4s'), path.join(p.dir, 'inside.m4s'));
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  t.cc.app.inject({ method, url, headers });

describe('origin: representation headers', () => {
  it('serves a segment with type, length, strong ETag, Last-Modified and an immutable year', async () => {
    const res = await get(p.originPath('360p/seg_00001.m4s'));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(segment)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'video/iso.segment',
      'content-length': '100000',
      'cache-control': 'public, max-age=31536000, immutable',
      'accept-ranges': 'bytes',
      'access-control-allow-origin': '*',
      'timing-allow-origin': '*',
      'cmsd-static': 'ot=v,sf=h,st=v',
    });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(String(res.headers['last-modified'])).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('labels every kind and keeps playlists short-lived', async () => {
    const cases: [string, string, RegExp][] = [
      ['360p/index.m3u8', 'application/vnd.apple.mpegurl', /^public, max-age=30, stale-while-revalidate=30/],
      ['360p/init.mp4', 'video/mp4', /immutable/],
      ['audio/seg_00001.m4s', 'audio/iso.segment', /immutable/],
      ['poster.jpg', 'image/jpeg', /immutable/],
    ];
    for (const [file, type, cache] of cases) {
      const res = await get(p.originPath(file));
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toBe(type);
      expect(String(res.headers['cache-control']), file).toMatch(cache);
    }
  });

  it('answers conditional GETs with 304 and no body', async () => {
    const first = await get(p.originPath('360p/seg_00001.m4s'));
    const etag = String(first.headers.etag);
    const byTag = await get(p.originPath('360p/seg_00001.m4s'), { 'if-none-match': etag });
    expect(byTag.statusCode).toBe(304);
    expect(byTag.rawPayload.length).toBe(0);
    expect(byTag.headers.etag).toBe(etag);
    const byDate = await get(p.originPath('360p/seg_00001.m4s'), {
      'if-modified-since': String(first.headers['last-modified']),
    });
    expect(byDate.statusCode).toBe(304);
    const changed = await get(p.originPath('360p/seg_00001.m4s'), { 'if-none-match': '"other"' });
    expect(changed.statusCode).toBe(200);
  });

  it('serves single byte ranges with 206 and Content-Range', async () => {
    const res = await get(p.originPath('360p/seg_00001.m4s'), { range: 'bytes=1000-1999' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 1000-1999/100000');
    expect(res.headers['content-length']).toBe('1000');
    expect(res.rawPayload.equals(segment.subarray(1000, 2000))).toBe(true);
    const suffix = await get(p.originPath('360p/seg_00001.m4s'), { range: 'bytes=-10' });
    expect(suffix.rawPayload.equals(segment.subarray(99_990))).toBe(true);
  });

  it('refuses unsatisfiable and malformed ranges with 416, naming the size', async () => {
    for (const range of ['bytes=200000-300000', 'bytes=abc']) {
      const res = await get(p.originPath('360p/seg_00001.m4s'), { range });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */100000');
      expect(res.json()).toMatchObject({ error: { code: 'range_not_satisfiable' } });
    }
  });

  it('answers HEAD with the headers and no body, and HEAD of a missing object with 404', async () => {
    const head = await get(p.originPath('360p/seg_00001.m4s'), {}, 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe('100000');
    expect(head.rawPayload.length).toBe(0);
    const missing = await get(p.originPath('360p/seg_09999.m4s'), {}, 'HEAD');
    expect(missing.statusCode).toBe(404);
    expect(missing.rawPayload.length).toBe(0);
  });

  it('answers CORS preflights for Range, traceparent and CMCD headers', async () => {
    const res = await t.cc.app.inject({ method: 'OPTIONS', url: p.originPath('360p/seg_00001.m4s') });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/range.*traceparent.*cmcd-request/);
  });
});

describe('origin: bad paths never escape the content directory', () => {
  it('refuses raw and percent-encoded traversal, NUL bytes and backslashes', async () => {
    const base = `/origin/media/${p.itemId}/${p.version}`;
    const attempts = [
      `${base}/../../../coursecast.duckdb`,
      `${base}/%2e%2e/%2e%2e/%2e%2e/coursecast.duckdb`,
      `${base}/%2E%2E%2F%2E%2E%2Fsecret.txt`,
      `${base}/..%5c..%5csecret.txt`,
      `${base}/seg%00.m4s`,
      `/origin/media/..%2f..%2fsecret.txt/x/y`,
      `/origin/media//etc/passwd`,
      `${base}/%zz`,
    ];
    for (const target of attempts) {
      const res = await rawGet(port, target);
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
      expect(res.body.toString(), target).not.toContain('database password');
      expect(JSON.parse(res.body.toString()), target).toHaveProperty('error.code');
    }
  });

  it('refuses a symlink that leads outside with 403, but follows one that stays inside', async () => {
    const out = await get(p.originPath('escape.m4s'));
    expect(out.statusCode).toBe(403);
    expect(out.json()).toMatchObject({ error: { code: 'forbidden_path' } });
    expect(out.body).not.toContain('database password');
    const inside = await get(p.originPath('inside.m4s'));
    expect(inside.statusCode).toBe(200);
  });

  it('hides staging dirs, unknown items and unpublished versions with 404', async () => {
    expect((await get(`/origin/media/${p.itemId}/.staging-job_1/master.m3u8`)).statusCode).toBe(404);
    const unknown = await get(`/origin/media/itm_unknown/${p.version}/master.m3u8`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'item_not_found' } });
    const stale = await get(`/origin/media/${p.itemId}/job_old/master.m3u8`);
    expect(stale.json()).toMatchObject({ error: { code: 'object_not_found' } });
  });
});

describe('origin: direct play of the uploaded source', () => {
  it('serves /media/<item>/source/<file> with ranges, and nothing else from uploads', async () => {
    const source = patternBytes(50_000, 9);
    const itemId = 'itm_direct1';
    const courseId = 'crs_direct1';
    await t.cc.store.createCourse({ id: courseId, title: 'D', description: '' });
    await mkdir(t.cc.paths.uploadDir(itemId), { recursive: true });
    await writeFile(path.join(t.cc.paths.uploadDir(itemId), 'source.mp4'), source);
    await writeFile(path.join(t.cc.paths.uploadDir(itemId), 'notes.txt'), 'private');
    await t.cc.store.createItemWithJob(
      {
        id: itemId,
        courseId,
        kind: 'video',
        title: 'D',
        sourceFile: `uploads/${itemId}/source.mp4`,
        sourceBytes: source.length,
        sourceInfo: null,
        durationSeconds: 1,
      },
      { id: 'job_direct1', itemId, maxAttempts: 1 },
    );
    const res = await get(`/origin/media/${itemId}/source/source.mp4`, { range: 'bytes=0-99' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['cmsd-static']).toMatch(/^ot=av/);
    expect(res.rawPayload.equals(source.subarray(0, 100))).toBe(true);
    const viaEdge = await get(`/media/${itemId}/source/source.mp4`);
    expect(viaEdge.rawPayload.equals(source)).toBe(true);
    expect((await get(`/origin/media/${itemId}/source/notes.txt`)).statusCode).toBe(404);
    expect((await get(`/origin/media/${itemId}/source/source.mp4/x`)).statusCode).toBe(404);
  });
});

describe('origin: telemetry', () => {
  it('makes each request a serve_request span under the caller’s traceparent', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parent = 'b7ad6b7169203331';
    await get(p.originPath('360p/init.mp4'), { traceparent: `00-${traceId}-${parent}-01` });
    await t.cc.instrumentation.forceFlush();
    const span = t.spans
      .getFinishedSpans()
      .find((s) => s.name === 'content.serve_request' && s.spanContext().traceId === traceId);
    expect(span).toBeDefined();
    expect(span!.parentSpanContext?.spanId).toBe(parent);
    expect(span!.attributes).toMatchObject({
      'content.path': p.originPath('360p/init.mp4'),
      'content.type': 'init',
      'cdn.served_from': 'origin',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'http.response.body.size': 800,
    });
  });

  it('serves despite malformed CMCD, counts it, and records valid CMCD on the span', async () => {
    const bad = await get(`${p.originPath('360p/init.mp4')}?CMCD=br%3Dabc%2C%2C%3D`);
    expect(bad.statusCode).toBe(200);
    const good = await get(p.originPath('360p/init.mp4'), {
      'cmcd-session': 'sid="6e2fb550-c457-11e9-bb97-0800200c9a66",cid="lecture-1"',
      'cmcd-request': 'bl=21300,mtp=48100',
      'cmcd-object': 'br=3200,ot=v',
      traceparent: '00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(good.statusCode).toBe(200);
    await t.cc.instrumentation.forceFlush();
    const span = t.spans
      .getFinishedSpans()
      .find((s) => s.spanContext().traceId === '1af7651916cd43dd8448eb211c80319c');
    expect(span!.attributes).toMatchObject({
      'session.id': '6e2fb550-c457-11e9-bb97-0800200c9a66',
      'cmcd.content_id': 'lecture-1',
      'cmcd.bitrate_kbps': 3200,
      'cmcd.buffer_length_ms': 21300,
      'cmcd.measured_throughput_kbps': 48100,
      'cmcd.object_type': 'v',
    });
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/cdn_cmcd_errors_total\{[^}]*cdn_cmcd_source="query"[^}]*\} [1-9]/);
  });
});

import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../error-handler.js';
import { startTestServer } from '../../test-support/test-server.js';
import { defaultWebDistDir, PAGE_CSP, serverPackageRoot, WEB_PAGES, webRoutes } from './web.routes.js';

const page = (name: string) =>
  `<!doctype html><title>${name}</title><script type="module" src="/web/assets/${name}-abc123.js"></script>`;
type ErrorAnswer = { error: { code: string; message: string } };
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cc-web-'));
  app = Fastify();
  installErrorHandler(app);
  await app.register(webRoutes, { distDir: dir });
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each page's routes, one with a valid id and the id-less or unsafe forms that must 404. */
const ROUTES = [
  { page: 'home', urls: ['/'] },
  { page: 'studio', urls: ['/studio', '/studio/'] },
  { page: 'dashboard', urls: ['/dashboard', '/dashboard/'] },
  { page: 'course', urls: ['/courses/crs_abc-123'] },
  { page: 'watch', urls: ['/watch/itm_abc-123', '/watch/itm_abc-123?course=crs_1&autoplay=1'] },
  { page: 'learn', urls: ['/learn/itm_abc-123', '/learn/itm_abc-123?course=crs_1'] },
] as const;

describe('the web pages', () => {
  it('answer 503 with what to do while the web build is missing, then serve it once built', async () => {
    for (const url of ['/dashboard', '/dashboard/', '/courses/crs_1', '/watch/itm_1', '/learn/itm_1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(503);
      const { error } = res.json<ErrorAnswer>();
      expect(error.code).toBe('web_not_built');
      expect(error.message).toContain('npm run build');
    }
    // Built while the server runs: no restart needed.
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    for (const name of Object.keys(WEB_PAGES) as (keyof typeof WEB_PAGES)[])
      await writeFile(path.join(dir, WEB_PAGES[name]), page(name));
    await writeFile(path.join(dir, 'assets', 'app-abc123.js'), SCRIPT);
    await writeFile(path.join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(SCRIPT));
    for (const { page: name, urls } of ROUTES) {
      for (const url of urls) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body).toBe(page(name));
        // The page is revalidated on every load (it names the current build's assets).
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['content-security-policy']).toBe(PAGE_CSP[name]);
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    }
  });

  it('keep each page to what it needs: MediaSource playback on the watch page only, inline styles on the dashboard only', () => {
    const directives = (policy: string) =>
      Object.fromEntries(
        policy.split('; ').map((d) => [d.slice(0, d.indexOf(' ')), d.slice(d.indexOf(' ') + 1)]),
      );
    const watch = directives(PAGE_CSP.watch);
    // data: for the empty <track> hls.js gives each subtitles rendition.
    expect(watch['media-src']).toBe("'self' blob: data:");
    expect(watch['worker-src']).toBe("'self' blob:");
    for (const policy of Object.values(PAGE_CSP)) {
      const d = directives(policy);
      expect(d['script-src']).toBe("'self'");
      expect(d['connect-src']).toBe("'self'");
      expect(d['object-src']).toBe("'none'");
      expect(d['frame-ancestors']).toBe("'none'");
    }
    expect(directives(PAGE_CSP.dashboard)['style-src']).toContain("'unsafe-inline'");
    expect(directives(PAGE_CSP.course)['style-src']).toBe("'self'");
    expect(PAGE_CSP.studio).toBe(PAGE_CSP.home);
    expect(directives(PAGE_CSP.studio)['style-src']).toBe("'self'");
    expect(watch['style-src']).toBe("'self'");
    expect(directives(PAGE_CSP.course)['media-src']).toBeUndefined();
    // Frames (a sandboxed module, the PDF viewer on a blob:) only on the learn page.
    expect(directives(PAGE_CSP.learn)['frame-src']).toBe("'self' blob:");
    expect(directives(PAGE_CSP.watch)['frame-src']).toBeUndefined();
  });

  it('serves hashed assets for a year, pre-compressed when the browser takes it', async () => {
    const url = '/web/assets/app-abc123.js';
    const plain = await app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/javascript/);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['vary']).toMatch(/accept-encoding/i);
    expect(gz.headers['content-type']).toMatch(/javascript/);
    expect(gz.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    const etag = plain.headers['etag'] as string;
    expect((await app.inject({ url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
  });

  it('answers JSON 404s for missing files, unknown page paths and unsafe ids, and never leaves the build folder', async () => {
    for (const url of [
      '/web/assets/nope.js',
      // The pages are served only at their routes, with their headers: never as files.
      '/web/watch.html',
      '/web/assets/../watch.html',
      '/dashboard/assets/app-abc123.js',
      '/courses/',
      '/watch/',
      '/watch/a.b',
      `/watch/${'x'.repeat(65)}`,
      '/courses/crs_1/items',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json<ErrorAnswer>().error.code, url).toBe('not_found');
    }
    const escape = await app.inject({ url: '/web/assets/..%2F..%2Fetc%2Fpasswd' });
    expect([403, 404]).toContain(escape.statusCode);
  });

  it('finds apps/web/dist from the server package', () => {
    expect(path.basename(serverPackageRoot())).toBe('server');
    expect(defaultWebDistDir()).toBe(path.resolve(serverPackageRoot(), '../web/dist'));
  });

  it('are public in the full app, unlike the admin API behind the dashboard', async () => {
    const t = await startTestServer();
    try {
      for (const url of ['/', '/studio/', '/dashboard/', '/courses/crs_1', '/watch/itm_1'])
        expect([200, 503]).toContain((await t.cc.app.inject({ url })).statusCode);
      expect((await t.cc.app.inject({ url: '/api/dashboard/panels' })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../error-handler.js';
import { startTestServer } from '../test-support/test-server.js';
import { defaultWebDistDir, serverPackageRoot, webRoutes } from './web.routes.js';

const INDEX =
  '<!doctype html><title>dash</title><script type="module" src="/dashboard/assets/app-abc123.js"></script>';
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

describe('/dashboard', () => {
  it('answers 503 with what to do while the web build is missing, then serves it once built', async () => {
    for (const url of ['/dashboard', '/dashboard/']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(503);
      const { error } = res.json<ErrorAnswer>();
      expect(error.code).toBe('web_not_built');
      expect(error.message).toContain('npm run build');
    }
    // Built while the server runs: no restart needed.
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'app-abc123.js'), SCRIPT);
    await writeFile(path.join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(SCRIPT));
    for (const url of ['/dashboard', '/dashboard/']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toBe(INDEX);
      // The page is revalidated on every load (it names the current build's assets).
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets for a year, pre-compressed when the browser takes it', async () => {
    const url = '/dashboard/assets/app-abc123.js';
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

  it('answers JSON 404s for missing files and never leaves the build folder', async () => {
    const missing = await app.inject({ url: '/dashboard/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorAnswer>().error.code).toBe('not_found');
    const escape = await app.inject({ url: '/dashboard/..%2F..%2Fetc%2Fpasswd' });
    expect([403, 404]).toContain(escape.statusCode);
  });

  it('finds apps/web/dist from the server package', () => {
    expect(path.basename(serverPackageRoot())).toBe('server');
    expect(defaultWebDistDir()).toBe(path.resolve(serverPackageRoot(), '../web/dist'));
  });

  it('is public in the full app, unlike the admin API behind it', async () => {
    const t = await startTestServer();
    try {
      const page = await t.cc.app.inject({ url: '/dashboard/' });
      expect([200, 503]).toContain(page.statusCode);
      expect((await t.cc.app.inject({ url: '/api/dashboard/panels' })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

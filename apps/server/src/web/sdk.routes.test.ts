import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../error-handler.js';
import {
  defaultScormRuntimeFile,
  defaultSdkFile,
  SCORM_RUNTIME_SCRIPT_PATH,
  SDK_SCRIPT_PATH,
  sdkRoutes,
} from './sdk.routes.js';

async function appWith(file: string, scormRuntimeFile = '/nonexistent/scorm-runtime.js') {
  const app = Fastify();
  installErrorHandler(app);
  await app.register(sdkRoutes, { file, scormRuntimeFile });
  return app;
}

describe('GET /sdk/coursecast-player-sdk.js', () => {
  it('serves the SDK build as a script any site may load', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-sdk-'));
    const file = path.join(dir, 'sdk.js');
    writeFileSync(file, 'var CoursecastPlayerSDK=(()=>{})();');
    const app = await appWith(file);
    const res = await app.inject({ url: SDK_SCRIPT_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('var CoursecastPlayerSDK=(()=>{})();');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('answers 503 naming the build step when the SDK is not built', async () => {
    const app = await appWith('/nonexistent/sdk.js');
    const res = await app.inject({ url: SDK_SCRIPT_PATH });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: { code: 'web_not_built', message: expect.stringContaining('npm run build') },
    });
  });
});

describe('GET /sdk/coursecast-scorm-runtime.js', () => {
  it('serves the SCORM runtime build with the SDK’s headers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-sdk-'));
    const file = path.join(dir, 'runtime.js');
    writeFileSync(file, '(()=>{window.API={}})();');
    const app = await appWith('/nonexistent/sdk.js', file);
    const res = await app.inject({ url: SCORM_RUNTIME_SCRIPT_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('(()=>{window.API={}})();');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['last-modified']).toBeDefined();
  });

  it('answers 503 naming the build step when the runtime is not built', async () => {
    const app = await appWith('/nonexistent/sdk.js');
    const res = await app.inject({ url: SCORM_RUNTIME_SCRIPT_PATH });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: { code: 'web_not_built', message: expect.stringContaining('SCORM runtime') },
    });
  });

  it('finds the build beside the SDK’s, in packages/player-sdk/dist', () => {
    expect(defaultScormRuntimeFile()).toBe(
      path.join(path.dirname(defaultSdkFile()), 'coursecast-scorm-runtime.js'),
    );
    expect(defaultScormRuntimeFile()).toMatch(/packages[/\\]player-sdk[/\\]dist[/\\]/);
  });
});

import type { ErrorBody, LtiPlatformInfo, LtiPlatformList } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
let base: string;
beforeAll(async () => {
  t = await startTestServer({ lti: { frameAncestors: ['https://*.instructure.com'] } });
  base = await t.cc.listen();
});
afterAll(async () => t?.close());

const moodle = {
  name: 'University Moodle',
  issuer: 'https://moodle.example.edu',
  clientId: 'abc123',
  authLoginUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
  deploymentIds: ['7'],
};
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, auth = true) =>
  t.cc.app.inject({ method, url, headers: auth ? t.auth : {}, ...(payload ? { payload } : {}) });

describe('LTI platform registration (admin)', () => {
  it('registers, lists with the tool URLs to enter at the platform, changes and removes a platform', async () => {
    const created = await call('POST', '/api/lti/platforms', moodle);
    expect(created.statusCode, created.body).toBe(201);
    const { platform } = created.json<{ platform: LtiPlatformInfo }>();
    expect(platform).toMatchObject({ ...moodle, tokenAudience: null, id: expect.stringMatching(/^plt_/) });

    const list = (await call('GET', '/api/lti/platforms')).json<LtiPlatformList>();
    expect(list.platforms.map((p) => p.id)).toContain(platform.id);
    expect(list.tool).toEqual({
      loginUrl: `${base}/lti/login`,
      launchUrl: `${base}/lti/launch`,
      jwksUrl: `${base}/lti/jwks`,
      deepLinkingUrl: `${base}/lti/deep-link`,
      dynamicRegistrationUrl: `${base}/lti/register`,
    });

    const patched = await call('PATCH', `/api/lti/platforms/${platform.id}`, { deploymentIds: ['7', '8'] });
    expect(patched.json<{ platform: LtiPlatformInfo }>().platform.deploymentIds).toEqual(['7', '8']);
    // The launched pages may now be framed by the platform.
    const watch = await t.cc.app.inject({ method: 'GET', url: '/watch/itm_aaaaaaaaaaaaaaaa' });
    // With the operator's own (Canvas courses live on each school's host).
    expect(String(watch.headers['content-security-policy'])).toContain(
      "frame-ancestors 'self' https://*.instructure.com https://moodle.example.edu",
    );

    expect((await call('DELETE', `/api/lti/platforms/${platform.id}`)).statusCode).toBe(204);
    const gone = await call('DELETE', `/api/lti/platforms/${platform.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json<ErrorBody>().error.code).toBe('not_found');
  });

  it('refuses a stranger, a bad registration and a second one of the same issuer and client id', async () => {
    expect((await call('GET', '/api/lti/platforms', undefined, false)).statusCode).toBe(401);
    const bad = await call('POST', '/api/lti/platforms', {
      ...moodle,
      jwksUrl: 'ftp://x',
      deploymentIds: [],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().error.message).toMatch(/jwksUrl.*deploymentIds|deploymentIds.*jwksUrl/s);

    const first = await call('POST', '/api/lti/platforms', { ...moodle, clientId: 'dup' });
    expect(first.statusCode).toBe(201);
    const second = await call('POST', '/api/lti/platforms', { ...moodle, clientId: 'dup', name: 'Copy' });
    expect(second.statusCode).toBe(409);
    expect(second.json<ErrorBody>().error.message).toMatch(/registered already/);
    const names = (await call('GET', '/api/lti/platforms'))
      .json<LtiPlatformList>()
      .platforms.map((p) => p.name);
    expect(names).not.toContain('Copy');
    expect(
      (
        await call(
          'PATCH',
          `/api/lti/platforms/${first.json<{ platform: LtiPlatformInfo }>().platform.id}`,
          {},
        )
      ).statusCode,
    ).toBe(400);
  });
});

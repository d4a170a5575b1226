import type { ErrorBody, LtiPlatformInfo, LtiPlatformList } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DL_SETTINGS, LTI_CLAIM, ltiLaunch } from '../../test-support/lti-launch-kit.js';
import { ROLES, startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
let base: string;
const platforms: TestPlatform[] = [];
beforeAll(async () => {
  t = await startTestServer({ lti: { loginBurst: 1000 } });
  base = await t.cc.listen();
});
afterAll(async () => {
  await Promise.all(platforms.map((p) => p.close()));
  await t?.close();
});

async function platform(o: Parameters<typeof startTestPlatform>[0] = {}): Promise<TestPlatform> {
  const p = await startTestPlatform(o);
  platforms.push(p);
  return p;
}
const registerAt = (lms: TestPlatform, token: string | undefined = lms.registrationToken, auth = t.auth) =>
  t.cc.app.inject({
    method: 'POST',
    url: '/api/lti/dynamic-registration',
    headers: auth,
    payload: {
      openidConfiguration: lms.openidConfigurationUrl,
      ...(token ? { registrationToken: token } : {}),
    },
  });

describe('LTI Dynamic Registration', () => {
  it('registers the tool at the platform and keeps what it answered; the platform then launches', async () => {
    const lms = await platform();
    const res = await registerAt(lms);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ platform: LtiPlatformInfo }>().platform).toMatchObject({
      issuer: lms.issuer,
      clientId: lms.clientId,
      authLoginUrl: lms.authUrl,
      tokenUrl: lms.tokenUrl,
      jwksUrl: lms.jwksUrl,
      deploymentIds: [lms.deploymentId],
      name: expect.stringContaining('testlms'),
    });
    const [sent] = lms.registrations;
    expect(sent!.authorization).toBe(`Bearer ${lms.registrationToken}`);
    expect(sent!.body).toMatchObject({
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: `${base}/lti/login`,
      redirect_uris: [`${base}/lti/launch`],
      jwks_uri: `${base}/lti/jwks`,
      token_endpoint_auth_method: 'private_key_jwt',
      scope: expect.stringContaining('https://purl.imsglobal.org/spec/lti-ags/scope/score'),
      'https://purl.imsglobal.org/spec/lti-tool-configuration': {
        domain: new URL(base).host,
        target_link_uri: `${base}/lti/launch`,
        messages: [
          { type: 'LtiResourceLinkRequest' },
          expect.objectContaining({
            type: 'LtiDeepLinkingRequest',
            target_link_uri: `${base}/lti/deep-link`,
            placements: ['ContentArea'],
          }),
        ],
      },
    });
    // The registered platform can launch at once (a deep-linking launch opens the picker).
    const launched = await ltiLaunch(t, lms, `${base}/lti/deep-link`, {
      [`${LTI_CLAIM}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI_CLAIM}roles`]: [ROLES.instructor],
      [DL_SETTINGS]: { deep_link_return_url: `${lms.issuer}/return`, accept_types: ['ltiResourceLink'] },
    });
    expect(launched.next).toMatch(new RegExp(`^${base}/lti/picker\\?multiple=0&return=`));
  });

  it('accepts any deployment of a client id registered without one (Canvas names them only in launches)', async () => {
    const lms = await platform({ clientId: 'canvas-like', deploymentId: 'dep-from-launch' });
    lms.answerDeployment = false;
    const res = await registerAt(lms);
    expect(res.json<{ platform: LtiPlatformInfo }>().platform.deploymentIds).toEqual([]);
    const launched = await ltiLaunch(t, lms, `${base}/lti/deep-link`, {
      [`${LTI_CLAIM}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI_CLAIM}roles`]: [ROLES.instructor],
      [DL_SETTINGS]: { deep_link_return_url: `${lms.issuer}/return`, accept_types: ['ltiResourceLink'] },
    });
    expect(launched.next).toContain('/lti/picker');
  });

  it('refuses a stranger, a platform that refuses the token, an unreachable one, and registers nothing', async () => {
    const lms = await platform({ clientId: 'refused' });
    const stranger = await registerAt(lms, lms.registrationToken, {} as typeof t.auth);
    expect(stranger.statusCode).toBe(401);
    const wrongToken = await registerAt(lms, 'not-the-token');
    expect([wrongToken.statusCode, wrongToken.json<ErrorBody>().error.code]).toEqual([
      502,
      'lti_registration_failed',
    ]);
    expect(wrongToken.json<ErrorBody>().error.message).toMatch(/OpenID configuration answered 401/);
    const gone = await t.cc.app.inject({
      method: 'POST',
      url: '/api/lti/dynamic-registration',
      headers: t.auth,
      payload: { openidConfiguration: 'http://127.0.0.1:9/.well-known/openid-configuration' },
    });
    expect([gone.statusCode, gone.json<ErrorBody>().error.code]).toEqual([502, 'lti_platform_unreachable']);
    const list = (
      await t.cc.app.inject({ method: 'GET', url: '/api/lti/platforms', headers: t.auth })
    ).json<LtiPlatformList>();
    expect(list.platforms.map((p) => p.clientId)).not.toContain('refused');
  });

  it('serves the registration page framed only by the platform that opened it', async () => {
    const page = await t.cc.app.inject({
      method: 'GET',
      url: `/lti/register?openid_configuration=${encodeURIComponent('https://lms.example.edu/.well-known/openid-configuration')}`,
    });
    expect(page.statusCode).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain(
      "frame-ancestors 'self' https://lms.example.edu",
    );
  });
});

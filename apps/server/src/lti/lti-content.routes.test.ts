import type { CatalogResponse, ErrorBody, LtiDeepLinkResponse } from '@coursecast/api';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { DL_SETTINGS, LTI_CLAIM, ltiLaunch, registerPlatform } from '../../test-support/lti-launch-kit.js';
import { ROLES, startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { samplePdf } from '../cli/sample-pdf.js';

const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
let t: TestServer;
let lms: TestPlatform;
let base: string;
const items: string[] = [];

beforeAll(async () => {
  t = await startTestServer({ lti: { loginBurst: 1000 } });
  base = await t.cc.listen();
  lms = await startTestPlatform();
  const courseId = await createCourse(t, 'Signals');
  for (const week of [1, 2]) {
    const pdf = path.join(t.dataDir, `week-${week}.pdf`);
    await writeFile(pdf, samplePdf([`Week ${week}`]));
    items.push((await uploadLecture(t, courseId, pdf, `Week ${week} slides`)).item.id);
  }
  await registerPlatform(t, lms);
}, 60_000);
afterAll(async () => {
  await lms?.close();
  await t?.close();
});

const returnUrl = () => `${lms.issuer}/deep-link-return`;
const deepLinkingLaunch = (multiple: boolean, roles: string[] = [ROLES.instructor]) =>
  ltiLaunch(t, lms, `${base}/lti/deep-link`, {
    [`${LTI_CLAIM}message_type`]: 'LtiDeepLinkingRequest',
    [`${LTI_CLAIM}resource_link`]: undefined,
    [`${LTI_CLAIM}roles`]: roles,
    [DL_SETTINGS]: {
      deep_link_return_url: returnUrl(),
      accept_types: ['ltiResourceLink', 'link'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: multiple,
      data: 'opaque-platform-data',
    },
  });
const asSession = (session: string) => ({ authorization: `Bearer ${session}` });

describe('Deep Linking 2.0', () => {
  it('lists the catalog to an instructor and signs the chosen items as ltiResourceLinks for the platform', async () => {
    const { session, next } = await deepLinkingLaunch(true);
    expect(next).toBe(`${base}/lti/picker?multiple=1&return=${encodeURIComponent(lms.issuer)}`);
    // The picker may post to the platform's return URL (its origin from the query), and to nothing else.
    const picker = await t.cc.app.inject({
      method: 'GET',
      url: new URL(next).pathname + new URL(next).search,
    });
    expect(String(picker.headers['content-security-policy'])).toContain(`form-action 'self' ${lms.issuer}`);
    const elsewhere = await t.cc.app.inject({
      method: 'GET',
      url: '/lti/picker?return=javascript%3Aalert(1)',
    });
    expect(String(elsewhere.headers['content-security-policy'])).not.toContain('javascript');
    const content = await t.cc.app.inject({
      method: 'GET',
      url: '/api/lti/content',
      headers: asSession(session),
    });
    expect(content.statusCode, content.body).toBe(200);
    const listed = content
      .json<CatalogResponse>()
      .courses.flatMap((c: { items: { id: string }[] }) => c.items.map((i) => i.id));
    expect(listed).toEqual(expect.arrayContaining(items));

    const chosen = await t.cc.app.inject({
      method: 'POST',
      url: '/api/lti/deep-link',
      headers: asSession(session),
      payload: { itemIds: items },
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    const answer = chosen.json<LtiDeepLinkResponse>();
    expect(answer).toMatchObject({ returnUrl: returnUrl(), items: 2 });
    // The platform verifies the response with the tool's JWKS.
    const jwks = (await t.cc.app.inject({ method: 'GET', url: '/lti/jwks' })).json<JSONWebKeySet>();
    const { payload } = await jwtVerify(answer.jwt, createLocalJWKSet(jwks), {
      issuer: lms.clientId,
      audience: lms.issuer,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({
      [`${LTI_CLAIM}message_type`]: 'LtiDeepLinkingResponse',
      [`${LTI_CLAIM}version`]: '1.3.0',
      [`${LTI_CLAIM}deployment_id`]: lms.deploymentId,
      [`${DL}data`]: 'opaque-platform-data',
    });
    expect(payload['nonce']).toEqual(expect.any(String));
    const contentItems = payload[`${DL}content_items`] as Record<string, unknown>[];
    expect(contentItems[0]).toEqual({
      type: 'ltiResourceLink',
      title: 'Week 1 slides',
      url: `${base}/learn/${items[0]}`,
      custom: { item: items[0] },
      lineItem: {
        scoreMaximum: 100,
        label: 'Week 1 slides',
        resourceId: items[0],
        tag: 'coursecast-document',
      },
    });

    // Cancel: an empty response, still signed.
    const none = await t.cc.app.inject({
      method: 'POST',
      url: '/api/lti/deep-link',
      headers: asSession(session),
      payload: { itemIds: [] },
    });
    expect(none.json<LtiDeepLinkResponse>().items).toBe(0);
  });

  it('refuses a learner, a missing or forged session, two items where one is accepted, and a deleted item', async () => {
    const call = (session: string | null, itemIds: string[]) =>
      t.cc.app.inject({
        method: 'POST',
        url: '/api/lti/deep-link',
        headers: session ? asSession(session) : {},
        payload: { itemIds },
      });
    const none = await call(null, items);
    expect([none.statusCode, none.json<ErrorBody>().error.code]).toEqual([401, 'learner_session_required']);
    const forged = await call('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', items);
    expect(forged.json<ErrorBody>().error.message).toMatch(/not signed by this server/);

    const single = await deepLinkingLaunch(false);
    expect(single.next).toMatch(new RegExp(`^${base}/lti/picker\\?multiple=0&`));
    const two = await call(single.session, items);
    expect([two.statusCode, two.json<ErrorBody>().error.message]).toEqual([
      400,
      expect.stringMatching(/one item/),
    ]);

    // A learner's resource-link session is not a picker's.
    const learner = await ltiLaunch(t, lms, `${base}/learn/${items[0]}`);
    const refused = await call(learner.session, [items[0]!]);
    expect([refused.statusCode, refused.json<ErrorBody>().error.code]).toEqual([403, 'learner_forbidden']);
    const browse = await t.cc.app.inject({
      method: 'GET',
      url: '/api/lti/content',
      headers: asSession(learner.session),
    });
    expect(browse.statusCode).toBe(403);

    const deleted = await call(single.session, ['itm_aaaaaaaaaaaaaaaa']);
    expect([deleted.statusCode, deleted.json<ErrorBody>().error.message]).toEqual([
      404,
      expect.stringMatching(/was removed/),
    ]);
  });

  it('opens the picker only for an instructor', async () => {
    await expect(deepLinkingLaunch(true, [ROLES.learner])).rejects.toThrow(/403.*learner_forbidden/);
  });
});

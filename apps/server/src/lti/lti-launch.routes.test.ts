import type { ErrorBody } from '@coursecast/api';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { bridgeStep, ltiLogin, postLaunch, registerPlatform } from '../../test-support/lti-launch-kit.js';
import { ROLES, startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { samplePdf } from '../cli/sample-pdf.js';
import { learnerSessions } from './learner-session.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
let t: TestServer;
let lms: TestPlatform;
let base: string;
let itemId: string;
let courseId: string;

beforeAll(async () => {
  t = await startTestServer({ lti: { loginBurst: 1000 } });
  base = await t.cc.listen();
  lms = await startTestPlatform();
  courseId = await createCourse(t, 'Signals');
  const pdf = path.join(t.dataDir, 'week-1.pdf');
  await writeFile(pdf, samplePdf(['Week 1']));
  itemId = (await uploadLecture(t, courseId, pdf, 'Week 1 slides')).item.id;
  await registerPlatform(t, lms);
}, 60_000);
afterAll(async () => {
  await lms?.close();
  await t?.close();
});
beforeEach(() => {
  lms.setJwksDown(false);
});
afterEach(() => {
  vi.useRealTimers();
});

const decodeStep = bridgeStep;
const login = (extra: Record<string, string> = {}) => ltiLogin(t, lms, `${base}/learn/${itemId}`, extra);
const launch = (fields: Record<string, string>, accept?: string) => postLaunch(t, fields, accept);

const claimsFor = (nonce: string) => ({ nonce, [`${LTI}target_link_uri`]: `${base}/learn/${itemId}` });

describe('LTI login initiation', () => {
  it('sends the browser through the bridge to the platform with a signed state, a nonce and the hints', async () => {
    const { step, auth, nonce } = await login({ lti_storage_target: '_parent' });
    expect(step).toMatchObject({ step: 'login', storageTarget: '_parent', platformOrigin: lms.issuer });
    expect(`${auth.origin}${auth.pathname}`).toBe(lms.authUrl);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: lms.clientId,
      redirect_uri: `${base}/lti/launch`,
      login_hint: 'hint-1',
      lti_message_hint: 'msg-1',
      state: step.state,
    });
    expect(nonce.length).toBeGreaterThanOrEqual(32);
    // The new-window fallback repeats the same login, without the frame's storage target.
    const again = new URL(step.newWindow);
    expect(again.pathname).toBe('/lti/login');
    expect(again.searchParams.get('login_hint')).toBe('hint-1');
    expect(again.searchParams.has('lti_storage_target')).toBe(false);
  });

  it('refuses a login for an unknown issuer, a missing hint, a foreign target or an unknown deployment', async () => {
    const q = (o: Record<string, string>) =>
      new URLSearchParams({
        iss: lms.issuer,
        login_hint: 'h',
        target_link_uri: `${base}/learn/${itemId}`,
        ...o,
      });
    const cases: [Record<string, string>, number, string, RegExp][] = [
      [{ iss: 'https://unknown.example' }, 404, 'lti_platform_not_found', /unknown\.example/],
      [{ login_hint: '' }, 400, 'lti_login_invalid', /login_hint/],
      [{ target_link_uri: 'https://elsewhere.example/x' }, 400, 'lti_login_invalid', /not on this tool/],
      [{ lti_deployment_id: 'nope' }, 403, 'lti_deployment_unknown', /nope/],
    ];
    for (const [o, status, code, message] of cases) {
      const res = await t.cc.app.inject({ method: 'GET', url: `/lti/login?${q(o).toString()}` });
      expect(res.statusCode, JSON.stringify(o)).toBe(status);
      expect(res.json<ErrorBody>().error).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });
});

describe('LTI login limits', () => {
  it('answers 429 to a client past its login burst', async () => {
    const small = await startTestServer({ lti: { loginBurst: 2, loginRatePerSecond: 0.01 } });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++)
        codes.push((await small.cc.app.inject({ method: 'GET', url: '/lti/login' })).statusCode);
      expect(codes).toEqual([400, 400, 429]);
    } finally {
      await small.close();
    }
  });
});

describe('LTI launch', () => {
  it('knows the learner pseudonymously and opens the item page with a learner session, once', async () => {
    const { step: loginStep, nonce } = await login();
    const idToken = await lms.idToken({
      ...claimsFor(nonce),
      name: 'Ada Lovelace',
      email: 'ada@example.edu',
    });
    const res = await launch({ id_token: idToken, state: loginStep.state, lti_storage_target: '_parent' });
    expect(res.statusCode, res.body).toBe(303);
    const step = decodeStep(String(res.headers.location));
    expect(step).toMatchObject({ step: 'launch', state: loginStep.state, storageTarget: '_parent' });
    expect(step.next).toBe(`${base}/learn/${itemId}?course=${courseId}`);
    if (step.step !== 'launch') throw new Error('not a launch step');
    const session = await learnerSessions(t.cc.store).verify(step.session);
    expect(session).toMatchObject({ role: 'learner', item: itemId, rl: 'rl-1', ctx: 'course-101', dl: null });
    const learner = await t.cc.store.getLearner(session.sub);
    // Names and emails are not kept unless the operator allows it.
    expect(learner).toMatchObject({
      issuer: lms.issuer,
      deploymentId: lms.deploymentId,
      subject: 'learner-42',
    });
    expect(learner).toMatchObject({ name: null, email: null });

    // The same id_token again: a replayed nonce.
    const replay = await launch({ id_token: idToken, state: loginStep.state });
    expect(replay.statusCode).toBe(401);
    expect(replay.json<ErrorBody>().error.code).toBe('lti_replay');
  });

  it('gives an instructor the instructor role and the same learner on the next launch', async () => {
    const first = await login();
    const a = await launch({
      id_token: await lms.idToken({
        ...claimsFor(first.nonce),
        sub: 'teacher-1',
        [`${LTI}roles`]: [ROLES.instructor],
      }),
      state: first.step.state,
    });
    const second = await login();
    const b = await launch({
      id_token: await lms.idToken({
        ...claimsFor(second.nonce),
        sub: 'teacher-1',
        [`${LTI}roles`]: [ROLES.instructor],
      }),
      state: second.step.state,
    });
    const sessions = learnerSessions(t.cc.store);
    const [sa, sb] = await Promise.all(
      [a, b].map((r) => {
        const s = decodeStep(String(r.headers.location));
        if (s.step !== 'launch') throw new Error('not a launch');
        return sessions.verify(s.session);
      }),
    );
    expect(sa!.role).toBe('instructor');
    expect(sb!.sub).toBe(sa!.sub);
  });

  it('refuses each bad launch with its own error, and an HTML page for a browser', async () => {
    const bad = async (
      claims: Record<string, unknown>,
      o: Parameters<TestPlatform['idToken']>[1] = {},
      state?: string,
    ) => {
      const l = await login();
      return launch({
        id_token: await lms.idToken({ ...claimsFor(l.nonce), ...claims }, o),
        state: state ?? l.step.state,
      });
    };
    const expectError = async (
      res: Awaited<ReturnType<typeof launch>>,
      status: number,
      code: string,
      m: RegExp,
    ) => {
      expect(`${res.statusCode} ${res.body}`).toMatch(new RegExp(`^${status} .*"${code}"`));
      expect(res.json<ErrorBody>().error).toMatchObject({ code, message: expect.stringMatching(m) });
    };
    await expectError(
      await bad({}, { key: 'stranger' }),
      401,
      'lti_token_invalid',
      /key the platform's JWKS lacks/,
    );
    await expectError(await bad({}, { expiresIn: -120 }), 401, 'lti_token_invalid', /expired/);
    await expectError(await bad({ aud: 'someone-else' }), 401, 'lti_token_invalid', /not addressed/);
    await expectError(
      await bad({ iss: 'https://unknown.example' }),
      404,
      'lti_platform_not_found',
      /unknown/,
    );
    await expectError(
      await bad({ [`${LTI}deployment_id`]: 'dep-x' }),
      403,
      'lti_deployment_unknown',
      /dep-x/,
    );
    await expectError(await bad({ nonce: 'another' }), 401, 'lti_token_invalid', /nonce/);
    await expectError(
      await bad({}, {}, 'forged.state.value'),
      400,
      'lti_state_invalid',
      /not signed by this server/,
    );
    await expectError(
      await launch({ id_token: await lms.idToken(claimsFor('n')) }),
      400,
      'lti_state_invalid',
      /no state/,
    );
    await expectError(
      await bad({ [`${LTI}target_link_uri`]: `${base}/learn/itm_deleted00000000` }),
      404,
      'item_not_found',
      /removed/,
    );
    const page = await launch({ state: (await login()).step.state }, 'text/html');
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('The launch has no id_token');
    expect(page.body).toContain('lti_token_invalid');
  });

  it('verifies with the cached keys while the platform JWKS is down, and refetches on a rotated key', async () => {
    const l1 = await login();
    await launch({ id_token: await lms.idToken(claimsFor(l1.nonce)), state: l1.step.state });
    const fetches = lms.jwksFetches();
    lms.setJwksDown(true);
    const l2 = await login();
    const cached = await launch({ id_token: await lms.idToken(claimsFor(l2.nonce)), state: l2.step.state });
    expect(cached.statusCode, cached.body).toBe(303);
    expect(lms.jwksFetches()).toBe(fetches);

    // An hour later the keys are stale: the platform is still down, so the ones it published last still verify.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3600_000 });
    const l3 = await login();
    const stale = await launch({ id_token: await lms.idToken(claimsFor(l3.nonce)), state: l3.step.state });
    expect(stale.statusCode, stale.body).toBe(303);

    // The platform is back and rotated its key: the first token with the new kid makes one refetch.
    lms.setJwksDown(false);
    await lms.rotate();
    vi.setSystemTime(Date.now() + 60_000);
    const before = lms.jwksFetches();
    const l4 = await login();
    const rotated = await launch({ id_token: await lms.idToken(claimsFor(l4.nonce)), state: l4.step.state });
    expect(rotated.statusCode, rotated.body).toBe(303);
    expect(lms.jwksFetches()).toBe(before + 1);
    // A forged kid right after does not make the tool fetch again (the cool-down).
    const l5 = await login();
    const forged = await launch({
      id_token: await lms.idToken(claimsFor(l5.nonce), { key: 'stranger' }),
      state: l5.step.state,
    });
    expect(forged.statusCode).toBe(401);
    expect(lms.jwksFetches()).toBe(before + 1);
  });
});

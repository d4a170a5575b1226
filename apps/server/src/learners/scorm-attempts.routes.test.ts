import type { ErrorBody, ScormCommitResponse, ScormLaunchState, ScormTicketResponse } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload } from '../../test-support/api-calls.js';
import { learnerIdOf, ltiLaunch, registerPlatform } from '../../test-support/lti-launch-kit.js';
import { startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { multipartBody } from '../../test-support/multipart.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { scormPackage } from '../cli/sample-scorm.js';

let t: TestServer;
let lms: TestPlatform;
let base: string;
const modules: Record<'1.2' | '2004', string> = { '1.2': '', '2004': '' };

beforeAll(async () => {
  t = await startTestServer({ lti: { loginBurst: 1000 } }, { startQueue: false });
  base = await t.cc.listen();
  lms = await startTestPlatform();
  const courseId = await createCourse(t);
  for (const v of ['1.2', '2004'] as const) {
    const res = await postUpload(
      t,
      courseId,
      await multipartBody({ name: `m${v}.zip`, content: await scormPackage(v) }),
    );
    modules[v] = res.json<{ item: { id: string } }>().item.id;
  }
  await registerPlatform(t, lms);
}, 60_000);
afterAll(async () => {
  await lms?.close();
  await t?.close();
});

/** A learner's launch of a module and the ticket the learn page gets for it. */
async function ticketFor(itemId: string, sub: string) {
  const { session } = await ltiLaunch(t, lms, `${base}/learn/${itemId}`, { sub, ...lms.agsClaim() });
  const learnerId = learnerIdOf(session);
  const res = await t.cc.app.inject({
    method: 'POST',
    url: `/api/learners/${learnerId}/items/${itemId}/scorm-ticket`,
    headers: { authorization: `Bearer ${session}` },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { session, learnerId, ticket: res.json<ScormTicketResponse>().ticket };
}
const cmi = (itemId: string, ticket: string, body?: object) =>
  t.cc.content.inject({
    method: body ? 'PUT' : 'GET',
    url: `/launch/${itemId}/cmi`,
    headers: { authorization: `Bearer ${ticket}` },
    ...(body ? { payload: body } : {}),
  });

describe('SCORM attempts kept for a learner', () => {
  it('resumes a suspended 2004 attempt with its data, sums its time, scores it, then starts a new one', async () => {
    const item = modules['2004'];
    const { ticket, learnerId } = await ticketFor(item, 'learner-s');
    const first = (await cmi(item, ticket)).json<ScormLaunchState>();
    expect(first).toEqual({
      attempt: 1,
      edition: '2004',
      restored: {},
      initial: expect.objectContaining({ 'cmi.entry': 'ab-initio', 'cmi.learner_id': learnerId }),
    });
    const suspended = await cmi(item, ticket, {
      attempt: 1,
      call: 'finish',
      values: {
        'cmi.suspend_data': 'page=3',
        'cmi.location': 'p3',
        'cmi.interactions.0.id': 'q1',
        'cmi.exit': 'suspend',
        'cmi.session_time': 'PT1M30S',
        'cmi.completion_status': 'incomplete',
        'cmi.entry': 'forged',
      },
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json<ScormCommitResponse>().totalTimeSeconds).toBe(90);

    const resumed = (await cmi(item, ticket)).json<ScormLaunchState>();
    expect(resumed.attempt).toBe(1);
    expect(resumed.restored).toEqual({
      'cmi.suspend_data': 'page=3',
      'cmi.location': 'p3',
      'cmi.interactions.0.id': 'q1',
      'cmi.completion_status': 'incomplete',
    });
    expect(resumed.initial).toMatchObject({ 'cmi.entry': 'resume', 'cmi.total_time': 'PT90S' });

    // Over the limit: refused with the error the API answers, and the kept data stays as it was.
    const over = await cmi(item, ticket, {
      attempt: 1,
      call: 'commit',
      values: { 'cmi.suspend_data': 'x'.repeat(64_001) },
    });
    expect(over.statusCode).toBe(400);
    expect(over.json<ErrorBody>().error).toMatchObject({ details: { scormError: '406' } });
    expect((await cmi(item, ticket)).json<ScormLaunchState>().restored['cmi.suspend_data']).toBe('page=3');

    const done = await cmi(item, ticket, {
      attempt: 1,
      call: 'finish',
      values: {
        'cmi.suspend_data': 'page=9',
        'cmi.completion_status': 'completed',
        'cmi.success_status': 'passed',
        'cmi.score.scaled': '0.8',
        'cmi.exit': 'normal',
        'cmi.session_time': 'PT30S',
      },
    });
    expect(done.json<ScormCommitResponse>()).toMatchObject({
      completionStatus: 'completed',
      successStatus: 'passed',
      totalTimeSeconds: 120,
    });
    const [score] = await t.cc.store.listScores(10);
    expect(score).toMatchObject({
      itemId: item,
      userId: 'learner-s',
      score: expect.objectContaining({ scoreGiven: 80 }),
    });
    const next = (await cmi(item, ticket)).json<ScormLaunchState>();
    expect(next).toMatchObject({
      attempt: 2,
      restored: {},
      initial: expect.objectContaining({ 'cmi.entry': 'ab-initio' }),
    });
  });

  it('keeps a 1.2 module by its lesson status and refuses suspend_data over 4096 with 405', async () => {
    const item = modules['1.2'];
    const { ticket } = await ticketFor(item, 'learner-12');
    const state = (await cmi(item, ticket)).json<ScormLaunchState>();
    expect(state.initial).toMatchObject({
      'cmi.core.entry': 'ab-initio',
      'cmi.core.total_time': '0000:00:00.00',
    });
    const over = await cmi(item, ticket, {
      attempt: 1,
      call: 'commit',
      values: { 'cmi.suspend_data': 'x'.repeat(4097) },
    });
    expect(over.json<ErrorBody>().error.details).toEqual({ scormError: '405' });
    const kept = await cmi(item, ticket, {
      attempt: 1,
      call: 'finish',
      values: {
        'cmi.core.lesson_status': 'passed',
        'cmi.core.score.raw': '45',
        'cmi.core.score.max': '50',
        'cmi.core.exit': 'suspend',
        'cmi.core.session_time': '0000:01:05.50',
      },
    });
    expect(kept.json<ScormCommitResponse>()).toMatchObject({
      completionStatus: 'completed',
      successStatus: 'passed',
      scoreScaled: 0.9,
      totalTimeSeconds: 65.5,
    });
    expect((await cmi(item, ticket)).json<ScormLaunchState>().initial).toMatchObject({
      'cmi.core.entry': 'resume',
      'cmi.core.total_time': '0000:01:05.50',
    });
  });

  it('refuses a ticket of another module, a learner session as a ticket, and a stale attempt', async () => {
    const { ticket, session } = await ticketFor(modules['2004'], 'learner-x');
    const other = await cmi(modules['1.2'], ticket);
    expect([other.statusCode, other.json<ErrorBody>().error.code]).toEqual([403, 'learner_forbidden']);
    const asSession = await cmi(modules['2004'], session);
    expect([asSession.statusCode, asSession.json<ErrorBody>().error.code]).toEqual([
      401,
      'learner_session_required',
    ]);
    const stale = await cmi(modules['2004'], ticket, { attempt: 7, call: 'commit', values: {} });
    expect(stale.statusCode).toBe(409);
  });

  it("keeps a multi-SCO course's state in its one element of ours, and refuses any other name", async () => {
    const item = modules['2004'];
    const { ticket } = await ticketFor(item, 'learner-course');
    const state = JSON.stringify({ s: { v: 1, at: 'sco_2', a: {} }, r: { sco_2: { 'cmi.location': 'p2' } } });
    const kept = await cmi(item, ticket, {
      attempt: 1,
      call: 'finish',
      values: { 'coursecast.course': state, 'cmi.completion_status': 'incomplete', 'cmi.exit': 'suspend' },
    });
    expect(kept.statusCode, kept.body).toBe(200);
    const next = (await cmi(item, ticket)).json<ScormLaunchState>();
    expect(next.restored['coursecast.course']).toBe(state);
    expect(next.initial).toMatchObject({ 'cmi.entry': 'resume' });
    const forged = await cmi(item, ticket, {
      attempt: 1,
      call: 'commit',
      values: { 'coursecast.other': 'x' },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json<ErrorBody>().error.message).toMatch(/coursecast\.other is not a CMI element/);
  });
});

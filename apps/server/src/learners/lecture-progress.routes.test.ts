import type { ErrorBody, ItemLearnersResponse, LectureProgressResponse } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { learnerIdOf, ltiLaunch, registerPlatform } from '../../test-support/lti-launch-kit.js';
import { startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitFor } from '../../test-support/wait.js';

let t: TestServer;
let lms: TestPlatform;
let base: string;
let itemId: string;
let otherItem: string;

beforeAll(async () => {
  t = await startTestServer({ lti: { loginBurst: 1000 }, transcode: { ladder: [144] } });
  base = await t.cc.listen();
  lms = await startTestPlatform();
  lms.ags.toolJwksUrl = `${base}/lti/jwks`;
  const courseId = await createCourse(t, 'Signals');
  const clip = await testClip({ seconds: 20, width: 320, height: 180 });
  itemId = (await uploadLecture(t, courseId, clip, 'Lecture 1')).item.id;
  otherItem = (await uploadLecture(t, courseId, clip, 'Lecture 2')).item.id;
  await registerPlatform(t, lms);
}, 120_000);
afterAll(async () => {
  await lms?.close();
  await t?.close();
});

/** A learner's launch of the lecture; its session and learner id. */
async function launchAs(sub: string) {
  const { session } = await ltiLaunch(t, lms, `${base}/watch/${itemId}`, { sub, ...lms.agsClaim() });
  const learnerId = learnerIdOf(session);
  return { session, learnerId };
}
const progress = (session: string | null, learnerId: string, item: string, body?: object) =>
  t.cc.app.inject({
    method: body ? 'PUT' : 'GET',
    url: `/api/learners/${learnerId}/items/${item}/progress`,
    headers: session ? { authorization: `Bearer ${session}` } : {},
    ...(body ? { payload: body } : {}),
  });

describe('lecture progress', () => {
  it('keeps where the learner stopped and what they watched; at 90 % the score reaches the LMS', async () => {
    const { session, learnerId } = await launchAs('learner-42');
    const empty = (await progress(session, learnerId, itemId)).json<LectureProgressResponse>();
    expect(empty).toMatchObject({ positionSeconds: 0, resumeAt: null, watchedSeconds: 0, completed: false });
    expect(empty.durationSeconds).toBeCloseTo(20, 0);

    const half = await progress(session, learnerId, itemId, { positionSeconds: 10.4, watched: [[0, 10]] });
    expect(half.statusCode, half.body).toBe(200);
    expect(half.json<LectureProgressResponse>()).toMatchObject({
      resumeAt: 10.4,
      watchedSeconds: 10,
      completed: false,
    });
    // Rewatching adds nothing; a seek forward is not watching.
    const again = await progress(session, learnerId, itemId, { positionSeconds: 12, watched: [[2, 8]] });
    expect(again.json<LectureProgressResponse>().watchedSeconds).toBe(10);

    const done = await progress(session, learnerId, itemId, { positionSeconds: 19.5, watched: [[10, 19]] });
    expect(done.json<LectureProgressResponse>()).toMatchObject({
      watchedSeconds: 19,
      completed: true,
      resumeAt: null,
    });
    const score = await waitFor('the score at the LMS', async () =>
      lms.ags.scores.find((s) => s.body['userId'] === 'learner-42'),
    );
    expect(score.body).toMatchObject({
      scoreGiven: 95,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    // The line item was made for the resource link, once.
    expect(lms.ags.lineitems).toEqual([
      expect.objectContaining({ resourceLinkId: 'rl-1', label: 'Lecture 1' }),
    ]);
    // The platform took it; the outbox marks it sent right after.
    await waitFor('the score marked sent', async () => {
      const outbox = await t.cc.app.inject({
        method: 'GET',
        url: '/api/lti/scores?state=sent',
        headers: t.auth,
      });
      return outbox.json<{ counts: { sent: number } }>().counts.sent >= 1;
    });

    // The instructor's view: the learner's completion and the score the gradebook got, also as CSV (admin only).
    const report = await t.cc.app.inject({
      method: 'GET',
      url: `/api/items/${itemId}/learners`,
      headers: t.auth,
    });
    expect(report.json<ItemLearnersResponse>().learners).toEqual([
      expect.objectContaining({
        learnerId,
        name: null,
        status: 'completed',
        completion: 0.95,
        lmsScore: expect.objectContaining({ scoreGiven: 95, state: 'sent' }),
      }),
    ]);
    const csv = await t.cc.app.inject({
      method: 'GET',
      url: `/api/items/${itemId}/learners.csv`,
      headers: t.auth,
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[1]).toMatch(new RegExp(`^${learnerId},,,${lms.issuer},completed,95,`));
    expect(
      (await t.cc.app.inject({ method: 'GET', url: `/api/items/${itemId}/learners.csv` })).statusCode,
    ).toBe(401);

    // A new launch finds the same learner and the same resume point data.
    const next = await launchAs('learner-42');
    expect(next.learnerId).toBe(learnerId);
    expect(
      (await progress(next.session, learnerId, itemId)).json<LectureProgressResponse>().positionSeconds,
    ).toBe(19.5);
  });

  it("refuses another learner's progress, another item's, no session, and bad ranges; nothing stored changes", async () => {
    const a = await launchAs('learner-a');
    const b = await launchAs('learner-b');
    await progress(a.session, a.learnerId, itemId, { positionSeconds: 5, watched: [[0, 5]] });
    const cases: [Awaited<ReturnType<typeof progress>>, number, string][] = [
      [
        await progress(b.session, a.learnerId, itemId, { positionSeconds: 1, watched: [[0, 20]] }),
        403,
        'learner_forbidden',
      ],
      [
        await progress(a.session, a.learnerId, otherItem, { positionSeconds: 1, watched: [] }),
        403,
        'learner_forbidden',
      ],
      [
        await progress(null, a.learnerId, itemId, { positionSeconds: 1, watched: [] }),
        401,
        'learner_session_required',
      ],
      [
        await progress(a.session, a.learnerId, itemId, { positionSeconds: 1, watched: [[9, 3]] }),
        400,
        'invalid_request',
      ],
      [
        await progress(a.session, a.learnerId, itemId, { positionSeconds: -1, watched: [] }),
        400,
        'invalid_request',
      ],
    ];
    for (const [res, status, code] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json<ErrorBody>().error.code).toBe(code);
    }
    expect((await progress(a.session, a.learnerId, itemId)).json<LectureProgressResponse>()).toMatchObject({
      positionSeconds: 5,
      watchedSeconds: 5,
    });
  });

  it('under public access answers a launched learner, a stale session and no session alike, with plain URLs', async () => {
    const { session } = await launchAs('learner-public');
    const item = (bearer: string | null) =>
      t.cc.app.inject({
        url: `/api/items/${itemId}`,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
    const stale = `${session.slice(0, -4)}AAAA`;
    for (const bearer of [session, stale, null]) {
      const res = await item(bearer);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ item: { id: string } }>().item.id).toBe(itemId);
      expect(res.body).not.toContain('/m/');
    }
    // A bearer that is no session was meant as the admin token: a wrong one is refused, never taken as anyone.
    const wrong = await item('not-the-admin-token');
    expect([wrong.statusCode, wrong.json<ErrorBody>().error.code]).toEqual([401, 'unauthorized']);
  });
});

// A multi-SCO SCORM 2004 course (ADR 0011) launched from an LMS (issue 19), in Chromium with third-party cookies
// blocked, on a server in enrolled access: the learner suspends the course in its first SCO and leaves; the next
// launch resumes the course at that SCO with its suspend data (entry resume) and the learner's id; finishing the
// course sends its rolled-up completion to the platform's gradebook.
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { zipFiles, type PackageFile } from '@coursecast/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload } from '../apps/server/test-support/api-calls.js';
import { suspendCoursePackage } from '../apps/server/test-support/authoring-packages.js';
import {
  ROLES,
  startTestPlatform,
  type TestPlatform,
} from '../apps/server/test-support/lti-test-platform.js';
import { registerPlatform } from '../apps/server/test-support/lti-launch-kit.js';
import { multipartBody } from '../apps/server/test-support/multipart.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitFor } from '../apps/server/test-support/wait.js';
import { launchChromiumBlockingThirdParty } from './support/chromium.js';
import { openLaunch } from './support/lms-launch.js';
import { windowValue } from './support/package-launch.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
let context: BrowserContext;
let t: TestServer;
let lms: TestPlatform;
let base: string;
let courseItem: string;

async function upload(name: string, files: PackageFile[]): Promise<string> {
  const courseId = await createCourse(t, 'Courses from the LMS');
  const res = await postUpload(t, courseId, await multipartBody({ name, content: await zipFiles(files) }));
  if (res.statusCode !== 201) throw new Error(`upload answered ${res.statusCode}: ${res.body}`);
  return res.json<{ item: { id: string } }>().item.id;
}

beforeAll(async () => {
  context = await launchChromiumBlockingThirdParty();
  t = await startTestServer(
    {
      lti: { loginBurst: 1000, access: 'enrolled', mediaKey: 'e2e-course-media-key-0123456789abcdef' },
    },
    { startQueue: false },
  );
  base = await t.cc.listen();
  lms = await startTestPlatform({ host: 'localhost' });
  lms.lms.toolOrigin = new URL(base).origin;
  lms.lms.toolJwksUrl = lms.ags.toolJwksUrl = `${base}/lti/jwks`;
  await registerPlatform(t, lms);
  courseItem = await upload('suspend.zip', suspendCoursePackage());
}, 60_000);
afterAll(async () => {
  await context?.close();
  await lms?.close();
  await t?.close();
});

type Doc = {
  getElementById(id: string): { hidden: boolean; dataset: Record<string, string | undefined> } | null;
};

/** The page's frame whose path ends with `path`, once one has navigated there. */
const frameAt = (page: Page, path: string): Promise<Frame> =>
  waitFor(`the frame at ${path}`, async () =>
    page.frames().find((f) => f.url().split(/[?#]/)[0]!.endsWith(path)),
  );

/** The launch frame (content origin, `/launch/<id>`) inside the tool's frame. */
const launchFrame = (frame: Frame): Promise<Frame> =>
  waitFor('the launch frame', async () => frame.childFrames().find((f) => f.url().includes('/launch/')));

describe('a multi-SCO course from the LMS', () => {
  it('suspends the course, resumes it at the next launch in its SCO with its data, and grades it when done', async () => {
    lms.lms.launches.set('course-1', {
      storage: true,
      claims: {
        sub: 'learner-7',
        [`${LTI}roles`]: [ROLES.learner],
        [`${LTI}resource_link`]: { id: 'rl-course-1' },
        [`${LTI}target_link_uri`]: `${base}/learn/${courseItem}`,
        ...lms.agsClaim(),
      },
    });
    // First launch: the first SCO saves page=4 and suspends the whole course.
    const first = await openLaunch(context, lms, base, 'course-1', '/learn/');
    const frame1 = await launchFrame(first.frame);
    await frame1.waitForFunction(
      () =>
        (globalThis as unknown as { document: Doc }).document.getElementById('course-message')?.hidden ===
        false,
      null,
      { timeout: 30_000 },
    );
    const attempts = await waitFor('the suspended course kept', async () => {
      const rows = await t.cc.store.listItemScormAttempts(courseItem);
      return rows.length === 1 && rows[0]!.exitMode === 'suspend' && rows[0]!.finished ? rows : undefined;
    });
    const learnerId = attempts[0]!.learnerId;
    expect(learnerId).toMatch(/^lrn_/);
    expect(attempts[0]!.completionStatus).toBe('incomplete');
    await first.page.close();

    // Next launch: straight back into the suspended SCO, which reads its data back and completes.
    const second = await openLaunch(context, lms, base, 'course-1', '/learn/');
    const page = second.page;
    const sco1 = await frameAt(page, '/sco-1/index.html');
    expect(await windowValue(sco1, 'resumedWith')).toBe('page=4');
    // It read them with entry resume (the only way it reads them), and the learner's id from the launch.
    expect(await windowValue(sco1, 'learnerId')).toBe(learnerId);
    // The learner goes on to the second lesson and leaves it through the contents: the course is completed.
    const frame2 = await launchFrame(second.frame);
    await frame2.getByRole('button', { name: 'Continue' }).click();
    await frameAt(page, '/sco-2/index.html');
    await frame2.getByRole('button', { name: 'Previous' }).click();
    const score = await waitFor(
      'the course score at the platform',
      async () => lms.ags.scores.find((s) => s.body['userId'] === 'learner-7'),
      30_000,
    );
    expect(score.body).toMatchObject({ activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    const kept = await t.cc.store.latestScormAttempt(learnerId, courseItem);
    expect(kept).toMatchObject({ attempt: 1, completionStatus: 'completed' });
    await second.page.close();
  }, 90_000);
});

// coursecast as an LMS uses it (issue 19), against a test platform of our own on another site (localhost vs
// 127.0.0.1) in a Chromium profile that blocks third-party cookies: Dynamic Registration, an instructor's deep-
// linking launch that picks a lecture, a learner's launch of it inside the course page's frame (cookieless, through
// the platform's postMessage storage) who watches 95 % (the score reaches the platform's gradebook) and is offered
// to resume at the right second on the next launch, and the new-window fallback when the platform offers no storage.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LtiPlatformList } from '@coursecast/api';
import type { BrowserContext, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebDistDir, WEB_PAGES } from '@coursecast/server';
import { createCourse, postUpload, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { multipartBody } from '../apps/server/test-support/multipart.js';
import { suspendResumeScorm2004 } from '../apps/server/test-support/suspend-resume-package.js';
import {
  ROLES,
  startTestPlatform,
  type TestPlatform,
} from '../apps/server/test-support/lti-test-platform.js';
import { testClip } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitFor, waitForJob } from '../apps/server/test-support/wait.js';
import { axeViolations } from './support/axe-check.js';
import { launchChromiumBlockingThirdParty } from './support/chromium.js';
import { openLaunch as openLaunchAt } from './support/lms-launch.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL_SETTINGS = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';

let context: BrowserContext;
let t: TestServer;
let lms: TestPlatform;
let base: string;
let itemId: string;
let moduleId: string;
let courseId: string;
/** The content item the instructor placed in the course. */
let placed: Record<string, unknown>;

beforeAll(async () => {
  const built = path.join(defaultWebDistDir(), WEB_PAGES.ltiBridge);
  if (!existsSync(built)) throw new Error(`no web build at ${built}: run npm run build (scripts/setup does)`);
  context = await launchChromiumBlockingThirdParty();
  // Enrolled access (ADR 0013): what only a launch opens, media under signed links, as a university runs it.
  t = await startTestServer({
    lti: { loginBurst: 1000, access: 'enrolled', mediaKey: 'e2e-media-key-0123456789abcdefghijkl' },
    transcode: { ladder: [144] },
  });
  base = await t.cc.listen();
  lms = await startTestPlatform({ host: 'localhost' });
  lms.lms.toolOrigin = new URL(base).origin;
  lms.lms.toolJwksUrl = lms.ags.toolJwksUrl = `${base}/lti/jwks`;
  courseId = await createCourse(t, 'Signals and systems');
  const clip = await testClip({ seconds: 30, width: 320, height: 180 });
  const upload = await uploadLecture(t, courseId, clip, 'Lecture 1: sampling');
  itemId = upload.item.id;
  const module = await postUpload(
    t,
    courseId,
    await multipartBody({ name: 'unit-2.zip', content: await suspendResumeScorm2004() }),
  );
  moduleId = module.json<{ item: { id: string } }>().item.id;
  expect((await waitForJob(t.cc.store, upload.job.id)).state).toBe('succeeded');
}, 180_000);
afterAll(async () => {
  await context?.close();
  await lms?.close();
  await t?.close();
});

/** The course page of launch `key`, and the tool's frame in it once it reached `path`. */
const openLaunch = (key: string, pathPrefix: string) => openLaunchAt(context, lms, base, key, pathPrefix);

/** The browser globals the page callbacks use (the tools' tsconfig has no DOM library). */
interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    cookie: string;
    querySelector(s: string): Video | null;
  };
  sessionStorage: { setItem(k: string, v: string): void };
  Event: new (type: string) => unknown;
  performance: { getEntriesByType(type: string): { name: string }[] };
}
interface Video {
  muted: boolean;
  playbackRate: number;
  currentTime: number;
  play(): Promise<void>;
  pause(): void;
  dispatchEvent(e: unknown): boolean;
}
const frameState = (frame: Frame) =>
  frame.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset['state'] ?? '');

describe('coursecast in an LMS (LTI 1.3)', () => {
  it('registers itself at the platform by Dynamic Registration, with the admin token', async () => {
    const page = await context.newPage();
    await page.goto(`${lms.issuer}/admin/register?tool=${encodeURIComponent(`${base}/lti/register`)}`);
    const tool = page.frameLocator('#tool');
    await tool.locator('#admin-token').fill(TEST_TOKEN);
    await tool.getByRole('button', { name: 'Register' }).click();
    await page.waitForSelector('body[data-closed="yes"]', { timeout: 15_000 });
    expect(await tool.getByRole('status').textContent()).toContain(`client id ${lms.clientId}`);
    const list = await t.cc.app.inject({ method: 'GET', url: '/api/lti/platforms', headers: t.auth });
    expect(list.json<LtiPlatformList>().platforms).toEqual([
      expect.objectContaining({
        issuer: lms.issuer,
        clientId: lms.clientId,
        deploymentIds: [lms.deploymentId],
      }),
    ]);
    await page.close();
  });

  it('lets an instructor pick the lecture through Deep Linking; the platform gets a signed resource link', async () => {
    lms.lms.launches.set('dl-1', {
      storage: true,
      claims: {
        sub: 'teacher-1',
        [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
        [`${LTI}roles`]: [ROLES.instructor],
        [`${LTI}target_link_uri`]: `${base}/lti/deep-link`,
        [DL_SETTINGS]: {
          deep_link_return_url: `${lms.issuer}/deep-link-return`,
          accept_types: ['ltiResourceLink'],
          accept_presentation_document_targets: ['iframe'],
          accept_multiple: false,
          data: 'platform-data-1',
        },
      },
    });
    const { page, frame } = await openLaunch('dl-1', '/lti/picker');
    await frame.waitForSelector('body[data-state="ready"]');
    await frame.check(`li[data-item="${itemId}"] input`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lti-picker.png') });
    // The picker inside the LMS's frame meets WCAG 2.1 AA as axe-core checks it.
    expect(await axeViolations(frame)).toEqual([]);
    await frame.click('button:has-text("Add to course")');
    const added = await waitFor('the deep-link return', async () => lms.lms.deepLinks[0]);
    expect(added).toEqual([
      expect.objectContaining({
        type: 'ltiResourceLink',
        title: 'Lecture 1: sampling',
        url: `${base}/watch/${itemId}`,
        custom: { item: itemId },
        lineItem: expect.objectContaining({ scoreMaximum: 100, resourceId: itemId }),
      }),
    ]);
    placed = added[0]!;
    await page.close();
  });

  it('plays the lecture to a learner in the course frame with third-party cookies blocked; 95 % scores; resume', async () => {
    const launch = {
      storage: true,
      claims: {
        sub: 'learner-42',
        [`${LTI}roles`]: [ROLES.learner],
        [`${LTI}resource_link`]: { id: 'rl-lecture-1', title: 'Lecture 1' },
        [`${LTI}target_link_uri`]: placed['url'],
        [`${LTI}custom`]: placed['custom'],
        ...lms.agsClaim(),
      },
    };
    lms.lms.launches.set('learn-1', launch);
    const { page, frame } = await openLaunch('learn-1', '/watch/');
    await frame.waitForSelector('body[data-state="ready"]');
    // The frame really is cookieless: no cookie sticks and the frame's own storage is refused.
    const storage = await frame.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const document = g.document;
      document.cookie = 'probe=1; SameSite=None; Secure';
      let session = 'available';
      try {
        g.sessionStorage.setItem('probe', '1');
      } catch {
        session = 'blocked';
      }
      return { cookie: document.cookie, session };
    });
    expect(storage).toEqual({ cookie: '', session: 'blocked' });
    // The platform kept the state for the tool (postMessage storage), and the URL lost its session.
    expect(await page.evaluate(() => (globalThis as unknown as { storageLog: string[] }).storageLog)).toEqual(
      expect.arrayContaining(['lti.put_data', 'lti.get_data']),
    );
    expect(frame.url()).not.toContain('session=');

    // The learner watches 95 % (twice the speed), then goes back to 0:12 and leaves.
    await frame.evaluate(async () => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video')!;
      v.muted = true;
      v.playbackRate = 2;
      await v.play();
    });
    await frame.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('video')!.currentTime >= 29,
      null,
      {
        timeout: 40_000,
      },
    );
    // Everything played came under the learner's signed link; a stranger gets neither the lecture nor its media.
    const fetched = await frame.evaluate(() =>
      (globalThis as unknown as PageGlobals).performance.getEntriesByType('resource').map((e) => e.name),
    );
    const media = fetched.filter((u) => /\.(m3u8|m4s)(\?|$)/.test(u));
    expect(media.length).toBeGreaterThan(2);
    for (const url of media) expect(new URL(url).pathname).toMatch(new RegExp(`^/m/[^/]+/${itemId}/`));
    expect((await fetch(`${base}/api/items/${itemId}`)).status).toBe(401);
    const plain = new URL(media[0]!).pathname.replace(/^\/m\/[^/]+\//, '/media/');
    expect((await fetch(`${base}${plain}`)).status).toBe(401);
    await frame.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video')!;
      v.pause();
      v.currentTime = 12;
    });
    await frame.waitForSelector('#learner-progress[data-completed="true"]', { timeout: 15_000 });
    const score = await waitFor('the score at the platform', async () =>
      lms.ags.scores.find((s) => s.body['userId'] === 'learner-42'),
    );
    expect(score.body).toMatchObject({
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    expect(Number(score.body['scoreGiven'])).toBeGreaterThanOrEqual(90);
    // One more report with the position the learner left at (the pause's own report may have carried 0:29).
    await frame.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.document.querySelector('video')!.dispatchEvent(new g.Event('pause'));
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'lti-watch.png') });
    await page.close();

    // The next launch offers to resume where the learner left.
    const again = await openLaunch('learn-1', '/watch/');
    const offer = await again.frame.waitForSelector('#resume-offer:not([hidden])', { timeout: 15_000 });
    expect(Number(await offer.getAttribute('data-resume-at'))).toBeCloseTo(12, 0);
    expect(await offer.textContent()).toContain('Resume at 0:12');
    await again.frame.click('#resume');
    expect(
      await again.frame.evaluate(
        () => (globalThis as unknown as PageGlobals).document.querySelector('video')!.currentTime,
      ),
    ).toBeGreaterThanOrEqual(12);
    await again.page.close();
  }, 120_000);

  it('resumes a suspended SCORM 2004 module on the next launch: it sees its suspend_data and entry resume', async () => {
    lms.lms.launches.set('module-1', {
      storage: true,
      claims: {
        sub: 'learner-42',
        [`${LTI}roles`]: [ROLES.learner],
        [`${LTI}resource_link`]: { id: 'rl-module-2' },
        [`${LTI}target_link_uri`]: `${base}/learn/${moduleId}`,
        ...lms.agsClaim(),
      },
    });
    /** What the module saw, read in its own frame. */
    const seen = async (): Promise<Record<string, string>> => {
      const startedAt = new Date().toISOString();
      const first = await openLaunch('module-1', '/learn/');
      const pkg = await waitFor('the module', async () =>
        first.page.frames().find((f) => f.url().split('?')[0]!.endsWith('/content/lesson.html')),
      );
      await pkg.waitForSelector('body[data-done="yes"]', { timeout: 20_000 });
      const shown = JSON.parse((await pkg.textContent('#seen')) ?? '{}') as Record<string, string>;
      // The session's finish is kept (the launch frame's PUT) before the learner leaves.
      await waitFor('the finished session kept', async () => {
        const kept = await t.cc.store.latestScormAttempt(shown['learnerId'] ?? '', moduleId);
        return kept?.finished && kept.updatedAt > startedAt;
      });
      await first.page.close();
      return shown;
    };
    const before = await seen();
    expect(before).toMatchObject({ entry: 'ab-initio', suspendData: '' });
    expect(before['learnerId']).toMatch(/^lrn_/);
    const after = await seen();
    expect(after).toMatchObject({
      entry: 'resume',
      suspendData: 'page=3;q1=b',
      location: 'p3',
      totalTime: 'PT20S',
    });
    const score = await waitFor(
      'the module score at the platform',
      async () =>
        lms.ags.scores.find((s) => s.body['userId'] === 'learner-42' && s.body['scoreGiven'] === 85),
      30_000,
    );
    expect(score.body).toMatchObject({ activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
  }, 90_000);

  it("shows the instructor each learner's progress and gradebook score in the studio, and as CSV", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/studio/?course=${courseId}`);
    await page.fill('#admin-token', TEST_TOKEN);
    await page.click('#token-form button[type="submit"]');
    const row = `li.studio-item[data-item="${itemId}"]`;
    await page.click(`${row} button.learners-toggle`);
    const learner = await page.waitForSelector(`${row} table.learners tbody tr`);
    const text = (await learner.textContent()) ?? '';
    // 95 % or more: under load the video may reach its end before the pause lands.
    expect(text).toMatch(/^lrn_[a-z2-7]{16}Completed(9\d|100)(\.\d+)? % watched/);
    expect(text).toMatch(/\d+ \/ 100 \(sent\)$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${row} button.csv`)]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^learner_id,name,email,lms,status,completion_percent/);
    expect(csv).toMatch(/\r\nlrn_[a-z2-7]{16},,,http:\/\/localhost:\d+,completed,(9\d|100)(\.\d+)?,/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lti-studio-learners.png'), fullPage: true });
    await page.close();
  });

  it('offers a new window when the platform keeps nothing for the tool, and the lecture opens there', async () => {
    lms.lms.launches.set('learn-2', {
      storage: false,
      claims: {
        sub: 'learner-7',
        [`${LTI}roles`]: [ROLES.learner],
        [`${LTI}resource_link`]: { id: 'rl-lecture-1' },
        [`${LTI}target_link_uri`]: placed['url'],
      },
    });
    const { page, frame } = await openLaunch('learn-2', '/lti/bridge');
    await waitFor('the new-window offer', async () => (await frameState(frame)) === 'new-window');
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      frame.click('a:has-text("Open in a new window")'),
    ]);
    await popup.waitForURL((u) => u.pathname === `/watch/${itemId}`, { timeout: 20_000 });
    await popup.waitForSelector('#learner-progress:not([hidden])', { timeout: 15_000 });
    expect(await popup.textContent('#learner-progress')).toMatch(/% watched/);
    await popup.close();
    await page.close();
  }, 60_000);
});

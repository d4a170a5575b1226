// Multi-SCO packages launched on the learn page in headless Chromium (ADR 0011): a flow-only course whose SCOs
// request `continue` reaches all 18; the golf-style post test alone decides the course's result; a course with
// choice is browsed by its contents and its Previous / Continue buttons, each SCO terminating as it unloads;
// the runtime answers adl.nav.request_valid and refuses a request for a SCO that does not exist (406).
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse } from '../apps/server/test-support/api-calls.js';
import {
  choiceCoursePackage,
  flowOnlyPackage,
  postTestRollupPackage,
  scorm12CoursePackage,
  suspendCoursePackage,
} from '../apps/server/test-support/authoring-packages.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { launchChromium } from './support/chromium.js';
import { frameAt, packageLauncher, windowValue, type Learn } from './support/package-launch.js';
import { eventsOf } from './support/stored-events.js';
import { waitFor } from './support/watch-session.js';

let browser: Browser;
let t: TestServer;
let base: string;
let courseId: string;

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
  base = await t.cc.listen();
  courseId = await createCourse(t, 'Multi-SCO courses');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const { upload, launch } = packageLauncher({
  t: () => t,
  browser: () => browser,
  base: () => base,
  courseId: () => courseId,
});

/** The launch frame (content origin, `/launch/<id>`). */
function launchFrame(page: Learn): Frame {
  const f = page.frames().find((x) => new URL(x.url()).pathname.startsWith('/launch/'));
  if (!f) throw new Error('no launch frame');
  return f;
}

type Doc = {
  getElementById(id: string): { hidden: boolean; dataset: Record<string, string | undefined> } | null;
};
/** A check run in the launch frame (its policy forbids evaluating strings): `arg` is what it compares with. */
type FrameCheck = (arg: string) => boolean;

/** Waits until `check(arg)` holds in the launch frame, then reads the course's state. */
async function courseState(
  frame: Frame,
  check: FrameCheck,
  arg = '',
): Promise<{ status: string | null; score: string | null }> {
  await frame.waitForFunction(check, arg, { timeout: 30_000 });
  const course = frame.locator('#course');
  return {
    status: await course.getAttribute('data-course-status'),
    score: await course.getAttribute('data-course-score'),
  };
}

const ended: FrameCheck = () =>
  (globalThis as unknown as { document: Doc }).document.getElementById('course-message')?.hidden === false;
const currentIs: FrameCheck = (id) =>
  (globalThis as unknown as { document: Doc }).document.getElementById('course')?.dataset.current === id;

type Api = Record<'GetValue' | 'SetValue' | 'GetLastError', (...args: string[]) => string>;

/** The finish calls stored for the item, each SCO's id in `content.scorm.activity_id`. */
async function finishedActivities(itemId: string, n: number): Promise<string[]> {
  const rows = await waitFor(`${n} finish calls of ${itemId}`, async () => {
    const r = (await eventsOf(t, itemId, E.scormCall)).filter(
      (e) => e.attrs['content.scorm.call'] === 'finish',
    );
    return r.length >= n ? r : undefined;
  });
  return rows.map((r) => String(r.attrs['content.scorm.activity_id']));
}

describe('multi-SCO navigation', () => {
  it('a flow-only course: each SCO requests continue, and all 18 are reached in order', async () => {
    const id = await upload('flow-only.zip', flowOnlyPackage(18));
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const frame = launchFrame(page);
    const course = await courseState(frame, ended);
    // The SCOs set no success status and the manifest leaves objectiveSetByContent false: the LMS counts each
    // ended attempt as satisfied (SN UP.4), so the course rolls up to passed.
    expect(course.status).toBe('passed');
    expect(await frame.locator('#course-message').textContent()).toContain('You have left the course');
    expect(await finishedActivities(id, 18)).toEqual(Array.from({ length: 18 }, (_, i) => `sco_${i + 1}`));
    // Choice is off: the contents list every lesson as done, and none is a usable button.
    expect(await frame.locator('#course-toc li[data-status="passed"]').count()).toBe(18);
    expect(await frame.locator('#course-toc button:not([disabled])').count()).toBe(0);
    await page.close();
  });

  it('post-test rollup: the test alone passes the course, with its score', async () => {
    const id = await upload('post-test.zip', postTestRollupPackage());
    const { page } = await launch(id);
    const course = await courseState(launchFrame(page), ended);
    expect(course.status).toBe('passed');
    expect(Number(course.score)).toBeCloseTo(0.9, 6);
    expect(await finishedActivities(id, 4)).toEqual(['content_1', 'content_2', 'content_3', 'posttest']);
    await page.close();
  });

  it('a course with choice: contents and buttons navigate, SCOs terminate as they unload', async () => {
    const id = await upload('choice.zip', choiceCoursePackage(4));
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const frame = launchFrame(page);
    expect(await windowValue(await frameAt(page, '/sco-1/index.html'), 'lessonDone')).toBe(true);
    await frame.getByRole('button', { name: 'Chapter 3' }).click();
    await courseState(frame, currentIs, 'sco_3');
    const sco3 = await frameAt(page, '/sco-3/index.html');
    expect(await windowValue(sco3, 'lessonDone')).toBe(true);
    expect(await finishedActivities(id, 1)).toEqual(['sco_1']);
    expect(await frame.locator('li[data-activity="sco_1"]').getAttribute('data-status')).toBe('passed');

    // What the running SCO asks the runtime about navigation.
    const answers = await sco3.evaluate(() => {
      const api = (globalThis as unknown as { parent: { API_1484_11: Api } }).parent.API_1484_11;
      const ask = (e: string) => api.GetValue(e);
      return {
        continue: ask('adl.nav.request_valid.continue'),
        previous: ask('adl.nav.request_valid.previous'),
        chooseFirst: ask('adl.nav.request_valid.choice.{target=sco_1}'),
        chooseMissing: ask('adl.nav.request_valid.choice.{target=sco_99}'),
        setMissing: api.SetValue('adl.nav.request', '{target=sco_99}choice'),
        error: api.GetLastError(),
        setReal: api.SetValue('adl.nav.request', '{target=sco_1}choice'),
      };
    });
    expect(answers).toEqual({
      continue: 'true',
      previous: 'true',
      chooseFirst: 'true',
      chooseMissing: 'false',
      setMissing: 'false',
      error: '406',
      setReal: 'true',
    });

    await frame.getByRole('button', { name: 'Previous' }).click();
    await courseState(frame, currentIs, 'sco_2');
    await frame.getByRole('button', { name: 'Continue' }).click();
    await courseState(frame, currentIs, 'sco_3');
    expect(await finishedActivities(id, 3)).toEqual(['sco_1', 'sco_3', 'sco_2']);
    await page.close();
  });

  it('a SCORM 1.2 course flows with the buttons: each lesson ends as the next begins', async () => {
    const id = await upload('scorm12-course.zip', scorm12CoursePackage(3));
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const frame = launchFrame(page);
    expect(await windowValue(await frameAt(page, '/lesson-1/index.html'), 'lessonDone')).toBe(true);
    expect(await frame.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await frame.getByRole('button', { name: 'Continue' }).click();
    await courseState(frame, currentIs, 'lesson_2');
    expect(await windowValue(await frameAt(page, '/lesson-2/index.html'), 'lessonDone')).toBe(true);
    expect(await finishedActivities(id, 1)).toEqual(['lesson_1']);
    expect(await frame.locator('li[data-activity="lesson_1"]').getAttribute('data-status')).toBe('completed');
    await frame.getByRole('button', { name: 'Lesson 3' }).click();
    await courseState(frame, currentIs, 'lesson_3');
    expect(await finishedActivities(id, 2)).toEqual(['lesson_1', 'lesson_2']);
    await page.close();
  });

  it('suspendAll saves the course; Resume brings the SCO back with its suspend data', async () => {
    const id = await upload('suspend.zip', suspendCoursePackage());
    const { page } = await launch(id);
    const frame = launchFrame(page);
    await courseState(frame, ended);
    expect(await frame.locator('#course-message').textContent()).toContain('saved where you left it');
    await frame.getByRole('button', { name: 'Resume the course' }).click();
    await courseState(frame, currentIs, 'sco_1');
    expect(await windowValue(await frameAt(page, '/sco-1/index.html'), 'resumedWith')).toBe('page=4');
    // One attempt, resumed: the contents say it is completed now.
    await frame.waitForSelector('li[data-activity="sco_1"][data-status="passed"]', { timeout: 10_000 });
    await page.close();
  });
});

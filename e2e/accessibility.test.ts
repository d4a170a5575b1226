// WCAG 2.1 AA on every page, checked in Chromium with axe-core (the WCAG 2.0/2.1 A and AA rules: contrast, names,
// roles, labels, landmarks, language...): home, course, watch, learn, studio (its captions panel open), dashboard,
// and the LMS pages. The studio is walked with the keyboard alone (every stop named, no trap), and with
// `prefers-reduced-motion` nothing on the pages animates. The studio's captions panel is used as an instructor would:
// a file added, a bad one refused with its line, the source's captions imported, the to-do list kept.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '@coursecast/server';
import { createCourse, postUpload, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { testClip, trackedClip } from '../apps/server/test-support/media-fixtures.js';
import { multipartBody } from '../apps/server/test-support/multipart.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitForJob } from '../apps/server/test-support/wait.js';
import { axeViolations, tabWalk, type AxeViolation } from './support/axe-check.js';
import { launchChromium } from './support/chromium.js';

let t: TestServer;
let base = '';
let browser: Browser;
let dir = '';
const ids = { course: '', lecture: '', tracked: '', pdf: '' };

interface PageGlobals {
  sessionStorage: { setItem(k: string, v: string): void };
  document: { getAnimations(): unknown[]; querySelectorAll(s: string): { length: number } };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cc-e2e-a11y-'));
  t = await startTestServer();
  ids.course = await createCourse(t, 'Accessible course');
  await t.cc.app.inject({
    method: 'PATCH',
    url: `/api/courses/${ids.course}`,
    headers: t.auth,
    payload: { listed: true },
  });
  const lecture = await uploadLecture(
    t,
    ids.course,
    await testClip({ seconds: 4, width: 320, height: 240 }),
    'Week 1',
  );
  const tracked = await uploadLecture(t, ids.course, await trackedClip(), 'Week 2');
  ids.lecture = lecture.item.id;
  ids.tracked = tracked.item.id;
  const pdf = await postUpload(
    t,
    ids.course,
    await multipartBody({ name: 'slides.pdf', content: samplePdf(['Week 1']) }),
  );
  ids.pdf = pdf.json<{ item: { id: string } }>().item.id;
  for (const job of [lecture.job.id, tracked.job.id])
    expect((await waitForJob(t.cc.store, job)).state).toBe('succeeded');
  base = await t.cc.listen();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(
  url: string,
  admin = false,
  reducedMotion = false,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    reducedMotion: reducedMotion ? 'reduce' : 'no-preference',
  });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  if (admin) {
    await page.goto(`${base}/`);
    await page.evaluate(
      (token) =>
        (globalThis as unknown as PageGlobals).sessionStorage.setItem('coursecast.adminToken', token),
      TEST_TOKEN,
    );
  }
  await page.goto(`${base}${url}`);
  return { page, problems };
}

describe('every page against WCAG 2.1 A and AA', () => {
  it('axe-core finds no violation on any page', async () => {
    const pages: { name: string; url: string; admin?: boolean; ready: string }[] = [
      { name: 'home', url: '/', ready: 'body[data-state="ready"]' },
      { name: 'course', url: `/courses/${ids.course}`, ready: 'body[data-state="ready"]' },
      { name: 'watch', url: `/watch/${ids.lecture}`, ready: 'body[data-state="ready"]' },
      { name: 'learn (a document)', url: `/learn/${ids.pdf}`, ready: 'body[data-state="ready"]' },
      { name: 'studio (token form)', url: '/studio/', ready: '#admin-token' },
      { name: 'studio', url: `/studio/?course=${ids.course}`, admin: true, ready: '.studio-item' },
      { name: 'dashboard', url: '/dashboard/', admin: true, ready: '[data-panel][data-state]' },
      { name: 'LMS launch bridge', url: '/lti/bridge', ready: 'body[data-state]' },
      { name: 'LMS deep-linking picker', url: '/lti/picker', ready: 'body[data-state]' },
      { name: 'LMS registration', url: '/lti/register', ready: 'body[data-state]' },
    ];
    const found: Record<string, AxeViolation[]> = {};
    for (const p of pages) {
      const { page } = await open(p.url, p.admin);
      await page.waitForSelector(p.ready, { timeout: 15_000 });
      // Every dashboard card drawn (data, empty or error), not only the first, and the caption coverage line.
      if (p.name === 'dashboard') {
        await page.waitForSelector('#caption-coverage:has-text("Caption coverage: 0 of 2 ready lectures")');
        await page.waitForFunction(
          () =>
            (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-panel]:not([data-state])')
              .length === 0,
        );
      }
      if (p.name === 'studio') {
        await page.click(`[data-item="${ids.tracked}"] .captions-toggle`);
        await page.waitForSelector(`#captions-${ids.tracked} form`);
      }
      const violations = await axeViolations(page);
      if (violations.length > 0) found[p.name] = violations;
      await page.close();
    }
    expect(found).toEqual({});
  }, 120_000);

  it('the studio is reached by keyboard alone: every stop named, no trap', async () => {
    const { page } = await open(`/studio/?course=${ids.course}`, true);
    await page.waitForSelector('.studio-item');
    const stops = await tabWalk(page, 120);
    expect(stops.length).toBeLessThan(120);
    expect(stops.filter((s) => s.name === '')).toEqual([]);
    const names = stops.map((s) => s.name);
    for (const name of ['Watch', 'Captions', 'Re-transcode', 'Delete']) expect(names).toContain(name);
    await page.close();
  }, 60_000);

  it('nothing animates when the learner asks for reduced motion', async () => {
    for (const url of ['/', `/courses/${ids.course}`, `/watch/${ids.lecture}`]) {
      const { page } = await open(url, false, true);
      await page.waitForSelector('body[data-state="ready"]');
      expect([
        url,
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.getAnimations().length),
      ]).toEqual([url, 0]);
      await page.close();
    }
  }, 60_000);
});

describe("the studio's captions", () => {
  it('adds a file, refuses a bad one naming its line, imports the source’s captions, and keeps the to-do list', async () => {
    const good = path.join(dir, 'week2.en.vtt');
    const bad = path.join(dir, 'broken.srt');
    writeFileSync(good, 'WEBVTT\n\n00:00.500 --> 00:02.000\nWelcome to week two\n');
    writeFileSync(
      bad,
      '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken arrow\n',
    );
    const { page, problems } = await open(`/studio/?course=${ids.course}`, true);
    await page.waitForSelector('#caption-todo li');
    expect(await page.locator('#caption-todo li').allTextContents()).toEqual(['Week 1', 'Week 2']);

    await page.click(`[data-item="${ids.tracked}"] .captions-toggle`);
    const panel = page.locator(`#captions-${ids.tracked}`);
    await panel.locator('form').waitFor();
    await panel.locator('input[type="file"]').setInputFiles(bad);
    await panel.locator('input[id^="caption-language"]').fill('en');
    await panel.locator('button[type="submit"]').click();
    await expect
      .poll(() => panel.locator('.error').textContent())
      .toMatch(/broken\.srt was refused: line \d+:/);

    await panel.locator('input[type="file"]').setInputFiles(good);
    await panel.locator('input[id^="caption-label"]').fill('English');
    await panel.locator('button[type="submit"]').click();
    await panel.locator('[data-track]').first().waitFor();
    expect(await panel.locator('.track-label').allTextContents()).toEqual(['English']);

    await panel.locator('.caption-embedded button').click();
    await expect
      .poll(() => panel.locator('.track-label').allTextContents())
      .toEqual(['English', 'English (CC)']);
    expect(await panel.locator('.caption-embedded li').textContent()).toMatch(/imported/);

    await page.reload();
    await page.waitForSelector('#caption-todo li');
    expect(await page.locator('#caption-todo li').allTextContents()).toEqual(['Week 1']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

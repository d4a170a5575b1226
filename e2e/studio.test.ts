// The studio in headless Chromium against a real coursecast, as an instructor uses it: sign in with the admin
// token, create a course, drag a 1080p lecture and a PDF in, on an upload link throttled so the lecture takes
// over a minute (a TCP proxy: support/throttled-link.ts says why not CDP), with the network cut for 5 s in the
// middle (the upload resumes by itself, from where the server got to). The lecture plays before its ladder
// exists (the watch page says why), the studio follows its encoding live, and then it plays the ladder.
// Screenshots of the studio (desktop and 360 px) land in e2e/artifacts/.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClip } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { defaultWebDistDir, samplePdf, WEB_PAGES } from '@coursecast/server';
import { launchChromium } from './support/chromium.js';
import { throttledLink } from './support/throttled-link.js';
import { openWatch, waitFor } from './support/watch-session.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let browser: Browser;
let t: TestServer;
let base: string;

beforeAll(async () => {
  const page = path.join(defaultWebDistDir(), WEB_PAGES.studio);
  if (!existsSync(page)) throw new Error(`no web build at ${page}: run npm run build (scripts/setup does)`);
  browser = await launchChromium();
  // The encoding queue starts later: the lecture is watched first while no ladder exists.
  t = await startTestServer({}, { startQueue: false });
  base = await t.cc.listen();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Drops files on the studio's drop zone, as a drag from the desktop does. */
async function dropFiles(page: Page, files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  const transfer = await page.evaluateHandle(
    (list) => {
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
        atob(b64: string): string;
      };
      const dt = new g.DataTransfer();
      for (const f of list) {
        const raw = g.atob(f.b64);
        const bytes = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        dt.items.add(new g.File([bytes], f.name, { type: f.type }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString('base64') })),
  );
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
}

const uploadRow = (name: string) => `#uploads li[data-file="${name}"]`;

describe('the studio', () => {
  it('takes a throttled, interrupted upload to a playable lecture, then to its ladder', async () => {
    const lecture = await readFile(await testClip({ seconds: 8, width: 1920, height: 1080 }));
    // About 75 s for the lecture on this link.
    const link = await throttledLink(base, Math.round(lecture.length / 75));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // What the upload sent and got: the resume after the cut must ask the server where it got to.
    const tus: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/resumable')) tus.push(`${r.request().method()} ${r.status()}`);
    });
    await page.goto(`${link.url}/studio/`);
    await page.waitForSelector('body[data-state="gate"]');
    await page.fill('#admin-token', TEST_TOKEN);
    await page.click('#token-form button[type="submit"]');
    await page.waitForSelector('body[data-state="ready"]');

    await page.fill('#new-course-title', 'Signals and systems');
    await page.click('#new-course button[type="submit"]');
    await page.waitForSelector('#course-panel h2:has-text("Signals and systems")');
    const courseId = (await page.getAttribute('#course-panel', 'data-course')) ?? '';

    const started = Date.now();
    await dropFiles(page, [
      { name: 'lecture-1080p.mp4', type: 'video/mp4', bytes: lecture },
      { name: 'week-1-slides.pdf', type: 'application/pdf', bytes: samplePdf(['Week 1: signals']) },
    ]);
    await page.waitForSelector(`${uploadRow('week-1-slides.pdf')}[data-state="done"]`, { timeout: 30_000 });

    const progress = async (): Promise<number> =>
      Number(
        await page.$eval(
          `${uploadRow('lecture-1080p.mp4')} progress`,
          (p) => (p as unknown as { value: number }).value,
        ),
      );
    await waitFor(
      'a third of the lecture sent',
      async () => (await progress()) >= lecture.length / 3,
      60_000,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-upload.png'), fullPage: true });
    // Speed and time left need two progress samples that span time; the first event may already be past a third
    // (the socket's buffer takes a burst), so the row is read until it shows them.
    await waitFor('the row to show speed and time left', async () =>
      /MB of \d+(\.\d)? MB · [\d.]+ [KM]?B\/s · \d+ (s|min) left/.test(
        (await page.textContent(`${uploadRow('lecture-1080p.mp4')} .upload-line`)) ?? '',
      ),
    );

    // The Wi-Fi drops for 5 s.
    const beforeCut = await progress();
    link.cut();
    // What the row says while the network is gone, sampled through the 5 s.
    const duringCut = new Set<string>();
    for (const until = Date.now() + 5000; Date.now() < until; await sleep(250)) {
      duringCut.add((await page.getAttribute(uploadRow('lecture-1080p.mp4'), 'data-state')) ?? '');
    }
    link.restore();
    const afterCut = await waitFor(
      'the upload to go on after the cut',
      async () => {
        const p = await progress();
        return p > beforeCut ? p : null;
      },
      60_000,
    );
    // The cut showed (the row said it was retrying), and the upload went on by itself, never from the start.
    expect([...duringCut]).toContain('retrying');
    expect(afterCut).toBeGreaterThan(beforeCut);
    await page.waitForSelector(`${uploadRow('lecture-1080p.mp4')}[data-state="done"]`, { timeout: 120_000 });
    // It asked the server where it got to (a HEAD) and went on from there.
    expect(tus).toContain('HEAD 200');
    expect(tus.filter((r) => r === 'POST 201')).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThan(60_000);
    const items = await t.cc.store.listItems(courseId);
    const video = items.find((i) => i.kind === 'video');
    expect(items.map((i) => i.kind).sort()).toEqual(['document', 'video']);
    expect(video?.sourceBytes).toBe(lecture.length);
    const row = `#items li[data-item="${video?.id}"]`;
    await page.waitForSelector(`${row}[data-status="processing"]`);
    expect(await page.textContent(`${row} .delivery`)).toContain('Playable now');

    // Watched before the ladder exists: the watch page plays the source and says why.
    const before = await openWatch(browser, base, courseId, video?.id ?? '', { autoplay: true });
    await before.waitPlayedTo(1);
    const early = await before.page.evaluate(
      () =>
        (globalThis as unknown as { coursecastWatch: { plan: { mode: string; reasons: string[] } } })
          .coursecastWatch.plan,
    );
    expect(early.mode).not.toBe('vod');
    expect(early.reasons).toContain('ladder_not_ready');
    expect(await before.page.textContent('body')).toContain('the prepared stream is not ready yet');
    await before.page.close();

    // The encoder starts: the studio follows it live, then shows the ladder.
    await t.cc.queue.start();
    await page.waitForSelector(`${row}[data-status="ready"]`, { timeout: 90_000 });
    expect(await page.textContent(`${row} .delivery`)).toMatch(/Learners get \d+p/);
    const after = await openWatch(browser, base, courseId, video?.id ?? '', { autoplay: true });
    await after.waitPlayedTo(1);
    const late = await after.page.evaluate(
      () => (globalThis as unknown as { coursecastWatch: { plan: { mode: string } } }).coursecastWatch.plan,
    );
    expect(late.mode).toBe('vod');
    await after.page.close();
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio.png'), fullPage: true });

    // On a phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
            .documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-360.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
    await link.close();
  }, 300_000);

  it('renames a course and deletes an item only once asked twice', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/studio/`);
    await page.evaluate(
      (token) =>
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem('coursecast.adminToken', token),
      TEST_TOKEN,
    );
    await page.reload();
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#courses a[data-course]');
    await page.waitForSelector('#items li[data-kind="document"]');
    await page.fill('#course-title-input', 'Signals and systems (2027)');
    await page.check('#course-listed');
    await page.click('.course-form button[type="submit"]');
    await page.waitForSelector('#courses a:has-text("Signals and systems (2027)")');
    const courseId = (await page.getAttribute('#course-panel', 'data-course')) ?? '';
    expect(await t.cc.store.getCourse(courseId)).toMatchObject({
      title: 'Signals and systems (2027)',
      listed: true,
    });

    const doc = '#items li[data-kind="document"]';
    await page.click(`${doc} button.danger`);
    await page.waitForSelector(`${doc} .confirm:not([hidden])`);
    await page.click(`${doc} .confirm-keep`);
    expect((await t.cc.store.listItems(courseId)).some((i) => i.kind === 'document')).toBe(true);
    await page.click(`${doc} button.danger`);
    await page.click(`${doc} .confirm-yes`);
    await page.waitForSelector(doc, { state: 'detached' });
    expect((await t.cc.store.listItems(courseId)).some((i) => i.kind === 'document')).toBe(false);

    // The home page lists the course now.
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('main')).toContain('Signals and systems (2027)');
    await page.close();
  }, 60_000);
});

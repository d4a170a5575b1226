// Captions in direct play: a lecture whose MP4 the browser plays as it is (no ladder yet) gets the same WebVTT as a
// <track> of the video, shown when the learner chooses it, at the file's times.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { testClip } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { EN_VTT, expectCuesMatch, FILE_CUES, showingCues } from './support/caption-cues.js';
import { launchChromium } from './support/chromium.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('captions in direct play', () => {
  let direct: TestServer;
  let directBase = '';
  let directItem = '';
  beforeAll(async () => {
    // No transcode runs: the MP4 plays as it is, and its captions come as a <track> of the video.
    direct = await startTestServer({}, { startQueue: false });
    const courseId = await createCourse(direct, 'Direct');
    directItem = (
      await uploadLecture(
        direct,
        courseId,
        await testClip({ seconds: 10, width: 320, height: 180 }),
        'Direct lecture',
      )
    ).item.id;
    const res = await direct.cc.app.inject({
      method: 'POST',
      url: `/api/items/${directItem}/captions?language=en&label=English`,
      headers: { ...direct.auth, 'content-type': 'text/vtt' },
      payload: EN_VTT,
    });
    expect(res.statusCode).toBe(201);
    directBase = await direct.cc.listen();
  }, 60_000);
  afterAll(() => direct?.close());

  it('offers the same WebVTT as a <track>, shown when chosen, at the file’s times', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${directBase}/watch/${directItem}?muted=1`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.getAttribute('body', 'data-plan-mode')).toBe('direct');
    expect(await page.locator('video track').count()).toBe(1);
    await page.selectOption('#caption-track', { label: 'English' });
    expectCuesMatch(await showingCues(page, 'English'), FILE_CUES['English']!);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});

// A live lecture as an instructor and a learner live it: FFmpeg (standing in for OBS) publishes a test pattern with
// the wall clock of each frame's capture burnt into it, over RTMP (and over SRT in the second test); Chromium plays it
// live through the edge with the player SDK; the SDK's latency behind live is checked against the burnt-in clock;
// the publisher is cut and comes back; the instructor ends the lecture and the same page plays the recording from
// its start.
import type { LiveResponse } from '@coursecast/api';
import type { LiveTestPublisher } from '@coursecast/media/samples';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveKit, type LiveKit } from '../apps/server/test-support/live-kit.js';
import { TEST_TOKEN } from '../apps/server/test-support/test-server.js';
import { axeViolations } from './support/axe-check.js';
import { readLatency } from './support/burnt-clock.js';
import { launchChromium } from './support/chromium.js';

interface LiveFigures {
  latencyMs: number | null;
  offsetMs: number;
  state: string;
}
interface PageGlobals {
  coursecastWatch?: {
    video: { currentTime: number; paused: boolean };
    live: { figures(): LiveFigures } | null;
  };
  document: { body: { dataset: Record<string, string | undefined> } };
}

const cleanups: (() => Promise<void>)[] = [];
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/**
 * Pairs of (truth, SDK) latency read in the page at the same moment: the truth is the page's clock minus the capture
 * time burnt into the frame showing (both the same machine's clock), the SDK's is its own figure.
 */
async function latencyPairs(page: Page, count: number): Promise<{ truth: number; sdk: number }[]> {
  const pairs: { truth: number; sdk: number }[] = [];
  while (pairs.length < count) {
    await page.waitForTimeout(700);
    const sdk = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).coursecastWatch?.live?.figures().latencyMs ?? null,
    );
    const truth = await readLatency(page);
    if (sdk !== null && truth !== null && truth > -1000 && truth < 60_000) pairs.push({ truth, sdk });
  }
  return pairs;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function playLive(kit: LiveKit, live: LiveResponse, publish: () => LiveTestPublisher): Promise<Page> {
  const base = kit.ts.cc.url();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  cleanups.push(() => page.close());
  // The page opens before the lecture starts: it waits, then plays as soon as the instructor goes live.
  await page.goto(`${base}/watch/${live.itemId}?autoplay=1&muted=1`);
  await page.waitForSelector('#live-wait');
  publish();
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.body.dataset['state'] === 'playing',
    undefined,
    {
      timeout: 40_000,
    },
  );
  return page;
}

describe('a live lecture in Chromium', () => {
  it('plays live over RTMP with the SDK latency true to the burnt-in clock, rides out a dropped publisher, and becomes the recording', async () => {
    const kit = await startLiveKit(cleanups, { graceSeconds: 30 });
    await kit.ts.cc.listen();
    const live = await kit.create();
    let publisher: LiveTestPublisher | null = null;
    const publish = (): LiveTestPublisher =>
      (publisher = kit.publishRtmp(live, { clock: true, width: 640, height: 360 }));
    const page = await playLive(kit, live, publish);
    expect(await page.locator('#live-badge').textContent()).toBe('LIVE');

    const pairs = await latencyPairs(page, 8);
    const diffs = pairs.map((p) => p.sdk - p.truth);

    // The SDK's latency behind live agrees with the wall clock burnt into the frames.
    expect(Math.abs(median(diffs)), JSON.stringify(pairs)).toBeLessThanOrEqual(500);
    expect(Math.max(...diffs.map(Math.abs)), JSON.stringify(pairs)).toBeLessThanOrEqual(1000);
    expect(median(pairs.map((p) => p.truth))).toBeLessThan(15_000);

    // The publisher drops and is back 10 s later: the page plays on, on the same playlists.
    await publisher!.kill();
    await kit.waitState(live.itemId, 'reconnecting');
    await page.waitForTimeout(10_000);
    publish();
    await kit.waitState(live.itemId, 'live', 15_000);
    const before = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).coursecastWatch!.video.currentTime,
    );
    await page.waitForFunction(
      (t) => (globalThis as unknown as PageGlobals).coursecastWatch!.video.currentTime > t + 4,
      before,
      { timeout: 40_000 },
    );
    expect((await kit.lecture(live.itemId)).reconnects).toBe(1);

    // The instructor ends it: the page turns to the recording without a reload and plays it from its start.
    const end = await kit.ts.cc.app.inject({
      method: 'POST',
      url: `/api/items/${live.itemId}/live/end`,
      headers: kit.ts.auth,
    });
    expect(end.statusCode).toBe(200);
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.body.dataset['liveState'] === 'ended',
      undefined,
      {
        timeout: 15_000,
      },
    );
    expect(await page.locator('#live-badge').textContent()).toBe('RECORDING');
    await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).coursecastWatch!.video as unknown as {
        currentTime: number;
      };
      v.currentTime = 0;
    });
    await page.waitForFunction(
      () => {
        const v = (globalThis as unknown as PageGlobals).coursecastWatch!.video;
        return !v.paused && v.currentTime > 1 && v.currentTime < 6;
      },
      undefined,
      { timeout: 20_000 },
    );
  }, 180_000);

  it('plays live over SRT with the same latency check', async () => {
    const kit = await startLiveKit(cleanups);
    await kit.ts.cc.listen();
    const live = await kit.create();
    const page = await playLive(kit, live, () =>
      kit.publishSrt(live, { clock: true, width: 640, height: 360 }),
    );
    const pairs = await latencyPairs(page, 6);
    expect(Math.abs(median(pairs.map((p) => p.sdk - p.truth))), JSON.stringify(pairs)).toBeLessThanOrEqual(
      500,
    );
  }, 120_000);

  it('is created, published to and ended from the studio, whose page and the live watch page pass axe', async () => {
    const kit = await startLiveKit(cleanups);
    const base = await kit.ts.cc.listen();
    const studio = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    cleanups.push(() => studio.close());
    await studio.goto(`${base}/studio/`);
    await studio.evaluate(
      (token) =>
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem('coursecast.adminToken', token),
      TEST_TOKEN,
    );
    await studio.reload();
    await studio.waitForSelector('body[data-state="ready"]');
    await studio.click(`#courses a[data-course="${kit.courseId}"]`);
    await studio.fill('#live-title', 'Office hours, week 3');
    await studio.click('#live-form button[type="submit"]');
    const row = studio.locator('#items li', { hasText: 'Office hours, week 3' });
    await row.locator('button', { hasText: 'Live lecture' }).click();
    const itemId = (await row.getAttribute('data-item'))!;
    const server = studio.locator(`#rtmp-url-${itemId}`);
    await server.waitFor();
    const key = studio.locator(`#rtmp-key-${itemId}`);
    expect(await key.getAttribute('type')).toBe('password');
    expect(await axeViolations(studio)).toEqual([]);
    // The instructor copies the server and key into the encoder.
    const url = `${(await server.inputValue()).replace(/\/\/[^/:]+:/, '//127.0.0.1:')}/${await key.inputValue()}`;
    const live = await kit.lecture(itemId);
    const watch = await playLive(kit, live, () =>
      kit.publishRtmp(live, { key: url.slice(url.lastIndexOf('/') + 1) }),
    );
    expect(await axeViolations(watch)).toEqual([]);
    await studio.waitForSelector(`#live-${itemId} .live-state[data-state="live"]`, { timeout: 15_000 });
    await studio.waitForSelector(`#live-${itemId} .live-health`, { timeout: 15_000 });
    await studio.locator(`#live-${itemId} button.danger`).first().click();
    await studio.locator(`#live-${itemId} button.confirm-yes`).click();
    await kit.waitState(itemId, 'ended', 20_000);
  }, 120_000);
});

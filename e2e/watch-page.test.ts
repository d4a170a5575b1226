// The learner pages in headless Chromium against a real coursecast: the course page lists a lecture and links
// to its watch page, which asks for a plan with the browser's real capabilities and plays it with hls.js and
// the player SDK. A transcoded MP4 plays its published ladder (`vod`); an HEVC MKV with no ladder, a source
// Chromium cannot decode, plays just in time (`transcode`), and leaving the page ends its session at once.
// A screenshot of the playing watch page lands in e2e/artifacts/ for a person to look at.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { mkvClip, testClip } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitForJob } from '../apps/server/test-support/wait.js';
import { defaultWebDistDir, WEB_PAGES } from '@coursecast/server';
import { launchChromium } from './support/chromium.js';
import type { Attributes } from './support/dashboard-page.js';

/** What the watch page exposes as `window.coursecastWatch` (the parts read here). */
interface Exposed {
  video: { currentTime: number; paused: boolean; muted: boolean };
  hls: object | null;
  handle: { viewerId: string; sessionId: string; measured: boolean } | null;
  plan: { mode: string; reasons: string[] } | null;
  engine: string | null;
  capabilities: { videoCodecs: string[]; containers: string[] } | null;
  session: { id: string } | null;
}

interface Played {
  page: Page;
  /** Console errors and uncaught exceptions (a CSP violation is reported there). */
  problems: string[];
  /** hls.js's media requests, with the headers the SDK and hls.js's CMCD add. */
  mediaRequests: { url: string; traceparent: boolean; cmcd: boolean }[];
  /** The playback request's query. */
  playbackQuery: URLSearchParams;
  exposed: Exposed;
  /** The lecture's status on the course page. */
  listedStatus: string | null;
  startMs: number;
}

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let browser: Browser;

beforeAll(async () => {
  const page = path.join(defaultWebDistDir(), WEB_PAGES.watch);
  if (!existsSync(page)) throw new Error(`no web build at ${page}: run npm run build (scripts/setup does)`);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Reads `window.coursecastWatch` in its JSON-able parts. */
const exposedOf = (page: Page) =>
  page.evaluate(() => {
    const w = (globalThis as unknown as { coursecastWatch: Record<string, unknown> }).coursecastWatch;
    const video = w.video as { currentTime: number; paused: boolean; muted: boolean };
    const handle = w.handle as { viewerId: string; sessionId: string; measured: boolean } | null;
    return {
      video: { currentTime: video.currentTime, paused: video.paused, muted: video.muted },
      hls: w.hls ? {} : null,
      handle: handle
        ? { viewerId: handle.viewerId, sessionId: handle.sessionId, measured: handle.measured }
        : null,
      plan: w.plan,
      engine: w.engine,
      capabilities: w.capabilities,
      session: w.session,
    } as Exposed;
  });

/**
 * Opens the course page, checks its one lecture and follows the link (with autoplay and muted added), then
 * waits until the video has played past 1 s.
 */
async function playFromCourse(
  base: string,
  courseId: string,
  itemId: string,
  title: string,
): Promise<Played> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const mediaRequests: Played['mediaRequests'] = [];
  let playbackQuery = new URLSearchParams();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/playback')) playbackQuery = url.searchParams;
    // hls.js's requests (the poster is the <video>'s own).
    if (url.pathname.startsWith('/media/') && ['xhr', 'fetch'].includes(r.resourceType())) {
      const headers = r.headers();
      mediaRequests.push({
        url: url.pathname,
        traceparent: 'traceparent' in headers,
        cmcd: Object.keys(headers).some((h) => h.startsWith('cmcd-')),
      });
    }
  });

  await page.goto(`${base}/courses/${courseId}`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
  const row = page.locator(`[data-item="${itemId}"]`);
  expect(await row.getAttribute('data-kind')).toBe('video');
  const listedStatus = await row.getAttribute('data-status');
  const link = row.locator('a.watch-link');
  expect(await link.textContent()).toBe(title);
  const href = await link.getAttribute('href');
  expect(href).toBe(`/watch/${itemId}?course=${courseId}`);

  const startMs = Date.now();
  await page.goto(`${base}${href}&autoplay=1&muted=1`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await page.$eval('body', (b: Attributes) => b.getAttribute('data-state'));
    if (state === 'error') {
      const text = await page.locator('#page-message').textContent();
      throw new Error(`the watch page failed: ${text}; ${JSON.stringify({ problems, mediaRequests })}`);
    }
    const exposed = await exposedOf(page);
    if (state === 'playing' && exposed.video.currentTime > 1)
      return { page, problems, mediaRequests, playbackQuery, exposed, listedStatus, startMs };
    if (Date.now() > deadline) {
      throw new Error(
        `not playing past 1 s after 20 s: ${JSON.stringify({ state, exposed, problems, mediaRequests })}`,
      );
    }
    await sleep(100);
  }
}

/** Checks what every played page must show: plan, capabilities in the request, SDK on every media request. */
async function expectPlayed(played: Played, mode: string, itemId: string): Promise<void> {
  const { page, exposed, playbackQuery, mediaRequests } = played;
  expect(await page.$eval('body', (b: Attributes) => b.getAttribute('data-plan-mode'))).toBe(mode);
  expect(await page.locator('#plan-mode').textContent()).toBe(mode);
  expect(exposed.plan?.mode).toBe(mode);
  expect(exposed.engine).toBe('hls.js');
  expect(exposed.hls).not.toBeNull();
  expect(exposed.video.muted).toBe(true);
  // The request named what this Chromium decodes (HEVC is not in it) and who is watching.
  expect(playbackQuery.get('videoCodecs')?.split(',')).toContain('h264');
  expect(playbackQuery.get('videoCodecs')?.split(',')).not.toContain('hevc');
  expect(playbackQuery.get('containers')?.split(',')).toContain('mp4');
  expect(playbackQuery.get('viewer')).toBe(exposed.handle?.viewerId);
  expect(exposed.capabilities?.videoCodecs).toEqual(playbackQuery.get('videoCodecs')?.split(','));
  expect(await page.locator('#item-title').textContent()).not.toBe('Loading…');
  // The SDK was attached before the first request: every media request carries a trace context and CMCD.
  expect(mediaRequests.length).toBeGreaterThan(1);
  expect(mediaRequests[0]!.url).toMatch(new RegExp(`^/media/${itemId}/.+\\.m3u8$`));
  expect(mediaRequests.filter((r) => !r.traceparent)).toEqual([]);
  expect(mediaRequests.filter((r) => !r.cmcd)).toEqual([]);
  expect(played.problems).toEqual([]);
}

describe('the watch page plays a transcoded lecture', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer();
    base = await t.cc.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('from the course page, through the published ladder (vod)', async () => {
    const courseId = await createCourse(t, 'Optics');
    const clip = await testClip({ seconds: 6, width: 640, height: 360 });
    const { item, job } = await uploadLecture(t, courseId, clip, 'Lenses');
    expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');

    const played = await playFromCourse(base, courseId, item.id, 'Lenses');
    try {
      await expectPlayed(played, 'vod', item.id);
      expect(played.listedStatus).toBe('ready');
      expect(played.exposed.plan?.reasons).toEqual([]);
      expect(played.exposed.session).toBeNull();
      expect(await played.page.locator('#course-link').textContent()).toBe('← Optics');
      mkdirSync(ARTIFACTS, { recursive: true });
      await played.page.screenshot({ path: path.join(ARTIFACTS, 'watch-page.png') });
      await played.page.goto(`${base}/courses/${courseId}`);
      await played.page.waitForSelector('body[data-state="ready"]');
      await played.page.screenshot({ path: path.join(ARTIFACTS, 'course-page.png') });
      console.log(
        `watch-page: vod playing past 1 s ${Date.now() - played.startMs} ms after opening the page`,
      );
    } finally {
      await played.page.close();
    }
  });

  it('says so for an unknown course and an unknown lecture', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/courses/crs_nosuchcourse`);
      await page.waitForSelector('body[data-state="error"]', { timeout: 10_000 });
      expect(await page.locator('h1').textContent()).toBe('Course not found');
      await page.goto(`${base}/watch/itm_nosuchitem?autoplay=1`);
      await page.waitForSelector('body[data-state="error"]', { timeout: 10_000 });
      expect(await page.locator('#page-message').textContent()).toContain('no lecture at this address');
      expect(await page.$eval('body', (b: Attributes) => b.getAttribute('data-plan-mode'))).toBeNull();
    } finally {
      await page.close();
    }
  });
});

describe('the watch page plays an HEVC MKV just in time', () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    // No ladder: the queue never runs, so the only way to play is a just-in-time session.
    t = await startTestServer({ jit: { segmentSeconds: 2 } }, { startQueue: false });
    base = await t.cc.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  const sessions = async (): Promise<{ id: string }[]> => {
    const res = await fetch(`${base}/api/sessions`, { headers: t.auth });
    return ((await res.json()) as { sessions: { id: string }[] }).sessions;
  };

  it('with a transcode plan, and ends the session when the page goes away', async () => {
    const courseId = await createCourse(t, 'Acoustics');
    const hevc = await mkvClip({ seconds: 8, width: 640, height: 360, codec: 'hevc' });
    const { item } = await uploadLecture(t, courseId, hevc, 'Resonance');

    const played = await playFromCourse(base, courseId, item.id, 'Resonance');
    let sessionId: string;
    try {
      // The course page said the lecture is still being prepared, and linked it all the same.
      expect(played.listedStatus).toBe('processing');
      await expectPlayed(played, 'transcode', item.id);
      expect(played.exposed.plan?.reasons).toEqual(
        expect.arrayContaining(['ladder_not_ready', 'video_codec_not_supported']),
      );
      expect(await played.page.locator('[data-reason="video_codec_not_supported"]').count()).toBe(1);
      sessionId = played.exposed.session!.id;
      expect((await sessions()).map((s) => s.id)).toContain(sessionId);
      console.log(
        `watch-page: transcode playing past 1 s ${Date.now() - played.startMs} ms after opening the page`,
      );
    } finally {
      await played.page.close();
    }
    // pagehide sent DELETE (keepalive): gone long before the idle timeout would reap it.
    const deadline = Date.now() + 5000;
    while ((await sessions()).some((s) => s.id === sessionId)) {
      if (Date.now() > deadline) throw new Error(`session ${sessionId} still open 5 s after the page closed`);
      await sleep(100);
    }
  });
});

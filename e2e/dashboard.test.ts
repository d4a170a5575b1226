// The dashboard page in headless Chromium against a real coursecast: playback events of a few views (two
// browsers, two source codecs) and real edge traffic go in, the page is opened with the admin token, and
// every panel must settle on data, empty or error, the ones with data showing it. A screenshot of the
// 1366×768 page lands in e2e/artifacts/ for a person to look at.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { MediaInfo } from '@coursecast/media';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebDistDir, WEB_PAGES } from '@coursecast/server';
import type { EventRecord } from '@coursecast/server/parts';
import { probedSource } from '../apps/server/test-support/probed-source.js';
import { publishItem, registerSource } from '../apps/server/test-support/published-item.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { axeViolations } from './support/axe-check.js';
import { launchChromium } from './support/chromium.js';
import { openPage, settledStates, signIn, type Attributes } from './support/dashboard-page.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
/** Panels the seeded data feeds; the just-in-time and transcode ones stay empty (nothing of that ran). */
const WITH_DATA = [
  'summary',
  'success-by-browser',
  'success-by-codec',
  'startup-histogram',
  'playback-over-time',
  'cdn-hit-ratio',
  'origin-latency',
];

const source = (codec: string, container: string): MediaInfo =>
  probedSource({
    codec,
    container,
    formatName: container,
    width: 1280,
    height: 720,
    durationSeconds: 60,
    bitrate: 2_000_000,
  });

let t: TestServer;
let base: string;
let browser: Browser;
let context: BrowserContext;
let panelIds: string[];

/** The events of one view of `itemId`: started with `startupMs` (null: never), optionally failing. */
function viewEvents(id: string, itemId: string, startupMs: number | null, fatal: boolean): EventRecord[] {
  const now = Date.now();
  const rec = (seq: number, name: string, attrs: Record<string, unknown> = {}): EventRecord => ({
    timeMs: now - 120_000 + seq * 1000,
    eventName: name,
    attributes: {
      'content.view.id': id,
      'content.view.seq': seq,
      'content.item_id': itemId,
      'hls.plan.mode': 'vod',
      ...attrs,
    },
    traceId: null,
    spanId: null,
  });
  const out = [rec(0, E.viewStart)];
  if (startupMs !== null) out.push(rec(1, E.videoStartup, { 'content.startup.duration_ms': startupMs }));
  if (fatal) out.push(rec(2, E.playbackError, { 'error.type': 'networkError', 'content.error.fatal': true }));
  out.push(
    rec(3, E.heartbeat, {
      'content.view.playing_ms': 18_000,
      'content.view.stall_ms': 800,
      'content.view.watch_ms': 20_000,
    }),
    rec(4, E.buffering, { 'content.buffering.phase': 'end', 'content.buffering.duration_ms': 800 }),
    rec(5, E.viewEnd, { 'content.view.end_reason': 'pagehide' }),
  );
  return out;
}

beforeAll(async () => {
  const index = path.join(defaultWebDistDir(), WEB_PAGES.dashboard);
  if (!existsSync(index)) throw new Error(`no web build at ${index}: run npm run build (scripts/setup does)`);
  browser = await launchChromium();
  // No queue: the fixture items have no source file, so their transcode jobs would fail, and when one fails
  // before the page loads (a busy machine) the transcode-errors panel is no longer empty.
  t = await startTestServer({}, { startQueue: false });
  base = await t.cc.listen();

  const h264 = (await registerSource(t.cc, source('h264', 'mov'))).itemId;
  const hevc = (await registerSource(t.cc, source('hevc', 'matroska'))).itemId;
  const from = (userAgent: string) => ({ signal: 'logs', source: 'otlp', service: 'player', userAgent });
  await t.cc.pipeline.ingest.events(
    [
      ...viewEvents('v1', h264, 300, false),
      ...viewEvents('v2', h264, 650, false),
      ...viewEvents('v3', h264, 1400, false),
    ],
    from(CHROME),
  );
  await t.cc.pipeline.ingest.events(
    [...viewEvents('v4', hevc, 2600, false), ...viewEvents('v5', hevc, null, true)],
    from(FIREFOX),
  );
  // Edge traffic over the socket: a miss (an origin fetch) and hits, for the CDN and origin panels.
  const item = await publishItem(t.cc, {
    'seg_0.m4s': Buffer.alloc(4096, 1),
    'seg_1.m4s': Buffer.alloc(4096, 2),
  });
  for (const file of ['seg_0.m4s', 'seg_1.m4s', 'seg_0.m4s', 'seg_0.m4s', 'seg_1.m4s']) {
    const res = await fetch(`${base}${item.mediaPath(file)}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  await t.cc.instrumentation.forceFlush();
  const list = await fetch(`${base}/api/dashboard/panels`, { headers: t.auth });
  panelIds = ((await list.json()) as { panels: { id: string }[] }).panels.map((p) => p.id);
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

describe('the dashboard page in Chromium', () => {
  it('asks for the token, then shows every panel with the seeded data, and a screenshot is taken', async () => {
    const started = Date.now();
    const { page, problems } = await openPage(context, `${base}/dashboard/`);
    await signIn(page, TEST_TOKEN);
    const states = await settledStates(page, panelIds.length);
    const settledMs = Date.now() - started;
    expect(Object.keys(states).sort()).toEqual([...panelIds].sort());
    for (const id of WITH_DATA) expect(states[id], `${id}: ${JSON.stringify(states)}`).toBe('data');
    expect(Object.values(states)).not.toContain('error');
    expect(Object.entries(states).filter(([, s]) => s === 'empty').length).toBeGreaterThan(0);

    const summary = page.locator('[data-panel="summary"]');
    expect(await summary.locator('[data-metric="views"] dd').first().textContent()).toBe('5');
    expect(await summary.locator('[data-metric="success-rate"] dd').textContent()).toBe('80%');
    const keys = (panel: string) =>
      page.$$eval(`[data-panel="${panel}"] tbody tr`, (rows: Attributes[]) =>
        rows.map((r) => r.getAttribute('data-key')),
      );
    expect((await keys('success-by-browser')).sort()).toEqual(['chrome', 'firefox']);
    expect((await keys('success-by-codec')).sort()).toEqual(['h264', 'hevc']);
    // Charts drew, each panel shows its query time, the empty ones say what to do.
    for (const id of ['startup-histogram', 'playback-over-time', 'cdn-hit-ratio', 'origin-latency'])
      expect(await page.locator(`[data-panel="${id}"] canvas`).count(), id).toBeGreaterThan(0);
    expect(await page.locator('[data-panel="summary"] .took').textContent()).toMatch(/\d ms$/);
    expect(await page.locator('[data-panel="transcode-errors"] .empty').textContent()).toContain('No failed');
    expect(await page.locator('#page-message').isVisible()).toBe(false);
    // The view is in the URL: the default range, nothing to add yet.
    expect(new URL(page.url()).search).toBe('');

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(40_000);
    // With its charts and tables drawn, the dashboard meets WCAG 2.1 AA as axe-core checks it.
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    console.log(
      `dashboard: ${panelIds.length} panels settled ${settledMs} ms after opening; screenshot ${shot}`,
    );
    await page.close();
  });

  it('says what to do when a range holds nothing, and one failing panel leaves the others alone', async () => {
    const { page, problems } = await openPage(context, 'about:blank');
    // One panel's request fails as the API fails: with its error body.
    await page.route('**/api/dashboard/panels/origin-latency?*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'the store is on fire' } }),
      }),
    );
    await page.goto(`${base}/dashboard/?from=2001-01-01T00:00:00.000Z&to=2001-01-02T00:00:00.000Z`);
    // The token is kept in this tab's session only: a new tab asks again.
    await signIn(page, TEST_TOKEN);
    const states = await settledStates(page, panelIds.length);
    expect(states['origin-latency']).toBe('error');
    expect(await page.locator('[data-panel="origin-latency"] .error').textContent()).toContain(
      'the store is on fire',
    );
    const others = Object.entries(states).filter(([id]) => id !== 'origin-latency');
    expect(others.every(([, s]) => s === 'empty')).toBe(true);
    expect(await page.locator('[data-panel="summary"] .empty').textContent()).toContain(
      'npx coursecast demo',
    );
    // Shown once the whole refresh is in, a moment after the last panel drew.
    const banner = page.locator('#page-message');
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    expect(await banner.textContent()).toContain('npx coursecast demo');
    expect(await page.locator('#range').inputValue()).toBe('custom');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the token form again, with the reason, when the server refuses the token', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    try {
      const { page } = await openPage(fresh, `${base}/dashboard/`);
      await signIn(page, 'not-the-admin-token');
      const error = page.locator('#token-error');
      await error.waitFor({ state: 'visible', timeout: 5000 });
      expect(await error.textContent()).toContain('401');
      expect(await page.locator('#token-form').isVisible()).toBe(true);
      expect(await page.locator('#dashboard').isVisible()).toBe(false);
      const stored = await page.evaluate(() =>
        (
          globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
        ).sessionStorage.getItem('coursecast.adminToken'),
      );
      expect(stored).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});

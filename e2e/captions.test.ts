// A lecture with two subtitle languages uploaded, captions imported from its own source, and two audio languages,
// watched in Chromium through hls.js as a learner would: captions on in the browser's language, the cues shown at
// the times the files say (within 100 ms), the language switched, the audio switched, everything reached with the
// keyboard alone, the transcript used to seek and to search, the choice remembered on the next visit, and axe-core
// finding no WCAG 2.1 A/AA violation on the page. The published playlists pass a third-party parser's strict mode.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import HLS from 'hls-parser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrackedClip } from '@coursecast/media/samples';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { FFMPEG } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitForJob } from '../apps/server/test-support/wait.js';
import { axeViolations, tabWalk } from './support/axe-check.js';
import {
  EN_VTT,
  expectCuesMatch,
  FILE_CUES,
  FR_SRT,
  showingCues,
  type PageGlobals,
} from './support/caption-cues.js';
import { launchChromium } from './support/chromium.js';

const EMBEDDED_SRT = `1
00:00:00,500 --> 00:00:01,500
[music] Opening theme

2
00:00:04,000 --> 00:00:05,500
[applause]
`;

let t: TestServer;
let base = '';
let browser: Browser;
let itemId = '';
let dir = '';
const tracks: Record<string, { id: string; label: string }> = {};

async function post(
  url: string,
  body: string | object,
  type?: string,
): Promise<{ track: { id: string; label: string } }> {
  const res = await t.cc.app.inject({
    method: 'POST',
    url,
    headers: { ...t.auth, ...(type ? { 'content-type': type } : {}) },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cc-e2e-captions-'));
  const source = path.join(dir, 'lecture.mp4');
  await generateTrackedClip({
    ffmpegPath: FFMPEG,
    out: source,
    seconds: 10,
    width: 320,
    height: 180,
    fps: 25,
    audio: [
      { language: 'eng', frequency: 440, title: 'English' },
      { language: 'fre', frequency: 660, title: 'Français' },
    ],
    subtitles: [{ language: 'eng', srt: EMBEDDED_SRT, hearingImpaired: true }],
  });
  t = await startTestServer({ transcode: { segmentSeconds: 4 } });
  const courseId = await createCourse(t, 'Signals');
  const up = await uploadLecture(t, courseId, source, 'Signals and systems');
  itemId = up.item.id;
  expect((await waitForJob(t.cc.store, up.job.id)).state).toBe('succeeded');
  tracks['English'] = (
    await post(`/api/items/${itemId}/captions?language=en&label=English`, EN_VTT, 'text/vtt')
  ).track;
  tracks['Français'] = (
    await post(
      `/api/items/${itemId}/captions?language=fr&label=Fran%C3%A7ais`,
      FR_SRT,
      'application/x-subrip',
    )
  ).track;
  const listed = await t.cc.app.inject({ url: `/api/items/${itemId}/captions`, headers: t.auth });
  const stream = listed.json<{ embedded: { index: number }[] }>().embedded[0]!;
  tracks['SDH'] = (
    await post(`/api/items/${itemId}/captions/import`, { streamIndex: stream.index, label: 'English (SDH)' })
  ).track;
  base = await t.cc.listen();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The lecture's published playlists, each read by hls-parser in strict mode. */
async function strictPlaylists(): Promise<HLS.types.MasterPlaylist> {
  HLS.setOptions({ strictMode: true, silent: true });
  const version = (await t.cc.store.getItem(itemId))!.mediaVersion!;
  const get = async (file: string) => (await fetch(`${base}/media/${itemId}/${version}/${file}`)).text();
  const master = HLS.parse(await get('master.m3u8')) as HLS.types.MasterPlaylist;
  const renditions = [...master.variants[0]!.subtitles, ...master.variants[0]!.audio];
  for (const r of [...master.variants, ...renditions]) HLS.parse(await get(r.uri!));
  return master;
}

interface Watching {
  context: BrowserContext;
  page: Page;
  problems: string[];
  audioRequests: string[];
}

async function watch(locale: string, context?: BrowserContext): Promise<Watching> {
  const ctx = context ?? (await browser.newContext({ locale }));
  const page = await ctx.newPage();
  const problems: string[] = [];
  const audioRequests: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('request', (r) => {
    const m = /\/(audio(?:_\d+)?)\/seg_/.exec(r.url());
    if (m) audioRequests.push(m[1]!);
  });
  await page.goto(`${base}/watch/${itemId}?muted=1`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  return { context: ctx, page, problems, audioRequests };
}

/** Focuses `id` with Tab presses only, then returns how many it took. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)) === id)
      return;
  }
  throw new Error(`the keyboard never reached #${id}`);
}

describe('captions, audio tracks and the transcript in Chromium', () => {
  it('publishes playlists a strict third-party parser reads', async () => {
    const master = await strictPlaylists();
    const v = master.variants[0]!;
    expect(v.subtitles.map((s) => [s.name, s.language])).toEqual([
      ['English', 'en'],
      ['Français', 'fr'],
      ['English (SDH)', 'en'],
    ]);
    // MP4 keeps no stream titles: the audio renditions are named after their languages.
    expect(v.audio.map((a) => [a.name, a.language])).toEqual([
      ['English', 'en'],
      ['French', 'fr'],
    ]);
  });

  it('plays with captions in the chosen language at the files’ times, switches language and audio by keyboard', async () => {
    const w = await watch('fr-FR');
    const { page } = w;
    // The browser's language first in the menu; captions off until asked.
    const options = await page.locator('#caption-track option').allTextContents();
    expect(options).toEqual(['Off', 'Français', 'English', 'English (SDH)']);
    expect(await page.inputValue('#caption-track')).toBe('');

    // Keyboard only: reach the captions menu, choose French, start playback with the space bar on the video.
    await tabTo(page, 'caption-track');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#caption-track')).toBe(tracks['Français']!.id);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('video').play());
    expectCuesMatch(await showingCues(page, 'Français'), FILE_CUES['Français']!);

    // The cue on screen at the right time: at 1.5 s the French line is active.
    await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video');
      v.pause();
      v.currentTime = 1.5;
    });
    await page.waitForFunction(() => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video');
      const track = Array.from(v.textTracks).find((tt) => tt.mode === 'showing');
      return Array.from(track?.activeCues ?? []).some((c) => c.text === 'Bonjour à tous');
    });

    // Switch to English with the keyboard (the menu is still focused): its cues, at its times.
    await tabTo(page, 'caption-track');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#caption-track')).toBe(tracks['English']!.id);
    expectCuesMatch(await showingCues(page, 'English'), FILE_CUES['English']!);
    const modes = await page.evaluate(() =>
      Array.from((globalThis as unknown as PageGlobals).document.querySelector('video').textTracks).map(
        (tt) => [tt.label, tt.mode],
      ),
    );
    expect(modes.filter(([, m]) => m === 'showing').map(([l]) => l)).toEqual(['English']);

    // Audio: two tracks listed; French chosen with the keyboard; hls.js fetches the French rendition.
    await page.waitForSelector('#audio-track', { state: 'visible' });
    expect(await page.locator('#audio-track option').allTextContents()).toEqual(['English', 'French']);
    await tabTo(page, 'audio-track');
    await page.keyboard.press('ArrowDown');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('video').play());
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).coursecastWatch.hls.audioTrack === 1,
    );
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.querySelector('video').currentTime > 0.5,
    );
    await expect.poll(() => w.audioRequests.includes('audio_1'), { timeout: 10_000 }).toBe(true);

    // Caption style: bigger, opaque; applied to the cues.
    await tabTo(page, 'caption-size');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#caption-size')).toBe('large');
    expect(await page.getAttribute('video', 'data-cue-size')).toBe('large');
    const fontSize = await page.evaluate(() => {
      const rule = Array.from((globalThis as unknown as PageGlobals).document.styleSheets)
        .flatMap((s) => Array.from(s.cssRules))
        .find((r) => r.cssText.includes('[data-cue-size="large"]::cue'));
      return rule?.cssText ?? null;
    });
    expect(fontSize).toContain('font-size: 150%');
    expect(w.problems).toEqual([]);
    await page.close();

    // The next visit comes back in English captions, French audio, large text.
    const again = await watch('fr-FR', w.context);
    expect(await again.page.inputValue('#caption-track')).toBe(tracks['English']!.id);
    expect(await again.page.inputValue('#caption-size')).toBe('large');
    await again.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).document.querySelector('video').play(),
    );
    await again.page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).coursecastWatch.hls.audioTrack === 1,
    );
    await w.context.close();
  }, 90_000);

  it('reported the caption and audio use with the view: the dashboard shows the share of time with captions', async () => {
    // The switches above each sent the view's figures (content.track_usage), as the SDK's tracks entry counts them.
    const rows = await t.cc.pipeline.store.db.all(
      "SELECT max(duration_ms) AS on_ms, max(seq) AS seq FROM events WHERE name = 'content.track_usage' AND item_id = $1",
      [itemId],
    );
    expect(Number(rows[0]!['on_ms'])).toBeGreaterThan(0);
    expect(Number(rows[0]!['seq'])).toBeGreaterThanOrEqual(9_000_000);
    const panel = await t.cc.app.inject({ url: '/api/dashboard/panels/captions-by-course', headers: t.auth });
    expect(panel.statusCode).toBe(200);
    const data = panel.json<{ data: { course_id: string; views_with_captions: number; share: number }[] }>()
      .data;
    expect(data).toHaveLength(1);
    expect(data[0]!.views_with_captions).toBeGreaterThanOrEqual(1);
    expect(data[0]!.share).toBeGreaterThan(0);
    expect(data[0]!.share).toBeLessThanOrEqual(1);
  });

  it('seeks from the transcript by keyboard, follows the playing cue, and searches the words', async () => {
    const w = await watch('en-US');
    const { page } = w;
    await page.waitForSelector('#transcript-list li');
    expect(await page.locator('#transcript-list .cue').allTextContents()).toEqual([
      '0:00 Welcome to signals and systems',
      '0:03 A signal crosses the segment boundary',
      '0:07 Sampling and aliasing',
    ]);
    // Keyboard: Tab to the third line, Enter seeks there.
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const text = await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.activeElement?.textContent ?? '',
      );
      if (text.includes('Sampling and aliasing')) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        Math.abs((globalThis as unknown as PageGlobals).document.querySelector('video').currentTime - 7) <
        0.05,
    );
    await page.waitForSelector('#transcript-list li.current button[aria-current="true"]');
    expect(await page.textContent('#transcript-list li.current')).toContain('Sampling and aliasing');

    await page.fill('#transcript-search', 'SIGNAL');
    expect(await page.locator('#transcript-list li:not([hidden])').count()).toBe(2);
    expect(await page.textContent('#transcript-status')).toBe('2 of 3 lines contain “SIGNAL”');
    expect(w.problems).toEqual([]);
    await w.context.close();
  }, 60_000);

  it('is reachable by keyboard without a trap, every stop named, and axe-core finds no WCAG 2.1 A/AA violation', async () => {
    const w = await watch('en-US');
    const { page } = w;
    await page.waitForSelector('#transcript-list li');
    const stops = await tabWalk(page);
    expect(stops.length).toBeLessThan(80);
    const ids = stops.map((s) => s.id).filter((id) => id !== '');
    for (const id of [
      'video',
      'caption-track',
      'caption-size',
      'caption-background',
      'audio-track',
      'transcript-search',
    ])
      expect(ids).toContain(id);
    expect(stops.filter((s) => s.tag !== 'video' && s.name === '')).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await w.context.close();
  }, 60_000);
});

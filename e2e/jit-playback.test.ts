// The first real-browser test: headless Chromium plays a just-in-time HLS session of an HEVC MKV (a source no
// browser plays as it is) with hls.js, seeks far ahead and plays on; once the page has gone the session is
// reaped on time, with its FFmpeg and its files.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { mkvClip } from '../apps/server/test-support/media-fixtures.js';
import { findProcesses } from '../apps/server/test-support/processes.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { launchChromium } from './support/chromium.js';

const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const HARNESS = fileURLToPath(new URL('./support/hls-harness.js', import.meta.url));
/** What Chromium's MediaSource plays (the SDK probes this; HEVC is not in it). */
const CHROMIUM_CAPABILITIES = 'videoCodecs=h264,vp9,av1&audioCodecs=aac,mp3,opus&containers=mp4,webm';
const CLIP_SECONDS = 40;
const SEGMENT_SECONDS = 2;
const IDLE_TIMEOUT_SECONDS = 3;
const SEEK_TO = 30;
const SEEK_SEGMENT = SEEK_TO / SEGMENT_SECONDS;
const LOOKAHEAD_SEGMENTS = 2;

/** One hls.js ERROR event, as the page recorded it. */
interface HlsErrorRecord {
  type: string;
  details: string;
  fatal: boolean;
  message: string | null;
  reason: string | null;
  url: string | null;
  status: number | null;
}

/** What e2e/support/hls-harness.js reports; times are page-clock milliseconds. */
interface HarnessState {
  firstFrameMs: number | null;
  seekPlayingMs: number | null;
  seekPastMs: number | null;
  errors: HlsErrorRecord[];
  frags: { sn: number; at: number; ms: number }[];
  playRejected: string | null;
  currentTime: number;
  paused: boolean;
  readyState: number;
  mediaError: { code: number; message: string } | null;
  buffered: [number, number][];
}

interface Harness {
  supported(): boolean;
  start(url: string, config: Record<string, number>): void;
  seek(seconds: number): void;
  state(): HarnessState;
}

interface SessionsAnswer {
  sessions: { id: string; encoder: { startIndex: number; position: number; generation: number } | null }[];
}

let t: TestServer;
let base: string;
let courseId: string;
let hevc: string;
let browser: Browser;

beforeAll(async () => {
  // Launched first: a missing Chromium fails here with the setup hint, before any FFmpeg work.
  browser = await launchChromium();
  t = await startTestServer(
    {
      // The encoder's default preset and height (veryfast, the source's 360p): measured ~6x real time
      // here with Chromium playing, so it is still near the start at the seek. At ultrafast 240p it ran
      // ~35x and had written the whole clip before playback reached 1 s: no seek would move it.
      jit: {
        segmentSeconds: SEGMENT_SECONDS,
        idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
        lookaheadSegments: LOOKAHEAD_SEGMENTS,
      },
    },
    // No ladder: the item stays un-transcoded, so playback has to be just in time.
    { startQueue: false },
  );
  base = await t.cc.listen();
  courseId = await createCourse(t);
  hevc = await mkvClip({ seconds: CLIP_SECONDS, width: 640, height: 360, codec: 'hevc' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const encoders = (sessionId: string) => findProcesses(sessionId).length;

async function endedSessions(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith('hls_sessions_ended_total'));
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function listSessions(): Promise<SessionsAnswer['sessions']> {
  const res = await fetch(`${base}/api/sessions`, { headers: t.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as SessionsAnswer).sessions;
}

/** A page with a muted <video>, hls.js and the harness driving it; HTTP failures are kept for messages. */
async function playerPage(): Promise<{ page: Page; httpFailures: string[] }> {
  const page = await browser.newPage();
  const httpFailures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) httpFailures.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => httpFailures.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
  await page.setContent('<!doctype html><html><body><video width="426" height="240"></video></body></html>');
  await page.addScriptTag({ path: HLS_JS });
  await page.addScriptTag({ path: HARNESS });
  return { page, httpFailures };
}

const pageState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { e2e: Harness }).e2e.state());

/** Polls the page until `until` holds; fails at once on a fatal hls.js error, with everything seen. */
async function waitForPlayer(
  page: Page,
  httpFailures: string[],
  what: string,
  until: (s: HarnessState) => boolean,
  timeoutMs: number,
): Promise<HarnessState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await pageState(page);
    const explain = () =>
      JSON.stringify({ ...s, frags: s.frags.map((f) => f.sn), httpFailures }, null, 1).slice(0, 4000);
    if (s.errors.some((e) => e.fatal)) throw new Error(`fatal hls.js error before ${what}: ${explain()}`);
    if (s.mediaError) throw new Error(`<video> error before ${what}: ${explain()}`);
    if (until(s)) return s;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms: ${explain()}`);
    await sleep(100);
  }
}

/**
 * Samples, every 100 ms until stopped, how many FFmpeg processes of the session run and where the session's
 * encoder started (GET /api/sessions: generation -> start segment).
 */
function sampleSession(sessionId: string) {
  let maxAlive = 0;
  const starts = new Map<number, number>();
  let running = true;
  let failure: Error | null = null;
  const loop = (async () => {
    while (running) {
      try {
        maxAlive = Math.max(maxAlive, encoders(sessionId));
        const mine = (await listSessions()).find((s) => s.id === sessionId);
        if (mine?.encoder) starts.set(mine.encoder.generation, mine.encoder.startIndex);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error('sampling the session failed', { cause: err });
      }
      await sleep(100);
    }
  })();
  return {
    starts,
    async stop(): Promise<{ maxAlive: number }> {
      running = false;
      await loop;
      if (failure) throw failure;
      return { maxAlive };
    },
  };
}

describe('just-in-time playback in Chromium', () => {
  it('plays an HEVC MKV through hls.js, seeks far ahead and plays on, and reaps the session once the page leaves', async () => {
    const { item } = await uploadLecture(t, courseId, hevc);
    const res = await fetch(`${base}/api/items/${item.id}/playback?${CHROMIUM_CAPABILITIES}`);
    expect(res.status).toBe(200);
    const playback = (await res.json()) as {
      plan: { mode: string; reasons: string[] };
      url: string;
      session: { id: string; segmentCount: number };
    };
    expect(playback.plan.mode).toBe('transcode');
    expect(playback.plan.reasons).toContain('video_codec_not_supported');
    const sessionId = playback.session.id;
    expect(playback.session.segmentCount).toBe(CLIP_SECONDS / SEGMENT_SECONDS);
    const endedBefore = await endedSessions();
    const sampler = sampleSession(sessionId);

    // The answer names the session's master playlist: CODECS a browser can check before it plays.
    expect(playback.url).toMatch(/\/master\.m3u8$/);
    const master = await (await fetch(playback.url)).text();
    const codecs = /CODECS="([^"]+)"/.exec(master)?.[1];
    expect(codecs, master).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);

    const { page, httpFailures } = await playerPage();
    const playlists: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.m3u8')) playlists.push(path.basename(new URL(r.url()).pathname));
    });
    let closedAt: number;
    try {
      expect(
        await page.evaluate(
          (c) =>
            (
              globalThis as unknown as { MediaSource: { isTypeSupported(t: string): boolean } }
            ).MediaSource.isTypeSupported(`video/mp4; codecs="${c}"`),
          codecs!,
        ),
        `Chromium cannot play ${codecs}`,
      ).toBe(true);
      expect(await page.evaluate(() => (globalThis as unknown as { e2e: Harness }).e2e.supported())).toBe(
        true,
      );
      // hls.js with its default settings, as a learner's browser runs it.
      await page.evaluate(
        (url) => (globalThis as unknown as { e2e: Harness }).e2e.start(url, {}),
        playback.url,
      );
      const started = await waitForPlayer(
        page,
        httpFailures,
        'playback past 1 s',
        (s) => s.currentTime > 1 && s.firstFrameMs !== null,
        15_000,
      );
      console.log(`jit-playback: time to first frame ${Math.round(started.firstFrameMs!)} ms`);
      // hls.js read the master, then the variant it lists.
      expect(playlists.slice(0, 2)).toEqual(['master.m3u8', 'index.m3u8']);

      // Far ahead: past what the encoder has written and past its look-ahead window, so the server has to
      // move it. An encoder that outran this would make the clip too short to test a move: say so.
      const atSeek = (await listSessions()).find((s) => s.id === sessionId)?.encoder ?? null;
      expect(atSeek, 'the encoder finished the whole clip before the seek').not.toBeNull();
      expect(atSeek!.position + 1 + LOOKAHEAD_SEGMENTS).toBeLessThan(SEEK_SEGMENT - 1);
      await page.evaluate((to) => (globalThis as unknown as { e2e: Harness }).e2e.seek(to), SEEK_TO);
      const resumed = await waitForPlayer(
        page,
        httpFailures,
        `playback past ${SEEK_TO + 1} s after the seek`,
        (s) => s.currentTime > SEEK_TO + 1 && s.seekPastMs !== null,
        15_000,
      );
      console.log(
        `jit-playback: seek to ${SEEK_TO} s (encoder at segment ${atSeek!.position}): playing again after ` +
          `${Math.round(resumed.seekPlayingMs!)} ms, past ${SEEK_TO + 1} s after ${Math.round(resumed.seekPastMs!)} ms`,
      );
      expect(resumed.errors.filter((e) => e.fatal)).toEqual([]);
    } finally {
      await page.close();
      closedAt = Date.now();
    }

    // The encoder moved to the seek point: a later generation started at (or next to) its segment.
    const starts = [...sampler.starts.entries()];
    expect(starts.some(([gen, start]) => gen >= 2 && Math.abs(start - SEEK_SEGMENT) <= 1)).toBe(true);

    // Reaped on time: no request and no heartbeat since the page closed.
    const dir = path.join(t.dataDir, 'jit', sessionId);
    const deadline = closedAt + (IDLE_TIMEOUT_SECONDS + 4) * 1000;
    for (;;) {
      const gone = encoders(sessionId) === 0 && !existsSync(dir) && (await endedSessions()) > endedBefore;
      if (gone) break;
      if (Date.now() > deadline) {
        throw new Error(
          `session ${sessionId} still there ${Date.now() - closedAt} ms after the page closed: ` +
            `ffmpeg ${encoders(sessionId)}, dir ${existsSync(dir)}, ended ${await endedSessions()}`,
        );
      }
      await sleep(100);
    }
    const goneAfter = Date.now() - closedAt;
    const { maxAlive } = await sampler.stop();
    expect(maxAlive).toBeLessThanOrEqual(1);
    expect((await listSessions()).some((s) => s.id === sessionId)).toBe(false);
    // The session span lists every move of the encoder (from -> to): what a seek cost the server.
    const span = t.spans
      .getFinishedSpans()
      .find((x) => x.name === 'hls.session' && x.attributes['hls.session.id'] === sessionId);
    const moves = (span?.events ?? [])
      .filter((e) => e.name === 'hls.relocate')
      .map((e) => `${String(e.attributes?.from)}->${String(e.attributes?.to)}`);
    console.log(
      `jit-playback: session gone ${goneAfter} ms after the page closed; at most ${maxAlive} FFmpeg at a time; ` +
        `encoder starts seen ${JSON.stringify(starts)}; moves ${moves.join(' ')}`,
    );
    // One seek, one move: a download the player abandoned when it seeked must not drag the encoder back.
    expect(moves).toHaveLength(1);
  });
});

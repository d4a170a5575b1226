// The player SDK's truth tests: headless Chromium plays a transcoded lecture on the real watch page, the test
// injects a fault (a late segment, a throttled network, a missing playlist, failing segments, a closed page)
// and compares what the SDK reported, read back from the telemetry store, with what the test measured itself.
import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_TYPE,
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_REQUEST_OUTCOME,
  ATTR_REQUEST_RETRIES,
  ATTR_REQUEST_TYPE,
  ATTR_SERVER_TRACE_ID,
  ATTR_SESSION_ID,
  ATTR_SWITCH_REASON,
  ATTR_VIEW_END_REASON,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  PLAYBACK_EVENTS,
  SPAN_CONTENT_SERVE_REQUEST,
} from '@coursecast/semconv';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { testClip } from '../apps/server/test-support/media-fixtures.js';
import { waitForJob } from '../apps/server/test-support/wait.js';
import { PANELS } from '@coursecast/server/parts';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { launchChromium } from './support/chromium.js';
import { openPage, settledStates, signIn } from './support/dashboard-page.js';
import {
  openWatch,
  setFaults,
  viewEvents,
  waitFor,
  waitForEvents,
  type WatchSession,
} from './support/watch-session.js';

const E = PLAYBACK_EVENTS;
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** The dashboard panels the SDK's events fill. */
const PLAYBACK_PANELS = [
  'summary',
  'success-by-codec',
  'success-by-container',
  'success-by-browser',
  'startup-histogram',
  'playback-over-time',
];
const SEGMENT_SECONDS = 2;
let t: TestServer;
let base: string;
let courseId: string;
let itemId: string;
let browser: Browser;
const open: WatchSession[] = [];
/** Figures for the closing note, printed at the end. */
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestServer({ testing: { faults: true }, transcode: { segmentSeconds: SEGMENT_SECONDS } });
  base = await t.cc.listen();
  courseId = await createCourse(t, 'SDK truth');
  const clip = await testClip({ seconds: 40, width: 640, height: 360 });
  const { item, job } = await uploadLecture(t, courseId, clip, 'Truth lecture');
  itemId = item.id;
  expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');
}, 120_000);
afterEach(async () => {
  await setFaults(t, []);
  while (open.length)
    await open
      .pop()!
      .page.close()
      .catch(() => {});
});
afterAll(async () => {
  console.log(`sdk truth figures: ${JSON.stringify(figures)}`);
  await browser?.close();
  await t?.close();
});

async function watch(o: Parameters<typeof openWatch>[4] = {}): Promise<WatchSession> {
  const w = await openWatch(browser, base, courseId, itemId, o);
  open.push(w);
  return w;
}

async function liveViewId(w: WatchSession): Promise<string> {
  return waitFor('a live view', () => w.viewId());
}

describe('player SDK truth tests (Chromium, watch page)', () => {
  it('reports the startup time within 50 ms of what the test measured around the same play() call', async () => {
    const w = await watch();
    await w.play();
    const truth = await waitFor('the first playhead move', async () => {
      const s = await w.truth();
      return s.firstMoveAt !== null ? s : undefined;
    });
    const viewId = await liveViewId(w);
    const [startup] = await waitForEvents(t, viewId, E.videoStartup);
    const measured = truth.firstMoveAt! - truth.playCalledAt!;
    figures['startup'] = {
      reportedMs: startup!.durationMs,
      measuredMs: Math.round(measured),
      seenMs: Math.round(truth.firstMoveSeenAt! - truth.playCalledAt!),
    };
    // What a miss needs to be understood: when the page saw the play event, and how the playhead moved at first.
    const detail = JSON.stringify({
      ...(figures['startup'] as object),
      playEvent: truth.playEvent,
      playCalledAt: truth.playCalledAt,
      early: truth.early,
    });
    expect(Math.abs(startup!.durationMs! - measured), detail).toBeLessThanOrEqual(50);
  });

  it('reports one rebuffer per real stall, the one of a segment held back 2 s at the edge within 15%', async () => {
    // One rendition, a one-second buffer: the late segment is needed before it comes, so playback stalls.
    await setFaults(t, [{ match: `240p/seg_00005.m4s`, delayMs: 2000, times: 1 }]);
    const w = await watch({ hlsConfig: { maxBufferLength: 1, maxMaxBufferLength: 1, startLevel: 0 } });
    await w.page.evaluate(() => {
      const hls = (globalThis as unknown as { coursecastWatch: { hls: { autoLevelCapping: number } } })
        .coursecastWatch.hls;
      hls.autoLevelCapping = 0;
    });
    await w.play();
    const viewId = await liveViewId(w);
    await w.waitPlayedTo(6 * SEGMENT_SECONDS + 2);
    const truth = await w.truth();
    const stalls = truth.stalls.map(([a, b]) => b - a);
    // The fault really stalled playback. With a one-second buffer, a machine busy with other tests can stall it
    // again on its own: the SDK must then report that stall too, each one matched to the probe's.
    expect(stalls.length, JSON.stringify(truth.stalls)).toBeGreaterThanOrEqual(1);
    expect(stalls[0]).toBeGreaterThan(500);
    expect(stalls[0]).toBeLessThan(2600);
    const end = await waitFor(`${stalls.length} rebuffer end(s)`, async () => {
      const r = (await viewEvents(t, viewId, E.buffering)).filter((e) => e.label === 'end');
      return r.length >= stalls.length ? r : undefined;
    });
    const start = (await viewEvents(t, viewId, E.buffering)).filter((e) => e.label === 'start');
    figures['rebuffer'] = { reportedMs: end.map((e) => e.durationMs), measuredMs: stalls.map(Math.round) };
    expect(start).toHaveLength(stalls.length);
    expect(end).toHaveLength(stalls.length);
    end.forEach((e, i) => {
      expect(Math.abs(e.durationMs! - stalls[i]!) / stalls[i]!, `stall ${i}`).toBeLessThanOrEqual(0.15);
    });
  });

  it('reports a downward quality switch, with from and to, when the network is throttled mid-play', async () => {
    // A high first estimate starts at the top rendition (the player box is tall enough not to cap it), and a
    // short buffer keeps the player loading: by default it would hold the whole clip before the throttle.
    const w = await watch({
      autoplay: true,
      hlsConfig: { abrEwmaDefaultEstimate: 20_000_000, maxBufferLength: 4, maxMaxBufferLength: 4 },
    });
    const viewId = await liveViewId(w);
    await waitFor('the 360p rendition', async () => (await w.player()).levelHeight === 360, 20_000);
    await w.waitPlayedTo(3);
    const cdp = await w.page.context().newCDPSession(w.page);
    await cdp.send('Network.enable');
    // 200 kbit/s: below every rendition, so the ABR must step down.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 50,
      downloadThroughput: 25_000,
      uploadThroughput: 1_000_000,
    });
    await waitFor('a switch to 240p', async () => (await w.player()).levelHeight === 240, 30_000);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const switches = await waitFor('the stored downward switch', async () => {
      const r = (await viewEvents(t, viewId, E.qualitySwitch)).filter(
        (e) => e.attrs[ATTR_QUALITY_TO] === '240p',
      );
      return r.length ? r : undefined;
    });
    figures['qualitySwitch'] = switches.map(
      (s) =>
        `${String(s.attrs[ATTR_QUALITY_FROM])}→${String(s.attrs[ATTR_QUALITY_TO])} ${String(s.attrs[ATTR_SWITCH_REASON])}`,
    );
    expect(switches[0]!.attrs[ATTR_QUALITY_FROM]).toBe('360p');
    expect(switches[0]!.attrs[ATTR_SWITCH_REASON]).toBe('abr_down');
  });

  it('counts two playlist 404s before the success as retries 2, and plays', async () => {
    await setFaults(t, [{ match: 'master.m3u8', status: 404, times: 2 }]);
    const w = await watch({ autoplay: true });
    await w.waitPlayedTo(1);
    const viewId = await liveViewId(w);
    await waitForEvents(t, viewId, E.videoStartup);
    const manifest = await waitFor('the manifest request event', async () => {
      const r = (await viewEvents(t, viewId, E.request)).filter(
        (e) => e.attrs[ATTR_REQUEST_TYPE] === 'manifest',
      );
      return r.length ? r : undefined;
    });
    figures['manifestRetries'] = manifest.map((m) => m.attrs[ATTR_REQUEST_RETRIES]);
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.attrs[ATTR_REQUEST_OUTCOME]).toBe('completed');
    expect(manifest[0]!.attrs[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(200);
    expect(manifest[0]!.attrs[ATTR_REQUEST_RETRIES]).toBe(2);
  });

  it('counts a fatal error (every segment answering 500) with its type and details, and the view fails', async () => {
    await setFaults(t, [{ match: '.m4s', status: 500 }]);
    const fastFail = { maxNumRetry: 1, retryDelayMs: 100, maxRetryDelayMs: 100 };
    const w = await watch({
      autoplay: true,
      hlsConfig: {
        fragLoadPolicy: {
          default: {
            maxTimeToFirstByteMs: 10_000,
            maxLoadTimeMs: 20_000,
            timeoutRetry: fastFail,
            errorRetry: fastFail,
          },
        },
      },
    });
    const viewId = await waitFor('a view', () => w.viewId().then((v) => v ?? undefined));
    const errors = await waitFor('the fatal error event', async () => {
      const r = (await viewEvents(t, viewId, E.playbackError)).filter((e) => e.fatal);
      return r.length ? r : undefined;
    });
    figures['fatal'] = errors.map(
      (e) => `${String(e.attrs[ATTR_ERROR_TYPE])}/${String(e.attrs[ATTR_ERROR_DETAILS])}`,
    );
    expect(errors[0]!.attrs[ATTR_ERROR_TYPE]).toBe('networkError');
    expect(String(errors[0]!.attrs[ATTR_ERROR_DETAILS])).toMatch(/^frag/);
    const view = await waitFor('the derived failed view', async () => {
      await t.cc.pipeline.views.refresh();
      const rows = (await t.cc.pipeline.store.db.all(
        'SELECT outcome, fatal_error FROM views WHERE view_id = $1',
        [viewId],
      )) as { outcome: string; fatal_error: string }[];
      return rows[0];
    });
    expect(view.outcome).toBe('failed_before_start');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/content_playback_errors_total\{[^}]*error_type="networkError"[^}]*\} [1-9]/);
  });

  it('sends the view end when the page is closed mid-view', async () => {
    const w = await watch({ autoplay: true });
    await w.waitPlayedTo(2);
    const viewId = await liveViewId(w);
    open.splice(open.indexOf(w), 1);
    await w.page.close({ runBeforeUnload: true });
    const [end] = await waitForEvents(t, viewId, E.viewEnd);
    expect(end!.attrs[ATTR_VIEW_END_REASON]).toBe('pagehide');
    expect(end!.attrs['content.view.watch_ms']).toBeGreaterThan(1500);
  });

  it("joins the browser's request spans to the edge: their span ids are the serve_request spans' parents", async () => {
    const w = await watch({ autoplay: true });
    await w.waitPlayedTo(3);
    const viewId = await liveViewId(w);
    // Loading stops (what is in flight ends as aborted), then the page goes: its beacons carry every span.
    await w.page.evaluate(() => {
      (
        globalThis as unknown as { coursecastWatch: { hls: { stopLoad(): void } } }
      ).coursecastWatch.hls.stopLoad();
    });
    await new Promise((r) => setTimeout(r, 300));
    open.splice(open.indexOf(w), 1);
    await w.page.close({ runBeforeUnload: true });
    await waitForEvents(t, viewId, E.viewEnd);
    // The edge's serve_request spans of the trace (the origin's, on a miss, are children of origin_fetch).
    const serveRequests = (traceId: string) => {
      const server = t.spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const own = new Set(server.map((s) => s.spanContext().spanId));
      return server.filter(
        (s) => s.name === SPAN_CONTENT_SERVE_REQUEST && !own.has(s.parentSpanContext?.spanId ?? ''),
      );
    };
    // Both sides settled: every serve_request of the view's trace has its browser span stored.
    const { requests, browserSpans, serverSpans } = await waitFor('both sides of every request', async () => {
      const requests = await viewEvents(t, viewId, E.request);
      const traceId = requests[0]?.traceId;
      if (!traceId) return undefined;
      const rows = (await t.cc.pipeline.store.db.all(
        `SELECT span_id FROM spans WHERE trace_id = $1 AND kind = 'client' AND service = 'coursecast-player'`,
        [traceId],
      )) as { span_id: string }[];
      const browserSpans = rows.map((r) => r.span_id);
      const serverSpans = serveRequests(traceId);
      const settled = serverSpans.every((s) => browserSpans.includes(s.parentSpanContext?.spanId ?? ''));
      return settled ? { requests, browserSpans, serverSpans } : undefined;
    });
    const traceId = requests[0]!.traceId!;
    const parents = serverSpans.map((s) => s.parentSpanContext?.spanId);
    figures['spanJoin'] = { browserSpans: browserSpans.length, serveRequestSpans: serverSpans.length };
    expect(serverSpans.length).toBeGreaterThanOrEqual(requests.length);
    // Every serve_request of this trace is the child of one browser request span, and every request the
    // browser reported has its serve_request.
    for (const p of parents) expect(browserSpans).toContain(p);
    for (const r of requests) expect(parents).toContain(r.spanId);
    // hls.js' CMCD travels with the SDK's session id: the edge's spans and the browser's events name one session.
    const sessionId = requests[0]!.attrs[ATTR_SESSION_ID];
    expect(typeof sessionId).toBe('string');
    for (const span of serverSpans) expect(span.attributes[ATTR_SESSION_ID]).toBe(sessionId);
    // And each request event carries the server's trace id, read from `traceresponse`, and the cache status.
    for (const r of requests) {
      expect(r.attrs[ATTR_SERVER_TRACE_ID]).toBe(traceId);
      expect(r.attrs[ATTR_CDN_CACHE_STATUS]).toMatch(/^(HIT|MISS|EXPIRED)$/);
    }
  });

  it("shows these runs in the dashboard's playback panels", async () => {
    const panel = async (id: string) => {
      const res = await t.cc.app.inject({
        method: 'GET',
        url: `/api/dashboard/panels/${id}?course=${courseId}`,
        headers: t.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ data: unknown }>().data;
    };
    const summary = (await panel('summary')) as Record<string, number>;
    expect(summary['views']).toBeGreaterThanOrEqual(6);
    expect(summary['played']).toBeGreaterThanOrEqual(5);
    expect(summary['failed_before_start']).toBeGreaterThanOrEqual(1);
    expect(summary['rebuffers']).toBeGreaterThanOrEqual(1);
    const byBrowser = (await panel('success-by-browser')) as { key: string; views: number }[];
    expect(byBrowser.map((r) => r.key)).toContain('headless_chrome');
    const byCodec = (await panel('success-by-codec')) as { key: string }[];
    expect(byCodec.map((r) => r.key)).toContain('h264');

    // And a person sees them: the dashboard page, filtered to this course, draws every playback panel.
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      const { page, problems } = await openPage(ctx, `${base}/dashboard/?course=${courseId}`);
      await signIn(page, TEST_TOKEN);
      const states = await settledStates(page, Object.keys(PANELS).length, 30_000);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}sdk-truth-dashboard.png`, fullPage: true });
      for (const id of PLAYBACK_PANELS) expect(states[id], `panel ${id}`).toBe('data');
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

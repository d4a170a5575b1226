// Drives the real watch page (/watch/:itemId) in Chromium for the SDK's truth tests, and reads what the SDK
// reported back out of the telemetry store.
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../apps/server/test-support/test-server.js';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../apps/server/test-support/wait.js';

/** Polls until a value comes (shared with the server's tests). */
export { waitFor };

const PLAYHEAD_TRUTH = fileURLToPath(new URL('./playhead-truth.js', import.meta.url));

/** What e2e/support/playhead-truth.js recorded; times are page-clock ms (performance.now()). */
export interface PlayheadTruth {
  playCalledAt: number | null;
  /** When the playhead started moving (dated by how far it got by the first sample that saw it move). */
  firstMoveAt: number | null;
  /** When the first sample saw it move. */
  firstMoveSeenAt: number | null;
  /** Finished stalls: [start (last move), end (first move again)]. */
  stalls: [number, number][];
  samples: number;
  /** When the page handled the first 'play' event, and the event's own time stamp. */
  playEvent: { handledAt: number; stamp: number } | null;
  /** The first samples after play() (and those around the first move) as [time, position]. */
  early: [number, number][];
}

/** One stored event of a view, its attributes parsed. */
export interface StoredEvent {
  name: string;
  seq: number;
  durationMs: number | null;
  label: string | null;
  fatal: boolean | null;
  traceId: string | null;
  spanId: string | null;
  attrs: Record<string, unknown>;
}

/** What the watch page exposes on `window.coursecastWatch` (apps/web/src/player/watch-page.ts). */
export interface WatchWindow {
  coursecastWatch?: {
    video: { currentTime: number; paused: boolean };
    hls: { currentLevel: number; levels: { height?: number }[]; autoLevelCapping: number } | null;
    handle: { viewId: string | null; sessionId: string; stats(): Record<string, number> } | null;
  };
  playheadTruth: PlayheadTruth & { play(): void };
}

export interface WatchOptions {
  autoplay?: boolean;
  /** Merged into the page's hls.js config (window.coursecastHlsConfig, read by the watch page). */
  hlsConfig?: Record<string, unknown>;
}

/** A watch page of one item, with the test's playhead probe installed; failures are kept for messages. */
export async function openWatch(
  browser: Browser,
  base: string,
  courseId: string,
  itemId: string,
  o: WatchOptions = {},
) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const failures: string[] = [];
  page.on('pageerror', (e) => failures.push(`pageerror ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') failures.push(`console.${m.type()} ${m.text()}`);
  });
  await page.addInitScript({ path: PLAYHEAD_TRUTH });
  if (o.hlsConfig) {
    await page.addInitScript((cfg) => {
      (globalThis as unknown as { coursecastHlsConfig: unknown }).coursecastHlsConfig = cfg;
    }, o.hlsConfig);
  }
  await page.goto(`${base}/watch/${itemId}?course=${courseId}&muted=1${o.autoplay ? '&autoplay=1' : ''}`);
  await page.waitForSelector(
    'body[data-state="ready"], body[data-state="playing"], body[data-state="error"]',
  );
  return new WatchSession(page, failures);
}

/** One open watch page. */
export class WatchSession {
  constructor(
    readonly page: Page,
    readonly failures: string[],
  ) {}

  truth(): Promise<PlayheadTruth> {
    return this.page.evaluate(() => {
      const { playCalledAt, firstMoveAt, firstMoveSeenAt, stalls, samples, playEvent, early } = (
        globalThis as unknown as WatchWindow
      ).playheadTruth;
      return { playCalledAt, firstMoveAt, firstMoveSeenAt, stalls, samples, playEvent, early };
    });
  }

  /** Calls play() through the probe, which notes the time of the call. */
  play(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as WatchWindow).playheadTruth.play());
  }

  viewId(): Promise<string | null> {
    return this.page.evaluate(
      () => (globalThis as unknown as WatchWindow).coursecastWatch?.handle?.viewId ?? null,
    );
  }

  player(): Promise<{ currentTime: number; paused: boolean; level: number; levelHeight: number | null }> {
    return this.page.evaluate(() => {
      const w = (globalThis as unknown as WatchWindow).coursecastWatch!;
      const level = w.hls?.currentLevel ?? -1;
      return {
        currentTime: w.video.currentTime,
        paused: w.video.paused,
        level,
        levelHeight: level >= 0 ? (w.hls?.levels[level]?.height ?? null) : null,
      };
    });
  }

  async waitPlayedTo(seconds: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `playback to reach ${seconds} s (${this.failures.join(' | ').slice(0, 800)})`,
      async () => (await this.player()).currentTime >= seconds,
      timeoutMs,
    );
  }
}

/** The events the store holds for a view, in sequence order. */
export async function viewEvents(t: TestServer, viewId: string, name?: string): Promise<StoredEvent[]> {
  const rows = (await t.cc.pipeline.store.db.all(
    `SELECT name, seq, duration_ms, label, fatal, trace_id, span_id, attrs FROM events
     WHERE view_id = $1 ${name ? 'AND name = $2' : ''} ORDER BY seq`,
    name ? [viewId, name] : [viewId],
  )) as {
    name: string;
    seq: number;
    duration_ms: number | null;
    label: string | null;
    fatal: boolean | null;
    trace_id: string | null;
    span_id: string | null;
    attrs: string | null;
  }[];
  return rows.map((r) => ({
    name: r.name,
    seq: r.seq,
    durationMs: r.duration_ms,
    label: r.label,
    fatal: r.fatal,
    traceId: r.trace_id,
    spanId: r.span_id,
    attrs: r.attrs ? (JSON.parse(r.attrs) as Record<string, unknown>) : {},
  }));
}

/** Waits until the store holds at least `count` events named `name` for the view. */
export function waitForEvents(
  t: TestServer,
  viewId: string,
  name: string,
  count = 1,
  timeoutMs = 20_000,
): Promise<StoredEvent[]> {
  return waitFor(
    `${count} ${name} event(s) of view ${viewId}`,
    async () => {
      const rows = await viewEvents(t, viewId, name);
      return rows.length >= count ? rows : undefined;
    },
    timeoutMs,
  );
}

/** Replaces the edge's test fault rules (the server runs with testing.faults on). */
export async function setFaults(t: TestServer, rules: Record<string, unknown>[]): Promise<void> {
  const res = await t.cc.app.inject({
    method: 'PUT',
    url: '/api/test/faults',
    headers: t.auth,
    payload: { rules },
  });
  if (res.statusCode !== 200) throw new Error(`PUT /api/test/faults answered ${res.statusCode}: ${res.body}`);
}

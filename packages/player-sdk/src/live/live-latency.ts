// A live view's latency behind live and its live behaviour (a separate entry of the SDK, `@coursecast/player-sdk/live`,
// with its own size budget: only live lectures load it). Latency is the server's clock now minus the program date
// time of the frame showing (hls.js's `playingDate`), the browser's clock corrected by an offset measured against the
// server (the least-delayed of a few requests, so a skewed laptop clock does not count). Reports are cumulative
// `content.live_latency` events of the view: every `flushMs` while playing and when the page goes away.
import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_LIVE_CATCH_UPS,
  ATTR_LIVE_CLOCK_OFFSET_MS,
  ATTR_LIVE_DVR_SEEKS,
  ATTR_LIVE_JOIN_MS,
  ATTR_LIVE_LATENCY_MS,
  ATTR_LIVE_LATENCY_P50_MS,
  ATTR_LIVE_LATENCY_P95_MS,
  ATTR_LIVE_LATENCY_SAMPLES,
  ATTR_LIVE_STALLS,
  ATTR_SESSION_ID,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_VIEWER_ID,
  LIVE_LATENCY_EVENT,
  LIVE_LATENCY_SEQ_BASE,
} from '@coursecast/semconv/browser';
import { sendEntryEvent } from '../entry-report.js';
import type { Attrs } from '../sdk-types.js';

/** The view the reports belong to: the core SDK's handle fits. */
export interface LiveView {
  readonly viewId: string | null;
  readonly viewerId: string;
  readonly sessionId: string;
  readonly measured: boolean;
}

/** What the tracker reads of the player. */
export interface LivePlayer {
  readonly paused: boolean;
  readonly currentTime: number;
  readonly playbackRate: number;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface LiveLatencyOptions {
  video: LivePlayer;
  view: LiveView;
  /** The program date time of the frame showing (hls.js: `() => hls.playingDate`). */
  playingDate: () => Date | null;
  /** Seconds from the playhead to the live edge (hls.js: `hls.latency`), for DVR seeks; null when unknown. */
  behindLive?: () => number | null;
  content: { courseId?: string; itemId?: string };
  /** The server's clock (`GET` answering `{ "now": <ms> }`), default `/api/time`. */
  timeUrl?: string;
  /** OTLP/HTTP logs URL (default `/v1/logs`). */
  endpoint?: string;
  /** Sampling period, ms (default 1000); report period, ms (default 10 000). */
  sampleMs?: number;
  flushMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  page?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** A running tracker. */
export interface LiveLatency {
  /** The latest latency behind live, ms (null before the first sample). */
  latencyMs(): number | null;
  /** The measured offset of the server's clock over the browser's, ms (0 until measured). */
  offsetMs(): number;
  /** The page sent the player to live (a "jump to live"): counted as a catch-up. */
  jumpedToLive(): void;
  flush(keepalive?: boolean): void;
  stop(): void;
}

/** Beyond this many seconds behind live, a seek is a DVR seek. */
const DVR_SECONDS = 15;
/** Samples kept for the percentiles: the last ten minutes at one a second. */
const MAX_SAMPLES = 600;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Measures the server's clock offset: the sample with the shortest round trip of three. */
async function measureOffset(doFetch: typeof fetch, url: string, now: () => number): Promise<number | null> {
  let best: { rtt: number; offset: number } | null = null;
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    const res = await doFetch(url, { cache: 'no-store' });
    const body = (await res.json()) as { now?: unknown };
    const t1 = now();
    if (typeof body.now !== 'number') return null;
    const sample = { rtt: t1 - t0, offset: body.now - (t0 + t1) / 2 };
    if (!best || sample.rtt < best.rtt) best = sample;
  }
  return best ? Math.round(best.offset) : null;
}

/** Starts measuring a live view. */
export function trackLiveLatency(o: LiveLatencyOptions): LiveLatency {
  const now = o.now ?? (() => Date.now());
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const page = o.page ?? globalThis;
  let offset = 0;
  let offsetKnown = false;
  const samples: number[] = [];
  let latest: number | null = null;
  let catchUps = 0;
  let dvrSeeks = 0;
  let stalls = 0;
  let played = false;
  let joinMs: number | null = null;
  const started = now();
  let seq = 0;
  let viewId: string | null = null;

  measureOffset(doFetch, o.timeUrl ?? '/api/time', now).then(
    (v) => {
      if (v !== null) {
        offset = v;
        offsetKnown = true;
      }
    },
    () => undefined,
  );

  const sample = (): void => {
    const date = o.playingDate();
    if (o.video.paused || !date || !offsetKnown) return;
    latest = now() + offset - date.getTime();
    samples.push(latest);
    if (samples.length > MAX_SAMPLES) samples.shift();
  };

  function flush(keepalive = false): void {
    if (o.view.viewId !== viewId) {
      viewId = o.view.viewId;
      seq = 0;
    }
    if (!o.view.measured || viewId === null || latest === null) return;
    const sorted = [...samples].sort((a, b) => a - b);
    const attributes: Attrs = {
      [ATTR_VIEW_ID]: viewId,
      [ATTR_VIEW_SEQ]: LIVE_LATENCY_SEQ_BASE + seq++,
      [ATTR_VIEWER_ID]: o.view.viewerId,
      [ATTR_SESSION_ID]: o.view.sessionId,
      [ATTR_LIVE_LATENCY_MS]: Math.round(latest),
      [ATTR_LIVE_LATENCY_P50_MS]: Math.round(percentile(sorted, 0.5)),
      [ATTR_LIVE_LATENCY_P95_MS]: Math.round(percentile(sorted, 0.95)),
      [ATTR_LIVE_LATENCY_SAMPLES]: sorted.length,
      [ATTR_LIVE_CLOCK_OFFSET_MS]: offset,
      [ATTR_LIVE_CATCH_UPS]: catchUps,
      [ATTR_LIVE_DVR_SEEKS]: dvrSeeks,
      [ATTR_LIVE_STALLS]: stalls,
    };
    if (joinMs !== null) attributes[ATTR_LIVE_JOIN_MS] = Math.round(joinMs);
    if (o.content.courseId) attributes[ATTR_CONTENT_COURSE_ID] = o.content.courseId;
    if (o.content.itemId) attributes[ATTR_CONTENT_ITEM_ID] = o.content.itemId;
    sendEntryEvent(
      doFetch,
      o.endpoint ?? '/v1/logs',
      { name: LIVE_LATENCY_EVENT, timeMs: now(), attributes },
      keepalive,
    );
  }

  const listeners: [string, () => void][] = [
    [
      'playing',
      () => {
        if (!played) joinMs = now() - started;
        played = true;
      },
    ],
    [
      'waiting',
      () => {
        if (played) stalls++;
      },
    ],
    [
      'ratechange',
      () => {
        // hls.js speeds the player up to catch up with live (maxLiveSyncPlaybackRate).
        if (o.video.playbackRate > 1) catchUps++;
      },
    ],
    [
      'seeked',
      () => {
        const behind = o.behindLive?.() ?? null;
        if (behind !== null && behind > DVR_SECONDS) dvrSeeks++;
      },
    ],
  ];
  for (const [type, fn] of listeners) o.video.addEventListener(type, fn);
  const onHide = (): void => flush(true);
  page.addEventListener('pagehide', onHide);
  const sampler = setInterval(sample, o.sampleMs ?? 1000);
  const reporter = setInterval(() => {
    if (!o.video.paused) flush(false);
  }, o.flushMs ?? 10_000);

  return {
    latencyMs: () => latest,
    offsetMs: () => offset,
    jumpedToLive: () => {
      catchUps++;
    },
    flush,
    stop() {
      flush(true);
      clearInterval(sampler);
      clearInterval(reporter);
      for (const [type, fn] of listeners) o.video.removeEventListener(type, fn);
      page.removeEventListener('pagehide', onHide);
    },
  };
}

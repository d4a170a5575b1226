import {
  ATTR_BANDWIDTH_BPS,
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_TYPE,
  ATTR_HLS_PLAN_MODE,
  ATTR_PLAYER_NAME,
  ATTR_PLAYER_VERSION,
  ATTR_SDK_ERRORS,
  ATTR_SESSION_ID,
  ATTR_VIEWER_ID,
  PLAYBACK_EVENTS,
  VIEW_END_REASONS,
} from '@coursecast/semconv/browser';
import { transportFor } from './default-transport.js';
import { createGuard, warnInConsole } from './guard.js';
import { bindHls } from './hls-adapter.js';
import { doNotTrack, newSpanId, randomHex, viewerIdentity } from './ids.js';
import type { ContentMetadata, MonitorHandle, MonitorOptions } from './monitor-options.js';
import { pageClock, type Attrs, type Clock, type Guard, type Transport } from './sdk-types.js';
import { installTracingLoaders } from './tracing-loader.js';
import { bindVideo, videoQuality } from './video-adapter.js';
import { createViewTracker, type ViewTracker } from './view-tracker.js';

const g = globalThis;

function contentAttrs(c: ContentMetadata): Attrs {
  const a: Attrs = { ...c.attributes };
  if (c.courseId) a[ATTR_CONTENT_COURSE_ID] = c.courseId;
  if (c.itemId) a[ATTR_CONTENT_ITEM_ID] = c.itemId;
  if (c.planMode) a[ATTR_HLS_PLAN_MODE] = c.planMode;
  return a;
}

/** Sends the count of errors the guard caught since the last call, if any, as one `sdk_error` event. */
function sdkErrorReporter(guard: Guard, transport: Transport, clock: Clock, player: Attrs) {
  let reported = 0;
  return () => {
    const n = guard.count() - reported;
    if (n <= 0) return;
    reported += n;
    transport.event({
      name: PLAYBACK_EVENTS.sdkError,
      timeMs: clock.epochMs(clock.now()),
      attributes: {
        ...player,
        [ATTR_SDK_ERRORS]: n,
        [ATTR_ERROR_TYPE]: 'sdk',
        [ATTR_ERROR_DETAILS]: `${n} error(s) caught`,
      },
    });
  };
}

/**
 * Measures playback in `video` (and the hls.js instance playing into it): views, startup, rebuffering,
 * quality switches, requests and errors, sent as OTLP events to the same origin. Never throws into the page.
 */
export function monitor(video: HTMLVideoElement, options: MonitorOptions): MonitorHandle {
  const clock = pageClock();
  const hls = options.hls;
  const { viewerId, sampled } = viewerIdentity({
    sampleRate: options.sampleRate ?? 1,
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
    ...(options.viewerId ? { viewerId: options.viewerId } : {}),
  });
  // hls.js' CMCD uses its own session id unless given one: ours is that id, so CMCD `sid` and our events join.
  const sessionId = hls?.config.cmcd?.sessionId ?? hls?.sessionId ?? randomHex(16);
  const measured = sampled && !(options.respectDoNotTrack && doNotTrack());
  if (!measured) {
    return {
      viewId: null,
      sessionId,
      viewerId,
      measured: false,
      changeSource() {},
      destroy() {},
      stats: () => ({ sent: 0, dropped: 0, retried: 0, queued: 0, sdkErrors: 0 }),
    };
  }
  return startMonitor(video, options, clock, sessionId, viewerId);
}

/** One heartbeat: ends a view idle too long, else sends the figures of a view that plays. */
function beatOnce(
  t: number,
  tracker: ViewTracker,
  inactivityMs: number,
  videoBinding: ReturnType<typeof bindVideo> | null,
  hlsBinding: ReturnType<typeof bindHls> | null,
) {
  if (tracker.idleMs(t) > inactivityMs) tracker.end(t, VIEW_END_REASONS.inactivity);
  // Mux's rule: no heartbeat while paused (nothing changes).
  if (tracker.live() && !videoBinding?.paused()) {
    const extra = videoBinding?.extras() ?? {};
    const bw = hlsBinding?.bandwidth();
    if (bw !== undefined) extra[ATTR_BANDWIDTH_BPS] = bw;
    tracker.heartbeat(t, extra);
  }
}

/** The measured path of `monitor`: binds the adapters, the heartbeat and the page's lifecycle to a transport. */
function startMonitor(
  video: HTMLVideoElement,
  options: MonitorOptions,
  clock: Clock,
  sessionId: string,
  viewerId: string,
): MonitorHandle {
  const hls = options.hls;
  // Told to the page's developer once per place; the count goes out with the next heartbeat.
  const guard = createGuard(warnInConsole('SDK'));
  // The handle's destroy is final: it destroys a transport the caller passed too.
  const { transport } = transportFor(options, options.flushMs ?? 5000);

  let content = contentAttrs(options.content);
  const player: Attrs = {
    [ATTR_PLAYER_NAME]: options.playerName ?? (hls ? 'hls.js' : 'html5'),
    [ATTR_SESSION_ID]: sessionId,
    [ATTR_VIEWER_ID]: viewerId,
  };
  // hls.js keeps its version on the class (`Hls.version`).
  const version = options.playerVersion ?? (hls?.constructor as { version?: unknown } | undefined)?.version;
  if (typeof version === 'string') player[ATTR_PLAYER_VERSION] = version;

  let hlsBinding: ReturnType<typeof bindHls> | null = null;
  let videoBinding: ReturnType<typeof bindVideo> | null = null;
  const tracker = createViewTracker({
    clock,
    // Read from the element, not the video binding: binding a video that already plays starts the view
    // (and asks the probe) before bindVideo has returned.
    probe: {
      position: () => video.currentTime,
      quality: () => hlsBinding?.quality() ?? videoQuality(video),
    },
    base: () => ({ ...content, ...player }),
    send: (e, urgency) => transport.event(e, urgency),
    span: (s) => transport.span(s),
    newId: (bytes) => randomHex(bytes),
  });
  const now = () => clock.now();
  let destroyed = false;
  let untrace: (() => void) | null = null;
  if (hls) {
    if (options.traceRequests !== false) {
      guard.run('install', () => {
        untrace = installTracingLoaders(hls, {
          guard,
          now,
          parent: () => tracker.ids(),
          newSpanId: () => newSpanId(),
          span: (s) => transport.span(s),
          epochMs: clock.epochMs,
          request: (r) => tracker.record(PLAYBACK_EVENTS.request, r.attrs, r.end, { spanId: r.spanId }),
        });
      });
    }
    hlsBinding = bindHls({ hls, tracker, guard, now, onDestroying: () => handle.destroy() });
  }
  videoBinding = bindVideo({
    video,
    tracker,
    guard,
    now,
    hlsAttached: hls !== undefined,
    timers: {
      setInterval: (fn, ms) => g.setInterval(fn, ms),
      clearInterval: (h) => g.clearInterval(h as number),
    },
  });

  const reportSdkErrors = sdkErrorReporter(guard, transport, clock, player);
  const inactivityMs = options.inactivityMs ?? 3_600_000;
  const beat = guard.wrap('heartbeat', () => {
    beatOnce(now(), tracker, inactivityMs, videoBinding, hlsBinding);
    reportSdkErrors();
  });
  const heartbeat = g.setInterval(beat, options.heartbeatMs ?? 10_000);
  const onPageHide = guard.wrap('pagehide', () => {
    tracker.end(now(), VIEW_END_REASONS.pagehide);
    reportSdkErrors();
    transport.flush('unload');
  });
  const onVisibility = guard.wrap('visibility', () => {
    // A hidden page may never come back (mobile browsers kill it without pagehide): send what we have.
    if (g.document?.visibilityState === 'hidden') transport.flush('unload');
  });
  g.addEventListener?.('pagehide', onPageHide);
  g.document?.addEventListener?.('visibilitychange', onVisibility);

  const handle: MonitorHandle = {
    get viewId() {
      return tracker.live() ? tracker.ids().viewId : null;
    },
    sessionId,
    viewerId,
    measured: true,
    changeSource: guard.wrap('changeSource', (next: ContentMetadata) => {
      tracker.end(now(), VIEW_END_REASONS.sourceChange);
      content = contentAttrs(next);
    }),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      guard.run('destroy', () => {
        tracker.end(now(), VIEW_END_REASONS.destroy);
        reportSdkErrors();
        g.clearInterval(heartbeat);
        g.removeEventListener?.('pagehide', onPageHide);
        g.document?.removeEventListener?.('visibilitychange', onVisibility);
        videoBinding?.unbind();
        hlsBinding?.unbind();
        untrace?.();
        transport.destroy();
      });
    },
    stats: () => ({ ...transport.stats(), sdkErrors: guard.count() }),
  };
  return handle;
}

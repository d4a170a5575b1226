import {
  ATTR_BUFFER_LENGTH_S,
  ATTR_DROPPED_FRAMES,
  ATTR_PLAYER_DPR,
  ATTR_PLAYER_HEIGHT,
  ATTR_PLAYER_WIDTH,
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_SWITCH_REASON,
  PLAYBACK_EVENTS,
  SWITCH_REASONS,
  VIEW_END_REASONS,
} from '@coursecast/semconv/browser';
import type { Attrs, Guard } from './sdk-types.js';
import type { ViewTracker } from './view-tracker.js';

// Mux samples the playhead every 25 ms: fine enough for startup and stalls within a frame or two, and reading
// currentTime 40 times a second costs nothing measurable.
const POLL_MS = 25;
const MEDIA_ERRORS = [
  '',
  'MEDIA_ERR_ABORTED',
  'MEDIA_ERR_NETWORK',
  'MEDIA_ERR_DECODE',
  'MEDIA_ERR_SRC_NOT_SUPPORTED',
];

/** The rendition a native player shows, as far as the element tells: its picture height (`720p`). */
export const videoQuality = (video: HTMLVideoElement): string | undefined =>
  video.videoHeight ? `${video.videoHeight}p` : undefined;

export interface VideoAdapterDeps {
  video: HTMLVideoElement;
  tracker: ViewTracker;
  guard: Guard;
  now: () => number;
  /** True when hls.js plays into this element (it reports errors and renditions itself). */
  hlsAttached: boolean;
  timers: { setInterval(fn: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
}

const droppedFrames = (video: HTMLVideoElement): number | undefined => {
  const q = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : undefined;
  return q ? q.droppedVideoFrames : undefined;
};

/** Heartbeat figures read from the element (dropped frames counted since the view's start). */
function videoExtras(video: HTMLVideoElement, droppedAtStart: number): Attrs {
  const a: Attrs = {
    [ATTR_PLAYER_WIDTH]: video.clientWidth,
    [ATTR_PLAYER_HEIGHT]: video.clientHeight,
    [ATTR_PLAYER_DPR]: globalThis.devicePixelRatio || 1,
  };
  const d = droppedFrames(video);
  if (d !== undefined) a[ATTR_DROPPED_FRAMES] = Math.max(0, d - droppedAtStart);
  const b = video.buffered;
  const t = video.currentTime;
  for (let i = 0; i < b.length; i++) {
    if (b.start(i) <= t + 0.1 && b.end(i) >= t)
      a[ATTR_BUFFER_LENGTH_S] = Math.round((b.end(i) - t) * 1000) / 1000;
  }
  return a;
}

/** Binds a <video> element's events and a playhead poll to the tracker; returns heartbeat extras and the unbind. */
export function bindVideo(deps: VideoAdapterDeps) {
  const { video, tracker, guard, now } = deps;
  let poll: unknown = null;
  let droppedAtStart = 0;
  let src = video.currentSrc;
  // Attached mid-play, the picture already has a size: the next resize is a switch from it.
  let height = video.videoHeight || 0;

  const sample = () =>
    tracker.tick(now(), {
      position: video.currentTime,
      paused: video.paused,
      seeking: video.seeking,
      readyState: video.readyState,
      rate: video.playbackRate,
    });

  const syncPoll = () => {
    const want = tracker.polling();
    if (want && poll === null) poll = deps.timers.setInterval(guard.wrap('poll', tick), POLL_MS);
    else if (!want && poll !== null) {
      deps.timers.clearInterval(poll);
      poll = null;
    }
  };
  function tick() {
    sample();
    syncPoll();
  }

  const handlers: Record<string, () => void> = {
    play: () => {
      const wasLive = tracker.live();
      tracker.intent(now());
      if (!wasLive && tracker.live()) droppedAtStart = droppedFrames(video) ?? 0;
      sample();
      syncPoll();
    },
    waiting: () => tracker.stalled(now()),
    pause: () => {
      // The `pause` that comes with `ended` is not the learner pausing: `ended` ends the view.
      if (!video.ended) tracker.pause(now());
      syncPoll();
    },
    seeking: () => {
      tracker.seeking(now());
      syncPoll();
    },
    seeked: () => tracker.seeked(now(), video.paused),
    ended: () => {
      tracker.end(now(), VIEW_END_REASONS.ended);
      syncPoll();
    },
    error: () => {
      const e = video.error;
      // With hls.js attached, it reports media errors itself (and may recover from them).
      if (!e || deps.hlsAttached) return;
      tracker.error(
        now(),
        'mediaError',
        `${MEDIA_ERRORS[e.code] ?? e.code}${e.message ? `: ${e.message}` : ''}`,
        true,
      );
    },
    loadstart: () => {
      // Native playback: a new source is a new view.
      if (!deps.hlsAttached && src && video.currentSrc !== src && tracker.live())
        tracker.end(now(), VIEW_END_REASONS.sourceChange);
      src = video.currentSrc;
      height = 0;
      syncPoll();
    },
    resize: () => {
      const h = video.videoHeight;
      const from = height;
      height = h;
      // hls.js names its renditions; natively a size change is the only sign of one.
      if (deps.hlsAttached || from === 0 || h === 0 || h === from) return;
      tracker.record(
        PLAYBACK_EVENTS.qualitySwitch,
        {
          [ATTR_QUALITY_FROM]: `${from}p`,
          [ATTR_QUALITY_TO]: `${h}p`,
          [ATTR_SWITCH_REASON]: h > from ? SWITCH_REASONS.abrUp : SWITCH_REASONS.abrDown,
        },
        now(),
      );
    },
  };
  const bound: [string, () => void][] = Object.entries(handlers).map(([name, fn]) => [
    name,
    guard.wrap(`video.${name}`, fn),
  ]);
  for (const [name, fn] of bound) video.addEventListener(name, fn);
  // Attached after play was asked (autoplay): the view starts now.
  if (!video.paused) bound[0]![1]();

  return {
    paused: () => video.paused,
    /** Heartbeat figures read from the element. */
    extras: (): Attrs => videoExtras(video, droppedAtStart),
    unbind() {
      for (const [name, fn] of bound) video.removeEventListener(name, fn);
      if (poll !== null) deps.timers.clearInterval(poll);
      poll = null;
    },
  };
}

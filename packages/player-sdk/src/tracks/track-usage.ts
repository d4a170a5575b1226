// Caption and audio-track use per view (a separate entry of the SDK, `@coursecast/player-sdk/tracks`, with its own
// size budget: pages without tracks never load it). It counts the time the video plays with captions showing and
// the switches, and reports them with the view as `content.track_usage` events: on each switch, every `flushMs`
// while counting, and when the page goes away. Each report is cumulative, so a lost one costs nothing but delay.
import {
  ATTR_AUDIO_LANGUAGE,
  ATTR_CAPTIONS_LANGUAGE,
  ATTR_CAPTIONS_ON_MS,
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_SESSION_ID,
  ATTR_TRACK_SWITCHES,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_VIEWER_ID,
  CAPTIONS_OFF,
  TRACK_USAGE_EVENT,
  TRACK_USAGE_SEQ_BASE,
} from '@coursecast/semconv/browser';
import { sendEntryEvent } from '../entry-report.js';
import type { Attrs } from '../sdk-types.js';

/** The view the reports belong to: the core SDK's handle (`monitor()`'s answer) fits. */
export interface TrackUsageView {
  readonly viewId: string | null;
  readonly viewerId: string;
  readonly sessionId: string;
  readonly measured: boolean;
}

/** What the counter watches. */
export interface TrackUsageVideo {
  readonly paused: boolean;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface TrackUsageOptions {
  video: TrackUsageVideo;
  view: TrackUsageView;
  content: { courseId?: string; itemId?: string };
  /** OTLP/HTTP logs URL (default `/v1/logs`, as the core's). */
  endpoint?: string;
  /** Report period while captions show and the video plays, ms (default 30 000). */
  flushMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** The page, for its `pagehide` (default: globalThis). */
  page?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** A running counter. */
export interface TrackUsage {
  /** The captions now showing (a BCP 47 tag), or null for off; a change counts as a switch. */
  captions(language: string | null): void;
  /** The audio track now playing (a BCP 47 tag, null when unknown); a change counts as a switch. */
  audio(language: string | null): void;
  /** Reports the view's figures now. */
  flush(keepalive?: boolean): void;
  /** Reports what is left and stops. */
  stop(): void;
}

const PLAY = ['playing'];
const HALT = ['pause', 'waiting', 'seeking', 'ended', 'emptied'];

/** Starts counting `video`'s caption use for the views of `view`. */
export function trackUsage(o: TrackUsageOptions): TrackUsage {
  const now = o.now ?? (() => Date.now());
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const page = o.page ?? globalThis;
  const endpoint = o.endpoint ?? '/v1/logs';
  let captions: string | null = null;
  let audio: string | null = null;
  let playing = !o.video.paused;
  let onMs = 0;
  let since: number | null = null;
  let switches = 0;
  let seq = 0;
  let viewId: string | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  /** Adds the running stretch; a new view starts from zero. */
  function settle(): void {
    if (o.view.viewId !== viewId) {
      viewId = o.view.viewId;
      onMs = 0;
      switches = 0;
      seq = 0;
      since = null;
    }
    const t = now();
    if (since !== null) onMs += t - since;
    since = playing && captions !== null ? t : null;
    if (since !== null && timer === null) timer = setInterval(() => flush(false), o.flushMs ?? 30_000);
    if (since === null && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  function flush(keepalive = false): void {
    settle();
    if (!o.view.measured || viewId === null) return;
    const attributes: Attrs = {
      [ATTR_VIEW_ID]: viewId,
      [ATTR_VIEW_SEQ]: TRACK_USAGE_SEQ_BASE + seq++,
      [ATTR_VIEWER_ID]: o.view.viewerId,
      [ATTR_SESSION_ID]: o.view.sessionId,
      [ATTR_CAPTIONS_ON_MS]: Math.round(onMs),
      [ATTR_CAPTIONS_LANGUAGE]: captions ?? CAPTIONS_OFF,
      [ATTR_TRACK_SWITCHES]: switches,
    };
    if (audio) attributes[ATTR_AUDIO_LANGUAGE] = audio;
    if (o.content.courseId) attributes[ATTR_CONTENT_COURSE_ID] = o.content.courseId;
    if (o.content.itemId) attributes[ATTR_CONTENT_ITEM_ID] = o.content.itemId;
    sendEntryEvent(doFetch, endpoint, { name: TRACK_USAGE_EVENT, timeMs: now(), attributes }, keepalive);
  }

  const onPlay = (): void => {
    playing = true;
    settle();
  };
  const onHalt = (): void => {
    playing = false;
    settle();
  };
  const onHide = (): void => flush(true);
  for (const e of PLAY) o.video.addEventListener(e, onPlay);
  for (const e of HALT) o.video.addEventListener(e, onHalt);
  page.addEventListener('pagehide', onHide);

  const change = (apply: () => boolean): void => {
    settle();
    if (!apply()) return;
    switches++;
    settle();
    flush(false);
  };

  return {
    captions: (language) =>
      change(() => {
        if (language === captions) return false;
        captions = language;
        return true;
      }),
    audio: (language) =>
      change(() => {
        if (language === audio) return false;
        // The first audio language known is where the view starts, not a switch.
        const first = audio === null;
        audio = language;
        if (first) settle();
        return !first;
      }),
    flush,
    stop() {
      flush(true);
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const e of PLAY) o.video.removeEventListener(e, onPlay);
      for (const e of HALT) o.video.removeEventListener(e, onHalt);
      page.removeEventListener('pagehide', onHide);
    },
  };
}

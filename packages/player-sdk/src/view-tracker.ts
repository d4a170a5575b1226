import {
  ATTR_CONTENT_QUALITY,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_POSITION_S,
  ATTR_VIEW_END_REASON,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  PLAYBACK_EVENTS,
  SPAN_CONTENT_VIEW,
  type VIEW_END_REASONS,
} from '@coursecast/semconv/browser';
import {
  SPAN_KINDS,
  STATUS_CODES,
  type Attrs,
  type Clock,
  type SdkEvent,
  type SdkSpan,
  type Urgency,
} from './sdk-types.js';
import { createPlayhead, type Emit, type Playhead, type PlayheadSample } from './view-playhead.js';

export type { PlayheadSample } from './view-playhead.js';

// The view state machine, with Mux's semantics (../shared/reference/qoe-metrics-and-standards.md): a view starts
// at play intent; startup ends at the first frame with the playhead moving; a rebuffer is the playhead standing
// still while it should play (never during startup or a seek, never while paused), backdated to its last move.
// It is fed by the adapters (media events, a playhead poll, hls.js stall hints) and knows no DOM itself.

/** What the adapters read from the player at each event. */
export interface PlayerProbe {
  position(): number | undefined;
  quality(): string | undefined;
}

export interface ViewTrackerDeps {
  clock: Clock;
  probe: PlayerProbe;
  /** Attributes of every event (content, viewer, session, player). */
  base(): Attrs;
  send(event: SdkEvent, urgency: Urgency): void;
  span(span: SdkSpan): void;
  newId(bytes: 8 | 16): string;
  /** Stall threshold without a buffering signal, ms (Mux: 1000). */
  stallMs?: number;
}

/** Ids of the current view, or of the next one while none is live (its requests are traced under it). */
export interface ViewIds {
  viewId: string;
  traceId: string;
  spanId: string;
}

const PRE_VIEW_LIMIT = 50;

/** The state machine of one monitored player: at most one live view at a time. */
export function createViewTracker(deps: ViewTrackerDeps) {
  const { clock } = deps;
  const stallThreshold = deps.stallMs ?? 1000;
  let ids: ViewIds = nextIds();
  /** The live view's playhead; null while no view is live. */
  let view: Playhead | null = null;
  let emit = viewEmitter(deps, ids);
  let startAt = 0;
  let fatalSeen = false;
  let preView: { name: string; attrs: Attrs; t: number; extra: Partial<SdkEvent> }[] = [];

  function nextIds(): ViewIds {
    return { viewId: deps.newId(16), traceId: deps.newId(16), spanId: deps.newId(8) };
  }

  function start(t: number) {
    emit = viewEmitter(deps, ids);
    view = createPlayhead(t, emit, stallThreshold);
    startAt = t;
    fatalSeen = false;
    // Batched, not sent at once: a request during startup would compete with the player for the main thread
    // and the network. It leaves with the first frame (sent at once), a fatal error, or the page's unload.
    emit(PLAYBACK_EVENTS.viewStart, {}, t);
    // What happened before the intent (the manifest load and its retries) belongs to this view.
    const early = preView;
    preView = [];
    for (const e of early) emit(e.name, e.attrs, e.t, 'batch', e.extra);
  }

  return {
    /** The current view's ids, or the next view's while none is live. */
    ids: (): ViewIds => ids,
    live: () => view !== null,
    /** True while the playhead should be polled. */
    polling: () => view !== null && view.polling(),
    /** Play intent (`play` event, autoplay): starts a view, or resumes from a pause. */
    intent(t: number) {
      if (!view) return start(t);
      view.intent(t);
    },

    // The playhead's events: the live view's playhead takes them; with no live view they mean nothing.
    /** A buffering signal: `waiting`, or hls.js' bufferStalledError. */
    stalled(_t: number) {
      view?.stalled();
    },
    /** A playhead sample (every ~25 ms while polling). */
    tick(t: number, s: PlayheadSample) {
      view?.tick(t, s);
    },
    pause(t: number) {
      view?.pause(t);
    },
    seeking(t: number) {
      view?.seeking(t);
    },
    /** `seeked` while paused ends the seek there; playing, it ends when the playhead moves. */
    seeked(t: number, paused: boolean) {
      view?.seeked(t, paused);
    },

    /** A player error; the first fatal one also starts a view (a failed attempt is a view). */
    error(t: number, type: string, details: string, fatal: boolean) {
      if (!view && fatal) start(t);
      if (!view)
        return this.record(
          PLAYBACK_EVENTS.playbackError,
          { [ATTR_ERROR_TYPE]: type, [ATTR_ERROR_DETAILS]: details.slice(0, 256), [ATTR_ERROR_FATAL]: false },
          t,
        );
      if (fatal) view.settle(t, false);
      emit(
        PLAYBACK_EVENTS.playbackError,
        { [ATTR_ERROR_TYPE]: type, [ATTR_ERROR_DETAILS]: details.slice(0, 256), [ATTR_ERROR_FATAL]: fatal },
        t,
        fatal && !fatalSeen ? 'now' : 'batch',
      );
      if (fatal) fatalSeen = true;
    },
    /** Any other view event (requests, quality switches); kept until the view starts when none is live. */
    record(name: string, attrs: Attrs, t: number, extra: Partial<SdkEvent> = {}) {
      if (view) return emit(name, attrs, t, 'batch', extra);
      if (preView.length < PRE_VIEW_LIMIT) preView.push({ name, attrs, t, extra });
    },
    /** A heartbeat with the cumulative figures and the adapters' extras. */
    heartbeat(t: number, extra: Attrs) {
      if (view) emit(PLAYBACK_EVENTS.heartbeat, { ...view.totals(t), ...extra }, t);
    },
    /** Time since the view last changed state (for the inactivity limit), ms; 0 while playing. */
    idleMs(t: number): number {
      return view ? view.idleMs(t) : 0;
    },
    /** Ends the live view (if any) with `reason`; the next intent starts a new one. */
    end(t: number, reason: (typeof VIEW_END_REASONS)[keyof typeof VIEW_END_REASONS]) {
      if (!view) {
        preView = [];
        return;
      }
      view.settle(t, true);
      emit(PLAYBACK_EVENTS.viewEnd, { [ATTR_VIEW_END_REASON]: reason, ...view.totals(t) }, t, 'now');
      deps.span({
        traceId: ids.traceId,
        spanId: ids.spanId,
        name: SPAN_CONTENT_VIEW,
        kind: SPAN_KINDS.internal,
        startMs: clock.epochMs(startAt),
        endMs: clock.epochMs(t),
        attributes: {
          ...deps.base(),
          [ATTR_VIEW_ID]: ids.viewId,
          [ATTR_VIEW_END_REASON]: reason,
          ...view.totals(t),
        },
        status: { code: fatalSeen ? STATUS_CODES.error : STATUS_CODES.unset },
      });
      view = null;
      ids = nextIds();
    },
  };
}

export type ViewTracker = ReturnType<typeof createViewTracker>;

/** Sends one view's events, numbered from 0, with the attributes every event carries. */
function viewEmitter(deps: ViewTrackerDeps, ids: ViewIds): Emit {
  const { clock, probe } = deps;
  let seq = 0;
  return (name, attrs, t, urgency = 'batch', extra = {}) => {
    const all: Attrs = { ...deps.base(), [ATTR_VIEW_ID]: ids.viewId, [ATTR_VIEW_SEQ]: seq++ };
    const pos = probe.position();
    if (pos !== undefined && Number.isFinite(pos) && pos >= 0)
      all[ATTR_POSITION_S] = Math.round(pos * 1000) / 1000;
    const q = probe.quality();
    if (q) all[ATTR_CONTENT_QUALITY] = q;
    Object.assign(all, attrs);
    deps.send(
      { name, timeMs: clock.epochMs(t), attributes: all, traceId: ids.traceId, spanId: ids.spanId, ...extra },
      urgency,
    );
  };
}

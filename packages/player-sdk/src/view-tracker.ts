import {
  ATTR_BUFFERING_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_CONTENT_QUALITY,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_PLAYING_MS,
  ATTR_POSITION_S,
  ATTR_SEEK_MS,
  ATTR_STALL_MS,
  ATTR_STARTUP_MS,
  ATTR_VIEW_END_REASON,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_WATCH_MS,
  BUFFERING_PHASES,
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

/** A playhead sample from the poll. */
export interface PlayheadSample {
  position: number;
  paused: boolean;
  seeking: boolean;
  /** HTMLMediaElement.readyState; below 3 (HAVE_FUTURE_DATA) the element is waiting for data. */
  readyState: number;
  /** HTMLMediaElement.playbackRate (default 1). */
  rate?: number;
}

type Phase = 'starting' | 'playing' | 'paused' | 'seeking' | 'rebuffering';

const PRE_VIEW_LIMIT = 50;
// Two seeks this close are one (a scrub), as Mux merges them.
const SEEK_MERGE_MS = 2000;
// A 'waiting' or hls.js stall confirms a stall this early; the playhead alone needs stallMs.
const SIGNALLED_STALL_MS = 100;

/** Sends one event of the live view (attributes, time, urgency as the transport takes them). */
type Emit = (name: string, attrs: Attrs, t: number, urgency?: Urgency, extra?: Partial<SdkEvent>) => void;

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

// The two sub-factories below return tuples, not objects: their functions are called by one playhead only,
// and a tuple's names are local, which the minifier shortens (an object's property names it keeps).

/**
 * One view's time figures: play and stall time, and watch time, which leaves its pauses out. Returns
 * [paused(t), resumed(t), addPlaying(ms), addStall(ms), totals(t), idleMs(t)].
 */
function viewFigures(startAt: number) {
  let pausedSince: number | null = null;
  let pausedMs = 0;
  let playingMs = 0;
  let stallMs = 0;
  return [
    (t: number) => {
      pausedSince = t;
    },
    (t: number) => {
      if (pausedSince !== null) pausedMs += t - pausedSince;
      pausedSince = null;
    },
    (ms: number) => {
      playingMs += ms;
    },
    (ms: number) => {
      stallMs += ms;
    },
    (t: number): Attrs => ({
      [ATTR_PLAYING_MS]: Math.round(playingMs),
      [ATTR_STALL_MS]: Math.round(stallMs),
      [ATTR_WATCH_MS]: Math.round(
        Math.max(0, t - startAt - pausedMs - (pausedSince === null ? 0 : t - pausedSince)),
      ),
    }),
    /** Time since the view was paused, ms; 0 while not paused. */
    (t: number) => (pausedSince !== null ? t - pausedSince : 0),
  ] as const;
}

/**
 * One view's seek, from `seeking` until the playhead moves again (or `seeked` while paused). Returns
 * [startSeek(t), endSeek(t), dropSeek(), seekOpen()]; dropSeek forgets it without an event.
 */
function viewSeeks(emit: Emit) {
  let seekStart: number | null = null;
  let lastSeekEnd = -Infinity;
  return [
    (t: number) => {
      // A seek right after another (scrubbing) continues it.
      if (seekStart === null) seekStart = t - lastSeekEnd < SEEK_MERGE_MS ? lastSeekEnd : t;
    },
    (t: number) => {
      if (seekStart === null) return;
      emit(PLAYBACK_EVENTS.seek, { [ATTR_SEEK_MS]: Math.round(t - seekStart) }, t);
      seekStart = null;
      lastSeekEnd = t;
    },
    () => {
      seekStart = null;
    },
    () => seekStart !== null,
  ] as const;
}

type Playhead = ReturnType<typeof createPlayhead>;

/** The live view's playhead, from the view's start at `startAt`: startup, playing, paused, seeking, rebuffering. */
function createPlayhead(startAt: number, emit: Emit, stallThreshold: number) {
  const [paused, resumed, addPlaying, addStall, totals, idleMs] = viewFigures(startAt);
  const [startSeek, endSeek, dropSeek, seekOpen] = viewSeeks(emit);
  let phase: Phase = 'starting';
  let firstFrameAt: number | null = null;
  let lastPos = -1;
  let lastMoveAt = startAt;
  let lastTickAt = startAt;
  let stallSignal = false;
  let rebufferStart = 0;

  function endRebuffer(end: number) {
    const ms = Math.max(0, end - rebufferStart);
    addStall(ms);
    const attrs = { [ATTR_BUFFERING_PHASE]: BUFFERING_PHASES.end, [ATTR_BUFFERING_MS]: Math.round(ms) };
    emit(PLAYBACK_EVENTS.buffering, attrs, end);
    lastMoveAt = end;
  }

  function firstFrame(at: number) {
    firstFrameAt = at;
    emit(PLAYBACK_EVENTS.videoStartup, { [ATTR_STARTUP_MS]: Math.round(at - startAt) }, at, 'now');
    phase = 'playing';
    dropSeek();
    stallSignal = false;
    lastMoveAt = at;
  }

  return {
    totals,
    idleMs,
    polling: () => phase !== 'paused',
    /** Play intent while paused: back to the phase the pause interrupted. */
    intent(t: number) {
      if (phase !== 'paused') return;
      resumed(t);
      phase = seekOpen() ? 'seeking' : firstFrameAt === null ? 'starting' : 'playing';
      lastMoveAt = lastTickAt = t;
    },
    stalled() {
      stallSignal = true;
    },

    tick(t: number, s: PlayheadSample) {
      const prevPos = lastPos;
      const prevT = lastTickAt;
      const moved = prevPos >= 0 && s.position !== prevPos && !s.seeking;
      lastPos = s.position;
      lastTickAt = t;
      if (prevPos < 0) {
        lastMoveAt = t;
        return;
      }
      if (s.paused) return;
      // The playhead runs at the playback rate: how far it got since the last sample says when it started
      // (or until when it ran), so the figures do not depend on the poll period or a late timer.
      const run = moved ? ((s.position - prevPos) / (s.rate || 1)) * 1000 : 0;
      const startedAt = Math.min(t, Math.max(prevT, t - run));
      const ranUntil = Math.max(prevT, Math.min(t, prevT + run));
      if (phase === 'starting') {
        if (moved) firstFrame(startedAt);
        return;
      }
      if (phase === 'seeking') {
        if (moved && !s.seeking) {
          endSeek(startedAt);
          phase = 'playing';
          lastMoveAt = ranUntil;
        }
        return;
      }
      if (phase === 'rebuffering') {
        if (moved) {
          endRebuffer(startedAt);
          lastMoveAt = ranUntil;
          stallSignal = false;
          phase = 'playing';
        }
        return;
      }
      if (moved) {
        // A throttled timer (background tab) is not play time we saw; count at most a few poll periods.
        addPlaying(Math.min(t - prevT, 250));
        lastMoveAt = ranUntil;
        stallSignal = false;
        return;
      }
      const still = t - lastMoveAt;
      if (still >= stallThreshold || ((stallSignal || s.readyState < 3) && still >= SIGNALLED_STALL_MS)) {
        phase = 'rebuffering';
        rebufferStart = lastMoveAt;
        emit(PLAYBACK_EVENTS.buffering, { [ATTR_BUFFERING_PHASE]: BUFFERING_PHASES.start }, rebufferStart);
      }
    },

    pause(t: number) {
      if (phase === 'paused') return;
      if (phase === 'rebuffering') endRebuffer(t);
      phase = 'paused';
      paused(t);
    },
    seeking(t: number) {
      if (phase === 'rebuffering') endRebuffer(t);
      if (phase === 'starting') return;
      startSeek(t);
      if (phase !== 'paused') phase = 'seeking';
    },
    seeked(t: number, whilePaused: boolean) {
      // The jump is not playhead movement: the next sample is a new baseline.
      lastPos = -1;
      if (whilePaused) endSeek(t);
    },
    /** Ends a rebuffering in progress at `t` (a fatal error, the view's end), and with `seek` a seek too. */
    settle(t: number, seek: boolean) {
      if (phase === 'rebuffering') endRebuffer(t);
      if (seek && phase === 'seeking') endSeek(t);
    },
  };
}

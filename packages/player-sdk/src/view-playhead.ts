import {
  ATTR_BUFFERING_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_PLAYING_MS,
  ATTR_SEEK_MS,
  ATTR_STALL_MS,
  ATTR_STARTUP_MS,
  ATTR_WATCH_MS,
  BUFFERING_PHASES,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { type Attrs, type SdkEvent, type Urgency } from './sdk-types.js';

// The playhead of one live view, under the tracker (view-tracker.ts): its phases, time figures and seeks.

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

// Two seeks this close are one (a scrub), as Mux merges them.
const SEEK_MERGE_MS = 2000;
// A 'waiting' or hls.js stall confirms a stall this early; the playhead alone needs stallMs.
const SIGNALLED_STALL_MS = 100;

/** Sends one event of the live view (attributes, time, urgency as the transport takes them). */
export type Emit = (
  name: string,
  attrs: Attrs,
  t: number,
  urgency?: Urgency,
  extra?: Partial<SdkEvent>,
) => void;

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

export type Playhead = ReturnType<typeof createPlayhead>;

/** The live view's playhead, from the view's start at `startAt`: startup, playing, paused, seeking, rebuffering. */
export function createPlayhead(startAt: number, emit: Emit, stallThreshold: number) {
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

import type { PlaybackPlan } from '@coursecast/media';
import { HLS_SESSION_END_REASONS, type HlsSessionEndReason } from '@coursecast/semconv';

/** An encoder as a session sees it: where it started, and a way to stop it. */
export interface SessionEncoder {
  readonly startIndex: number;
  stop(): Promise<void>;
}

/** What an encoder reports; a session drops reports from encoders it has replaced. */
export interface EncoderEvents {
  segment(index: number, generationMs: number): void;
  firstProgress(ms: number): void;
  exit(outcome: { reason: 'completed' | 'killed' | 'failed'; message: string }): void;
}

/** Starts FFmpeg at a grid index (the real one wraps @coursecast/media's startJitEncoder). */
export type StartEncoder = (startIndex: number, generation: number, events: EncoderEvents) => SessionEncoder;

/**
 * How far a failed encoder run got: `startup` when it exited before writing its first segment (it never got
 * going, and usually fails the same way again), `running` when it crashed after writing some.
 */
export type EncoderFailureStage = 'startup' | 'running';

/** What a session tells its observer (telemetry), never anything it waits on. */
export interface SessionObserver {
  encoderStarted(startIndex: number, generation: number, relocatedFrom: number | null): void;
  encoderFirstProgress(generation: number, ms: number): void;
  segmentWritten(index: number, generationMs: number): void;
  segmentServed(index: number, waitedMs: number): void;
  failed(message: string, stage: EncoderFailureStage): void;
  ended(reason: HlsSessionEndReason): void;
}

/** Why a segment could not be served. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    readonly code: 'segment_not_found' | 'session_ended' | 'encoder_failed' | 'segment_timeout',
    message: string,
  ) {
    super(message);
  }
}

export interface JitSessionOptions {
  id: string;
  itemId: string;
  plan: PlaybackPlan;
  segmentCount: number;
  startEncoder: StartEncoder;
  observer: SessionObserver;
  /** A request this many segments or fewer ahead of the encoder waits instead of moving it. */
  lookahead: number;
  /** How long one segment request may wait. */
  segmentTimeoutMs: number;
  now?: () => number;
}

/** One just-in-time session: the segments written so far and the encoder window that produces more. */
export interface JitSession {
  readonly id: string;
  readonly itemId: string;
  readonly plan: PlaybackPlan;
  readonly createdAt: number;
  readonly segmentCount: number;
  /** Marks the session in use (a segment request, a playlist request or a player heartbeat). */
  touch(): void;
  /** Time since the last use; 0 while a segment request waits. */
  idleMs(): number;
  /** Resolves once segment `index` is on disk, starting or moving the encoder as needed. */
  segment(index: number): Promise<void>;
  /** Where the encoder is: its start and the highest segment it wrote; null when none runs. */
  encoder(): { startIndex: number; position: number; generation: number } | null;
  written(): number;
  readonly endReason: HlsSessionEndReason | null;
  end(reason: HlsSessionEndReason): Promise<void>;
}

/** Creates a session; its first encoder starts with the first segment request. */
export function createJitSession(o: JitSessionOptions): JitSession {
  const now = o.now ?? Date.now;
  const createdAt = now();
  let lastActivity = createdAt;
  const waiting = new Set<Waiter>();
  const s: SessionState = {
    o,
    now,
    written: new Set<number>(),
    current: null,
    generation: 0,
    crashes: 0,
    lastFailure: '',
    endReason: null,
    changed: [],
    decisions: Promise.resolve(),
  };
  const session: JitSession = {
    id: o.id,
    itemId: o.itemId,
    plan: o.plan,
    createdAt,
    segmentCount: o.segmentCount,
    get endReason() {
      return s.endReason;
    },
    touch() {
      lastActivity = now();
    },
    // A request waiting for a segment the encoder is heading to is a player at work: not idle, however long
    // the wait. One left behind by a seek (before where the encoder now starts) is abandoned: it keeps nothing alive.
    idleMs: () => (awaitedAhead(s, waiting) ? 0 : now() - lastActivity),
    async segment(index) {
      if (!Number.isInteger(index) || index < 0 || index >= o.segmentCount) {
        throw new SessionError('segment_not_found', `segment ${index} is outside 0..${o.segmentCount - 1}`);
      }
      const asked = now();
      const deadline = asked + o.segmentTimeoutMs;
      session.touch();
      const waiter: Waiter = { index, decided: false };
      waiting.add(waiter);
      try {
        await awaitSegment(s, waiter, deadline);
      } finally {
        waiting.delete(waiter);
        session.touch();
      }
      o.observer.segmentServed(index, now() - asked);
    },
    encoder: () =>
      s.current
        ? {
            startIndex: s.current.enc.startIndex,
            position: s.current.position,
            generation: s.current.generation,
          }
        : null,
    written: () => s.written.size,
    end: (reason) => endSession(s, reason),
  };
  return session;
}

/** The encoder running for a session: its generation, and the highest segment it wrote. */
interface EncoderRun {
  enc: SessionEncoder;
  generation: number;
  position: number;
}

/** A session's mutable state, shared by the steps below. */
interface SessionState {
  readonly o: JitSessionOptions;
  readonly now: () => number;
  readonly written: Set<number>;
  current: EncoderRun | null;
  generation: number;
  crashes: number;
  lastFailure: string;
  endReason: HlsSessionEndReason | null;
  /** Requests waiting for the next change: a segment written, an encoder gone, the end. */
  changed: (() => void)[];
  // Decisions (start, move) run one at a time, so a burst of requests after a seek moves the encoder once.
  decisions: Promise<void>;
}

/** A segment request in wait: which segment, and whether a decision (start, move, nothing) was made for it. */
interface Waiter {
  readonly index: number;
  decided: boolean;
}

/** Resolves once the waiter's segment is written; throws when the session ends or `deadline` passes first. */
async function awaitSegment(s: SessionState, waiter: Waiter, deadline: number): Promise<void> {
  const { index } = waiter;
  // The generation this request last decided on. A later request that moved the encoder wins: a player
  // has one position, and the request left behind is usually one it already abandoned (hls.js aborts
  // the download in flight when it seeks), so it must not drag the encoder back.
  let decidedAt: number | null = null;
  while (!s.written.has(index)) {
    if (s.endReason) {
      throw s.endReason === HLS_SESSION_END_REASONS.error
        ? new SessionError('encoder_failed', `the encoder failed twice: ${s.lastFailure}`)
        : new SessionError('session_ended', `session ${s.o.id} ended (${s.endReason})`);
    }
    if (decidedAt === null || decidedAt === s.generation) {
      const decision = s.decisions.then(() => decide(s, index));
      s.decisions = decision.catch(() => undefined);
      await decision;
      decidedAt = s.generation;
      waiter.decided = true;
    }
    if (s.written.has(index) || s.endReason) continue;
    if (!(await nextChange(s, deadline))) {
      throw new SessionError(
        'segment_timeout',
        `segment ${index} was not ready within ${s.o.segmentTimeoutMs} ms`,
      );
    }
  }
}

/** Starts the encoder at `index`, moves it there, or ends the session after a second crash; else nothing. */
async function decide(s: SessionState, index: number): Promise<void> {
  if (s.endReason || s.written.has(index)) return;
  const { current } = s;
  if (current && current.enc.startIndex <= index && index <= current.position + 1 + s.o.lookahead) return;
  if (!current && s.crashes >= 2) {
    await endSession(s, HLS_SESSION_END_REASONS.error);
    return;
  }
  const from = current ? current.position : null;
  if (current) {
    s.current = null;
    await current.enc.stop();
  }
  startEncoder(s, index, from);
}

function startEncoder(s: SessionState, index: number, from: number | null): void {
  const gen = ++s.generation;
  s.current = {
    enc: s.o.startEncoder(index, gen, encoderEvents(s, gen)),
    generation: gen,
    position: index - 1,
  };
  s.o.observer.encoderStarted(index, gen, from);
}

/** What one encoder run reports; reports of a run the session has replaced are dropped. */
function encoderEvents(s: SessionState, gen: number): EncoderEvents {
  // Per run, not per session: a restart after a mid-stream crash that cannot start again is a startup failure.
  let wroteAny = false;
  return {
    segment(i, ms) {
      if (!s.current || s.current.generation !== gen) return;
      wroteAny = true;
      s.written.add(i);
      s.current.position = Math.max(s.current.position, i);
      s.o.observer.segmentWritten(i, ms);
      notify(s);
    },
    firstProgress(ms) {
      if (s.current?.generation === gen) s.o.observer.encoderFirstProgress(gen, ms);
    },
    exit(outcome) {
      if (!s.current || s.current.generation !== gen) return;
      s.current = null;
      if (outcome.reason === 'failed') {
        s.crashes++;
        s.lastFailure = outcome.message;
        s.o.observer.failed(outcome.message, wroteAny ? 'running' : 'startup');
      }
      notify(s);
    },
  };
}

async function endSession(s: SessionState, reason: HlsSessionEndReason): Promise<void> {
  if (s.endReason) return;
  s.endReason = reason;
  const run = s.current;
  s.current = null;
  notify(s);
  if (run) await run.enc.stop();
  s.o.observer.ended(reason);
}

/** True while some request waits for its first decision, or for a segment the running encoder will reach. */
function awaitedAhead(s: SessionState, waiting: ReadonlySet<Waiter>): boolean {
  for (const w of waiting) {
    if (!w.decided || (s.current !== null && w.index >= s.current.enc.startIndex)) return true;
  }
  return false;
}

/** Wakes every request waiting for a change. */
function notify(s: SessionState): void {
  const waiting = s.changed;
  s.changed = [];
  for (const w of waiting) w();
}

/** Resolves true at the next change, false when `deadline` passes first. */
function nextChange(s: SessionState, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - s.now()));
    s.changed.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

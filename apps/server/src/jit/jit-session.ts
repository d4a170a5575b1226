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
  const written = new Set<number>();
  let lastActivity = createdAt;
  let current: { enc: SessionEncoder; generation: number; position: number } | null = null;
  let generation = 0;
  let crashes = 0;
  let lastFailure = '';
  let endReason: HlsSessionEndReason | null = null;
  let changed: (() => void)[] = [];
  // Decisions (start, move) run one at a time, so a burst of requests after a seek moves the encoder once.
  let decisions: Promise<void> = Promise.resolve();

  function notify(): void {
    const waiting = changed;
    changed = [];
    for (const w of waiting) w();
  }

  function nextChange(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - now()));
      changed.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  function start(index: number, from: number | null): void {
    const gen = ++generation;
    // Per run, not per session: a restart after a mid-stream crash that cannot start again is a startup failure.
    let wroteAny = false;
    const events: EncoderEvents = {
      segment(i, ms) {
        if (!current || current.generation !== gen) return;
        wroteAny = true;
        written.add(i);
        current.position = Math.max(current.position, i);
        o.observer.segmentWritten(i, ms);
        notify();
      },
      firstProgress(ms) {
        if (current?.generation === gen) o.observer.encoderFirstProgress(gen, ms);
      },
      exit(outcome) {
        if (!current || current.generation !== gen) return;
        current = null;
        if (outcome.reason === 'failed') {
          crashes++;
          lastFailure = outcome.message;
          o.observer.failed(outcome.message, wroteAny ? 'running' : 'startup');
        }
        notify();
      },
    };
    current = { enc: o.startEncoder(index, gen, events), generation: gen, position: index - 1 };
    o.observer.encoderStarted(index, gen, from);
  }

  async function decide(index: number): Promise<void> {
    if (endReason || written.has(index)) return;
    if (current && current.enc.startIndex <= index && index <= current.position + 1 + o.lookahead) return;
    if (!current && crashes >= 2) {
      await session.end(HLS_SESSION_END_REASONS.error);
      return;
    }
    const from = current ? current.position : null;
    if (current) {
      const old = current;
      current = null;
      await old.enc.stop();
    }
    start(index, from);
  }

  const session: JitSession = {
    id: o.id,
    itemId: o.itemId,
    plan: o.plan,
    createdAt,
    segmentCount: o.segmentCount,
    get endReason() {
      return endReason;
    },
    touch() {
      lastActivity = now();
    },
    idleMs: () => now() - lastActivity,
    async segment(index) {
      if (!Number.isInteger(index) || index < 0 || index >= o.segmentCount) {
        throw new SessionError('segment_not_found', `segment ${index} is outside 0..${o.segmentCount - 1}`);
      }
      const asked = now();
      const deadline = asked + o.segmentTimeoutMs;
      session.touch();
      // The generation this request last decided on. A later request that moved the encoder wins: a player
      // has one position, and the request left behind is usually one it already abandoned (hls.js aborts
      // the download in flight when it seeks), so it must not drag the encoder back.
      let decidedAt: number | null = null;
      while (!written.has(index)) {
        if (endReason) {
          throw endReason === HLS_SESSION_END_REASONS.error
            ? new SessionError('encoder_failed', `the encoder failed twice: ${lastFailure}`)
            : new SessionError('session_ended', `session ${o.id} ended (${endReason})`);
        }
        if (decidedAt === null || decidedAt === generation) {
          const decision = decisions.then(() => decide(index));
          decisions = decision.catch(() => undefined);
          await decision;
          decidedAt = generation;
        }
        if (written.has(index) || endReason) continue;
        if (!(await nextChange(deadline))) {
          throw new SessionError(
            'segment_timeout',
            `segment ${index} was not ready within ${o.segmentTimeoutMs} ms`,
          );
        }
      }
      session.touch();
      o.observer.segmentServed(index, now() - asked);
    },
    encoder: () =>
      current
        ? { startIndex: current.enc.startIndex, position: current.position, generation: current.generation }
        : null,
    written: () => written.size,
    async end(reason) {
      if (endReason) return;
      endReason = reason;
      const enc = current;
      current = null;
      notify();
      if (enc) await enc.enc.stop();
      o.observer.ended(reason);
    },
  };
  return session;
}

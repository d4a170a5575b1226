import type { Meter } from '@opentelemetry/api';
import {
  ATTR_LTI_SCORE_OUTCOME,
  METRIC_LTI_SCORE_DELIVERIES,
  METRIC_LTI_SCORE_PENDING,
  SCORE_OUTCOMES,
  type ScoreOutcome,
} from '@coursecast/semconv';
import { createCounter, createObservableGauge } from '../instrumentation/instruments.js';
import type { CatalogStore } from '../store/index.js';
import { AgsError, type AgsClient } from './ags-client.js';

export interface ScoreOutboxOptions {
  store: Pick<CatalogStore, 'dueScores' | 'settleScore' | 'getLtiPlatform' | 'countScores'>;
  client: AgsClient;
  meter: Meter;
  /** Attempts before a score is given up (and shown as failed to the admin). */
  maxAttempts?: number;
  /** The first retry's delay; doubled per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often due retries are looked for when nothing kicks the outbox. */
  pollMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/** Delivers the queued scores, retrying with back-off. */
export interface ScoreOutbox {
  /** A score was queued: deliver soon. */
  kick(): void;
  /** One delivery round now (tests, and the timer); resolves when it is done. */
  drain(): Promise<void>;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/** Scores handled per round: a long outage's backlog drains in bounded steps. */
const BATCH = 20;

/**
 * The score outbox's delivery: each round takes the due scores (oldest first), posts each to its platform, and
 * settles it: sent, tried again after a doubling delay (5xx, 401, timeouts, an unreachable platform), or given
 * up after `maxAttempts` (or at once when its platform was removed). A round never overlaps another; a failing
 * platform slows only its own scores. Counted by outcome (`coursecast.lti.score.deliveries`).
 */
export function createScoreOutbox(o: ScoreOutboxOptions): ScoreOutbox {
  const now = o.now ?? (() => Date.now());
  const maxAttempts = o.maxAttempts ?? 10;
  const baseDelayMs = o.baseDelayMs ?? 30_000;
  const maxDelayMs = o.maxDelayMs ?? 3600_000;
  const deliveries = createCounter(o.meter, METRIC_LTI_SCORE_DELIVERIES);
  let pending = 0;
  createObservableGauge(o.meter, METRIC_LTI_SCORE_PENDING).addCallback((r) => r.observe(pending));
  const count = (outcome: ScoreOutcome) => deliveries.add(1, { [ATTR_LTI_SCORE_OUTCOME]: outcome });
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let soon: NodeJS.Timeout | null = null;

  async function round(): Promise<void> {
    const due = await o.store.dueScores(new Date(now()).toISOString(), BATCH);
    for (const score of due) {
      const platform = await o.store.getLtiPlatform(score.platformId);
      if (!platform) {
        await o.store.settleScore(score.id, {
          state: 'failed',
          error: 'its platform is no longer registered',
        });
        count(SCORE_OUTCOMES.failed);
        continue;
      }
      try {
        await o.client.postScore(platform, score);
        await o.store.settleScore(score.id, { state: 'sent' });
        count(SCORE_OUTCOMES.sent);
      } catch (err) {
        const error = err instanceof AgsError ? err.message : `unexpected: ${String(err)}`;
        const attempts = score.attempts + 1;
        if (attempts >= maxAttempts) {
          await o.store.settleScore(score.id, { state: 'failed', error });
          count(SCORE_OUTCOMES.failed);
          o.log?.(`score ${score.id} given up after ${attempts} attempts: ${error}`);
        } else {
          const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
          const nextAttemptAt = new Date(now() + delay).toISOString();
          await o.store.settleScore(score.id, { state: 'pending', nextAttemptAt, error });
          count(SCORE_OUTCOMES.retried);
        }
      }
    }
    pending = await o.store.countScores('pending');
    // A full batch: there may be more due at once.
    if (due.length === BATCH) again = true;
  }

  function drain(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (err) {
          o.log?.(`score outbox round failed: ${String(err)}`);
        }
      } while (again && !stopped);
    })().finally(() => (running = null));
    return running;
  }

  const timer = setInterval(() => void drain(), o.pollMs ?? 15_000);
  timer.unref();
  return {
    kick() {
      if (stopped || soon) return;
      soon = setTimeout(() => {
        soon = null;
        void drain();
      }, 50);
      soon.unref();
    },
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (soon) clearTimeout(soon);
      await running;
    },
  };
}

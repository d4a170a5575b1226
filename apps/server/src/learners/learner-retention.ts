import type { CatalogStore } from '../store/index.js';

export interface LearnerRetentionOptions {
  store: Pick<CatalogStore, 'purgeLearnerData'>;
  /** Learner data untouched for this many days goes. */
  days: number;
  log: (message: string) => void;
  now?: () => number;
  /** How often it looks (default daily). */
  everyMs?: number;
}

/** The sweep of old learner data: once soon after start, then every `everyMs`. */
export interface LearnerRetention {
  /** One sweep now; what went. */
  sweep(): Promise<{ progress: number; attempts: number; scores: number; learners: number }>;
  stop(): void;
}

/** Deletes learner data past its retention (personal data is kept only as long as the operator says). */
export function startLearnerRetention(o: LearnerRetentionOptions): LearnerRetention {
  const now = o.now ?? (() => Date.now());
  const sweep = async () => {
    const before = new Date(now() - o.days * 86_400_000).toISOString();
    const removed = await o.store.purgeLearnerData(before);
    const total = removed.progress + removed.attempts + removed.scores + removed.learners;
    if (total > 0) o.log(`learner data older than ${o.days} days removed: ${JSON.stringify(removed)}`);
    return removed;
  };
  const run = () =>
    void sweep().catch((err: unknown) => o.log(`learner data retention failed: ${String(err)}`));
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, o.everyMs ?? 86_400_000);
  first.unref();
  timer.unref();
  return {
    sweep,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

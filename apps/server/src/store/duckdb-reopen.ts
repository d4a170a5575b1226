import type { StoreHealth } from './store-health.js';

/** How reopen attempts after a fatal error are spaced: doubling from the first delay, capped. */
export interface ReopenPolicy {
  firstDelayMs: number;
  /**
   * The longest wait between two attempts, so a store comes back at most this long after space does. An
   * attempt costs one open of the file (and a replay of its WAL), so retrying forever at this pace is cheap.
   */
  maxDelayMs: number;
}

/** 250 ms, 500 ms, 1 s ... then every 5 s. */
export const DEFAULT_REOPEN_POLICY: ReopenPolicy = { firstDelayMs: 250, maxDelayMs: 5000 };

/** What createReopener needs. */
export interface ReopenerOptions {
  /** False for a database that a reopen would lose (in memory): it stays failed. */
  canReopen: boolean;
  policy?: Partial<ReopenPolicy> | undefined;
  /** Closes the failed instance and opens the file again; rejects when this attempt failed. */
  reopen(): Promise<void>;
}

/** The failure state of one database and the timer that retries its reopen. */
export interface Reopener {
  /** Records a fatal error (the first one of an outage is kept) and schedules reopen attempts. */
  fail(error: string): void;
  /** True from a fatal error until a reopen succeeds. */
  failed(): boolean;
  health(): StoreHealth;
  onHealthChange(listener: (health: StoreHealth) => void): () => void;
  /** No more attempts (the database is closing). */
  stop(): void;
}

/** A reopener: bounded backoff between attempts, retried until one succeeds or it is stopped. */
export function createReopener(o: ReopenerOptions): Reopener {
  const policy: ReopenPolicy = { ...DEFAULT_REOPEN_POLICY, ...o.policy };
  const listeners = new Set<(health: StoreHealth) => void>();
  let failure: { error: string; since: string } | null = null;
  let failedAttempts = 0;
  let lastAttemptError: string | null = null;
  let reopens = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function health(): StoreHealth {
    return {
      state: failure ? 'reopening' : 'open',
      error: failure?.error ?? null,
      since: failure?.since ?? null,
      failedAttempts,
      lastAttemptError,
      reopens,
    };
  }

  function notify(): void {
    const h = health();
    for (const listener of listeners) {
      try {
        listener(h);
      } catch {
        // A listener (a log line) must not stop the recovery.
      }
    }
  }

  function schedule(): void {
    const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** failedAttempts);
    timer = setTimeout(() => void attempt(), delay);
    // A store waiting for disk space never keeps a stopping process alive.
    timer.unref();
  }

  async function attempt(): Promise<void> {
    timer = null;
    if (stopped || !failure) return;
    try {
      await o.reopen();
    } catch (err) {
      failedAttempts += 1;
      lastAttemptError = err instanceof Error ? err.message : String(err);
      if (!stopped) schedule();
      return;
    }
    if (stopped) return;
    failure = null;
    failedAttempts = 0;
    lastAttemptError = null;
    reopens += 1;
    notify();
  }

  return {
    fail(error) {
      if (failure || stopped) return;
      failure = { error, since: new Date().toISOString() };
      notify();
      if (o.canReopen) schedule();
    },
    failed: () => failure !== null,
    health,
    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

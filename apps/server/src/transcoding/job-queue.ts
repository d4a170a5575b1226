import { JOB_STATES, type JobState } from '@coursecast/semconv';
import type { CatalogStore, Job } from '../store/index.js';
import {
  cancelQueuedJob,
  markItemFailed,
  publishJob,
  runAttempt,
  type AttemptDeps,
  type RunningJob,
} from './job-attempt.js';
import type { JobEventBus } from './job-events.js';
import type { JobCountsSource } from './transcode-instruments.js';

/** Live progress a running job reports; persisted at most once per `persistIntervalMs`. */
export interface JobProgress {
  percent: number;
  speed: number | null;
  etaSeconds: number | null;
  rungs?: { name: string; segments: number; mediaSeconds: number }[];
}

/** What a runner gets for one attempt of one job. */
export interface JobContext {
  readonly job: Job;
  readonly signal: AbortSignal;
  progress(p: JobProgress): void;
}

/** Runs one attempt; throws to fail it (see job-failure.ts for how a throw is classified). */
export type JobRunner = (ctx: JobContext) => Promise<void>;

/** Minimal logger shape (pino-compatible) so the queue does not depend on Fastify. */
export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobQueueDeps {
  store: CatalogStore;
  run: JobRunner;
  events: JobEventBus;
  logger: QueueLogger;
  concurrency: number;
  /** First retry delay in seconds; doubles with each attempt. */
  retryBaseSeconds: number;
  pollIntervalMs?: number;
  persistIntervalMs?: number;
  now?: () => Date;
}

/** The in-process job queue (the embedded default): persisted jobs, a concurrency cap, retries. */
export interface JobQueue extends JobCountsSource {
  /** Re-queues jobs a previous process left running, then starts taking jobs. */
  start(): Promise<void>;
  /** Wakes the queue after a job was enqueued. */
  notify(): void;
  /** Cancels a queued or running job; resolves once a running attempt has stopped. */
  cancel(jobId: string, reason?: string): Promise<Job | null>;
  /** Stops taking jobs, waits up to graceMs for running ones, then cancels and re-queues them. */
  shutdown(graceMs: number): Promise<void>;
  /** Ids of the jobs running in this process. */
  running(): string[];
}

/** Creates the queue; call start() to begin. */
export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { store, logger } = deps;
  const attempt: AttemptDeps = {
    store,
    run: deps.run,
    events: deps.events,
    logger,
    retryBaseSeconds: deps.retryBaseSeconds,
    persistEveryMs: deps.persistIntervalMs ?? 1000,
    now: deps.now ?? (() => new Date()),
  };
  const { now } = attempt;
  const active = new Map<string, RunningJob>();
  let counts = Object.fromEntries(Object.values(JOB_STATES).map((s) => [s, 0])) as Record<JobState, number>;
  // Nothing is taken before start(): an instance may serve the API without running jobs (tests, tooling).
  let started = false;
  let stopping = false;
  let pumping = false;
  let pumpAgain = false;
  let timer: NodeJS.Timeout | null = null;

  async function refreshCounts(): Promise<void> {
    try {
      counts = await store.countJobsByState();
    } catch (err) {
      logger.warn({ err }, 'could not refresh job counts');
    }
  }

  async function pump(): Promise<void> {
    if (!started) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (!stopping && active.size < deps.concurrency) {
          const job = await store.claimNextJob(now());
          if (!job) break;
          launch(job);
        }
      } while (pumpAgain && !stopping);
    } catch (err) {
      logger.error({ err }, 'job queue could not claim a job');
    } finally {
      pumping = false;
    }
  }

  function launch(job: Job): void {
    const controller = new AbortController();
    const entry: RunningJob = { controller, done: Promise.resolve(), abortReason: null, cancelMessage: '' };
    active.set(job.id, entry);
    entry.done = runAttempt(attempt, job, entry)
      .catch((err: unknown) => logger.error({ err, jobId: job.id }, 'could not record the outcome of a job'))
      .finally(() => {
        active.delete(job.id);
        void refreshCounts().then(() => (stopping ? undefined : pump()));
      });
    void refreshCounts();
    void publishJob(attempt, job.id);
  }

  return {
    async start() {
      const { requeued, failed } = await store.requeueInterruptedJobs();
      for (const job of requeued)
        logger.warn(
          { jobId: job.id, interruptions: job.interruptions },
          'job interrupted by a restart; re-queued',
        );
      for (const job of failed) {
        logger.error({ jobId: job.id, interruptions: job.interruptions }, job.error ?? 'job interrupted');
        await markItemFailed(store, job.itemId, job.error);
        void publishJob(attempt, job.id);
      }
      await refreshCounts();
      started = true;
      timer = setInterval(() => void pump(), deps.pollIntervalMs ?? 1000);
      timer.unref();
      await pump();
    },
    notify() {
      void refreshCounts();
      void pump();
    },
    async cancel(jobId, reason = 'transcode cancelled') {
      const entry = active.get(jobId);
      if (entry) {
        entry.abortReason = 'cancel';
        entry.cancelMessage = reason;
        entry.controller.abort();
        await entry.done;
        return store.getJob(jobId);
      }
      const job = await store.getJob(jobId);
      if (!job || job.state !== JOB_STATES.queued) return job;
      const updated = await cancelQueuedJob(attempt, job, reason);
      await refreshCounts();
      await publishJob(attempt, jobId);
      return updated;
    },
    async shutdown(graceMs) {
      stopping = true;
      if (timer) clearInterval(timer);
      await drainOrInterrupt(active, graceMs);
    },
    running: () => [...active.keys()],
    counts: () => counts,
    queueDepth: () => counts.queued,
  };
}

/** Waits up to graceMs for the running attempts, then aborts the rest for re-queueing and waits for them. */
async function drainOrInterrupt(active: Map<string, RunningJob>, graceMs: number): Promise<void> {
  const all = [...active.values()];
  const drained = Promise.all(all.map((e) => e.done));
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    graceTimer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([drained.then(() => 'drained' as const), graceOver]);
  clearTimeout(graceTimer);
  if (outcome === 'timeout') {
    for (const e of active.values()) {
      e.abortReason = 'shutdown';
      e.controller.abort();
    }
    await Promise.all([...active.values()].map((e) => e.done));
  }
}

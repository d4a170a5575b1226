import { JOB_STATES, TRANSCODE_ERROR_TYPES, type JobState } from '@coursecast/semconv';
import type { CatalogStore, Job } from '../store/index.js';
import type { JobEventBus } from './job-events.js';
import { classifyJobFailure } from './job-failure.js';
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

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
  /** Why the attempt was aborted: by an admin (cancel) or by shutdown (re-queue). */
  abortReason: 'cancel' | 'shutdown' | null;
  cancelMessage: string;
}

/** Creates the queue; call start() to begin. */
export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const persistEvery = deps.persistIntervalMs ?? 1000;
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

  async function publish(jobId: string, rungs?: JobProgress['rungs']): Promise<void> {
    const job = await store.getJob(jobId);
    if (job) deps.events.publish(rungs ? { job, rungs } : { job });
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
    entry.done = runAttempt(job, entry)
      .catch((err: unknown) => logger.error({ err, jobId: job.id }, 'could not record the outcome of a job'))
      .finally(() => {
        active.delete(job.id);
        void refreshCounts().then(() => (stopping ? undefined : pump()));
      });
    void refreshCounts();
    void publish(job.id);
  }

  async function runAttempt(job: Job, entry: RunningJob): Promise<void> {
    logger.info({ jobId: job.id, itemId: job.itemId, attempt: job.attempts }, 'job started');
    let lastPersist = 0;
    let persisting = false;
    const ctx: JobContext = {
      job,
      signal: entry.controller.signal,
      progress(p) {
        const t = Date.now();
        deps.events.publish({
          job: { ...job, progress: p.percent, speed: p.speed, etaSeconds: p.etaSeconds },
          ...(p.rungs ? { rungs: p.rungs } : {}),
        });
        if (persisting || t - lastPersist < persistEvery) return;
        lastPersist = t;
        persisting = true;
        store
          .updateJob(job.id, { progress: p.percent, speed: p.speed, etaSeconds: p.etaSeconds })
          .catch((err: unknown) => logger.warn({ err, jobId: job.id }, 'could not persist job progress'))
          .finally(() => (persisting = false));
      },
    };
    try {
      await deps.run(ctx);
      logger.info({ jobId: job.id }, 'job succeeded');
    } catch (err) {
      await settleFailure(job, entry, err);
    }
    await publish(job.id);
  }

  async function settleFailure(job: Job, entry: RunningJob, err: unknown): Promise<void> {
    const failure = classifyJobFailure(err);
    const finishedAt = now().toISOString();
    if (entry.abortReason === 'shutdown') {
      logger.warn({ jobId: job.id }, 'job interrupted by shutdown; re-queued');
      await store.updateJob(job.id, { state: JOB_STATES.queued, runAfter: finishedAt, progress: 0 });
      return;
    }
    if (entry.abortReason === 'cancel') {
      await store.updateJob(job.id, {
        state: JOB_STATES.cancelled,
        error: entry.cancelMessage,
        errorType: TRANSCODE_ERROR_TYPES.cancelled,
        finishedAt,
      });
      await markItemFailed(job.itemId, entry.cancelMessage);
      return;
    }
    if (failure.transient && job.attempts < job.maxAttempts) {
      const delayMs = deps.retryBaseSeconds * 1000 * 2 ** (job.attempts - 1);
      const runAfter = new Date(now().getTime() + delayMs).toISOString();
      logger.warn(
        { jobId: job.id, attempt: job.attempts, error: failure.message, runAfter },
        'job will retry',
      );
      await store.updateJob(job.id, {
        state: JOB_STATES.queued,
        error: failure.message,
        errorType: failure.type,
        runAfter,
        progress: 0,
        speed: null,
        etaSeconds: null,
      });
      return;
    }
    logger.error({ jobId: job.id, attempt: job.attempts, error: failure.message }, 'job failed');
    // The item first: whoever sees the job failed (a poller, an SSE client) then finds the item failed too.
    await markItemFailed(job.itemId, failure.message);
    await store.updateJob(job.id, {
      state: JOB_STATES.failed,
      error: failure.message,
      errorType: failure.type,
      finishedAt,
      etaSeconds: null,
    });
  }

  /**
   * A failed first transcode fails the item; a failed re-transcode keeps the published version playing
   * and only records why the new one did not come.
   */
  async function markItemFailed(itemId: string, error: string | null): Promise<void> {
    const item = await store.getItem(itemId);
    if (item?.mediaVersion) await store.updateItem(itemId, { error });
    else await store.updateItem(itemId, { status: 'failed', error });
  }

  return {
    async start() {
      const interrupted = await store.requeueInterruptedJobs();
      for (const job of interrupted)
        logger.warn({ jobId: job.id }, 'job interrupted by a restart; re-queued');
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
      const updated = await store.updateJob(jobId, {
        state: JOB_STATES.cancelled,
        error: reason,
        errorType: TRANSCODE_ERROR_TYPES.cancelled,
        finishedAt: now().toISOString(),
      });
      await markItemFailed(job.itemId, reason);
      await refreshCounts();
      await publish(jobId);
      return updated;
    },
    async shutdown(graceMs) {
      stopping = true;
      if (timer) clearInterval(timer);
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
    },
    running: () => [...active.keys()],
    counts: () => counts,
    queueDepth: () => counts.queued,
  };
}

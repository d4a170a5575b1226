import { JOB_STATES, TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import type { CatalogStore, Job } from '../store/index.js';
import type { JobEventBus } from './job-events.js';
import { classifyJobFailure } from './job-failure.js';
import type { JobContext, JobProgress, JobRunner, QueueLogger } from './job-queue.js';

/** What one attempt of a job reads: the queue's parts, never its state. */
export interface AttemptDeps {
  store: CatalogStore;
  run: JobRunner;
  events: JobEventBus;
  logger: QueueLogger;
  /** First retry delay in seconds; doubles with each attempt. */
  retryBaseSeconds: number;
  /** Progress is persisted at most this often. */
  persistEveryMs: number;
  now: () => Date;
}

/** One running attempt as the queue tracks it. */
export interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
  /** Why the attempt was aborted: by an admin (cancel) or by shutdown (re-queue). */
  abortReason: 'cancel' | 'shutdown' | null;
  cancelMessage: string;
}

/** Runs one attempt of a claimed job and records how it ended (succeeded, re-queued, retried, failed). */
export async function runAttempt(deps: AttemptDeps, job: Job, entry: RunningJob): Promise<void> {
  deps.logger.info({ jobId: job.id, itemId: job.itemId, attempt: job.attempts }, 'job started');
  try {
    await deps.run(attemptContext(deps, job, entry.controller.signal));
    deps.logger.info({ jobId: job.id }, 'job succeeded');
  } catch (err) {
    await settleFailure(deps, job, entry, err);
  }
  await publishJob(deps, job.id);
}

/** Publishes the job as stored (with live rung progress when given) to its subscribers. */
export async function publishJob(
  deps: Pick<AttemptDeps, 'store' | 'events'>,
  jobId: string,
  rungs?: JobProgress['rungs'],
): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (job) deps.events.publish(rungs ? { job, rungs } : { job });
}

/** Cancels a job found queued (not running): the job cancelled, its item failed as a failed attempt would. */
export async function cancelQueuedJob(deps: AttemptDeps, job: Job, reason: string): Promise<Job | null> {
  const updated = await deps.store.updateJob(job.id, {
    state: JOB_STATES.cancelled,
    error: reason,
    errorType: TRANSCODE_ERROR_TYPES.cancelled,
    finishedAt: deps.now().toISOString(),
  });
  await markItemFailed(deps.store, job.itemId, reason);
  return updated;
}

/** The runner's view of an attempt: every progress report is published, and persisted now and then. */
function attemptContext(deps: AttemptDeps, job: Job, signal: AbortSignal): JobContext {
  const { store, logger } = deps;
  let lastPersist = 0;
  let persisting = false;
  return {
    job,
    signal,
    progress(p) {
      const t = Date.now();
      deps.events.publish({
        job: { ...job, progress: p.percent, speed: p.speed, etaSeconds: p.etaSeconds },
        ...(p.rungs ? { rungs: p.rungs } : {}),
      });
      if (persisting || t - lastPersist < deps.persistEveryMs) return;
      lastPersist = t;
      persisting = true;
      store
        .updateJob(job.id, { progress: p.percent, speed: p.speed, etaSeconds: p.etaSeconds })
        .catch((err: unknown) => logger.warn({ err, jobId: job.id }, 'could not persist job progress'))
        .finally(() => (persisting = false));
    },
  };
}

/** Records a failed attempt: re-queued on shutdown, cancelled, retried later, or failed for good. */
async function settleFailure(deps: AttemptDeps, job: Job, entry: RunningJob, err: unknown): Promise<void> {
  const { store, logger } = deps;
  const failure = classifyJobFailure(err);
  const finishedAt = deps.now().toISOString();
  if (entry.abortReason === 'shutdown') {
    logger.warn({ jobId: job.id }, 'job interrupted by shutdown; re-queued');
    // An orderly shutdown is not the job's doing: its attempt is given back (a crash's is not, see start-up).
    await store.updateJob(job.id, {
      state: JOB_STATES.queued,
      runAfter: finishedAt,
      progress: 0,
      attempts: Math.max(0, job.attempts - 1),
    });
    return;
  }
  if (entry.abortReason === 'cancel') {
    await store.updateJob(job.id, {
      state: JOB_STATES.cancelled,
      error: entry.cancelMessage,
      errorType: TRANSCODE_ERROR_TYPES.cancelled,
      finishedAt,
    });
    await markItemFailed(store, job.itemId, entry.cancelMessage);
    return;
  }
  if (failure.transient && job.attempts < job.maxAttempts) {
    const delayMs = deps.retryBaseSeconds * 1000 * 2 ** (job.attempts - 1);
    const runAfter = new Date(deps.now().getTime() + delayMs).toISOString();
    logger.warn({ jobId: job.id, attempt: job.attempts, error: failure.message, runAfter }, 'job will retry');
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
  await markItemFailed(store, job.itemId, failure.message);
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
export async function markItemFailed(
  store: CatalogStore,
  itemId: string,
  error: string | null,
): Promise<void> {
  const item = await store.getItem(itemId);
  if (item?.mediaVersion) await store.updateItem(itemId, { error });
  else await store.updateItem(itemId, { status: 'failed', error });
}

import type { CatalogStore, Job } from '../src/store/index.js';

/** Polls a job until it reaches a terminal state (or `until` says so). */
export async function waitForJob(
  store: CatalogStore,
  jobId: string,
  until: (job: Job) => boolean = (j) => ['succeeded', 'failed', 'cancelled'].includes(j.state),
  timeoutMs = 60_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await store.getJob(jobId);
    if (job && until(job)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${job?.state ?? 'missing'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `probe` until it returns a value (not undefined/null/false), or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { JOB_STATES } from '@coursecast/semconv';
import { describe, expect, it } from 'vitest';
import { useCatalogStore, T0, at, addItemWithJob } from '../../test-support/catalog-store-kit.js';

const ctx = useCatalogStore();

describe('jobs', () => {
  it('lists newest first, filtered and limited', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    ctx.clock += 1;
    await addItemWithJob(ctx.store, 'itm_2', 'job_2');
    ctx.clock += 1;
    await addItemWithJob(ctx.store, 'itm_3', 'job_3');
    await ctx.store.updateJob('job_2', { state: 'failed' });

    expect((await ctx.store.listJobs()).map((j) => j.id)).toEqual(['job_3', 'job_2', 'job_1']);
    expect((await ctx.store.listJobs({ state: 'queued' })).map((j) => j.id)).toEqual(['job_3', 'job_1']);
    expect((await ctx.store.listJobs({ itemId: 'itm_2' })).map((j) => j.id)).toEqual(['job_2']);
    expect((await ctx.store.listJobs({ state: 'queued', itemId: 'itm_2' })).map((j) => j.id)).toEqual([]);
    expect((await ctx.store.listJobs({ limit: 2 })).map((j) => j.id)).toEqual(['job_3', 'job_2']);
    await expect(ctx.store.listJobs({ limit: 0 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(ctx.store.listJobs({ limit: 1.5 })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('queues a re-transcode job only for an existing item with no job under way', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    await expect(ctx.store.createJob({ id: 'job_2', itemId: 'itm_1', maxAttempts: 3 })).rejects.toMatchObject(
      {
        code: 'conflict',
        message: 'item itm_1 already has job job_1 queued or running',
      },
    );
    await ctx.store.updateJob('job_1', { state: 'succeeded' });
    await expect(ctx.store.createJob({ id: 'job_1', itemId: 'itm_1', maxAttempts: 3 })).rejects.toMatchObject(
      {
        code: 'conflict',
        message: 'job job_1 already exists',
      },
    );
    await expect(
      ctx.store.createJob({ id: 'job_9', itemId: 'itm_nope', maxAttempts: 3 }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const job = await ctx.store.createJob({ id: 'job_2', itemId: 'itm_1', maxAttempts: 3 });
    expect(job).toMatchObject({ id: 'job_2', itemId: 'itm_1', state: 'queued', attempts: 0 });
    expect((await ctx.store.listJobs({ itemId: 'itm_1' })).map((j) => j.id).sort()).toEqual([
      'job_1',
      'job_2',
    ]);
  });

  it('patches jobs, clamping progress and validating timestamps', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    ctx.clock += 2000;
    const job = await ctx.store.updateJob('job_1', {
      progress: 100.4,
      speed: 1.42,
      etaSeconds: 0,
      error: 'transient',
      errorType: 'ffmpeg_exit',
      runAfter: at(5000),
      startedAt: at(1000),
      finishedAt: null,
    });
    expect(job).toMatchObject({
      progress: 100,
      speed: 1.42,
      etaSeconds: 0,
      error: 'transient',
      errorType: 'ffmpeg_exit',
      runAfter: at(5000),
      startedAt: at(1000),
      finishedAt: null,
      updatedAt: at(2000),
    });
    expect((await ctx.store.updateJob('job_1', { progress: -3 }))?.progress).toBe(0);
    await expect(ctx.store.updateJob('job_1', { runAfter: 'yesterday' })).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(ctx.store.updateJob('job_1', { speed: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(await ctx.store.updateJob('job_nope', { progress: 1 })).toBeNull();
  });

  it('accepts every job state semconv defines', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    for (const state of Object.values(JOB_STATES)) {
      expect((await ctx.store.updateJob('job_1', { state }))?.state).toBe(state);
    }
  });

  it('claims the oldest due job, honouring runAfter', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    ctx.clock += 1;
    await addItemWithJob(ctx.store, 'itm_2', 'job_2');
    ctx.clock += 1;
    await addItemWithJob(ctx.store, 'itm_3', 'job_3');
    await ctx.store.updateJob('job_1', { runAfter: at(10_000), error: 'previous attempt', errorType: 'x' });

    const first = await ctx.store.claimNextJob(new Date(T0 + 5));
    expect(first).toMatchObject({
      id: 'job_2',
      state: 'running',
      attempts: 1,
      startedAt: at(5),
    });
    expect((await ctx.store.claimNextJob(new Date(T0 + 5)))?.id).toBe('job_3');
    expect(await ctx.store.claimNextJob(new Date(T0 + 5))).toBeNull();
    const retried = await ctx.store.claimNextJob(new Date(T0 + 10_000));
    expect(retried).toMatchObject({ id: 'job_1', attempts: 1, error: null, errorType: null });
    expect(await ctx.store.claimNextJob(new Date(T0 + 20_000))).toBeNull();
  });

  it('never hands one job to two concurrent claims', async () => {
    for (const n of [1, 2, 3]) await addItemWithJob(ctx.store, `itm_${n}`, `job_${n}`);
    const claims = await Promise.all(Array.from({ length: 10 }, () => ctx.store.claimNextJob()));
    const ids = claims.flatMap((j) => (j ? [j.id] : []));
    expect(ids.sort()).toEqual(['job_1', 'job_2', 'job_3']);
    const jobs = await ctx.store.listJobs();
    expect(jobs.every((j) => j.state === 'running' && j.attempts === 1)).toBe(true);
  });

  it('re-queues interrupted jobs at start-up', async () => {
    for (const n of [1, 2, 3]) await addItemWithJob(ctx.store, `itm_${n}`, `job_${n}`);
    await ctx.store.claimNextJob();
    await ctx.store.claimNextJob();
    await ctx.store.updateJob('job_1', { progress: 40, speed: 2, etaSeconds: 30 });
    ctx.clock += 7000;

    const { requeued, failed } = await ctx.store.requeueInterruptedJobs();
    expect(failed).toEqual([]);
    expect(requeued.map((j) => j.id)).toEqual(['job_1', 'job_2']);
    expect(requeued[0]).toMatchObject({
      state: 'queued',
      runAfter: at(7000),
      attempts: 1,
      interruptions: 1,
      progress: 0,
      speed: null,
      etaSeconds: null,
    });
    expect((await ctx.store.getJob('job_3'))?.runAfter).toBe(at(0));
    expect(await ctx.store.requeueInterruptedJobs()).toEqual({ requeued: [], failed: [] });
  });

  it('fails a job whose every attempt a crash cut short, instead of running it again', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    // Three starts, each crashing with the job running (maxAttempts 3).
    for (let crash = 1; crash <= 3; crash++) {
      expect((await ctx.store.claimNextJob())?.attempts).toBe(crash);
      const { requeued, failed } = await ctx.store.requeueInterruptedJobs();
      if (crash < 3) {
        expect(requeued.map((j) => [j.id, j.interruptions])).toEqual([['job_1', crash]]);
        expect(failed).toEqual([]);
      } else {
        expect(requeued).toEqual([]);
        expect(failed).toEqual([
          expect.objectContaining({
            id: 'job_1',
            state: 'failed',
            attempts: 3,
            interruptions: 3,
            errorType: 'interrupted',
            error: 'interrupted 3 time(s) by a restart of the server; its 3 attempt(s) are spent',
          }),
        ]);
      }
    }
    expect(await ctx.store.claimNextJob()).toBeNull();
  });

  it('counts jobs by state, zeros included', async () => {
    expect(await ctx.store.countJobsByState()).toEqual({
      queued: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
    });
    for (const n of [1, 2, 3, 4]) await addItemWithJob(ctx.store, `itm_${n}`, `job_${n}`);
    await ctx.store.claimNextJob();
    await ctx.store.updateJob('job_4', { state: 'cancelled' });
    expect(await ctx.store.countJobsByState()).toEqual({
      queued: 2,
      running: 1,
      succeeded: 0,
      failed: 0,
      cancelled: 1,
    });
  });
});

describe('close', () => {
  it('finishes calls made before close and rejects calls after it', async () => {
    const pending = ctx.store.createCourse({ id: 'crs_late', title: 'Late', description: '' });
    const closing = ctx.store.close();
    await expect(pending).resolves.toMatchObject({ id: 'crs_late' });
    await closing;
    await expect(ctx.store.getCourse('crs_a')).rejects.toMatchObject({ name: 'StoreError', code: 'closed' });
    await expect(ctx.store.claimNextJob()).rejects.toMatchObject({ code: 'closed' });
    await expect(addItemWithJob(ctx.store, 'itm_1', 'job_1')).rejects.toMatchObject({ code: 'closed' });
    await ctx.store.close(); // idempotent, and afterEach closes again
  });
});

import { JOB_STATES } from '@coursecast/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogStore, NewItem, Rendition } from './catalog-store.js';
import { openDuckDbCatalogStore } from './duckdb-catalog-store.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
let clock = T0;
let store: CatalogStore;

function at(msAfterT0: number): string {
  return new Date(T0 + msAfterT0).toISOString();
}

function newItem(id: string, courseId = 'crs_a'): NewItem {
  return {
    id,
    courseId,
    kind: 'video',
    title: `Lecture ${id}`,
    sourceFile: `uploads/${id}.mp4`,
    sourceBytes: 5_000_000_000, // beyond 32 bits
    sourceInfo: { format: { name: 'mp4', tags: ['a', 'b'] }, streams: [{ codec: 'h264', width: 1920 }] },
    durationSeconds: 612.5,
  };
}

function rendition(itemId: string, name: string, height: number, bitrate = height * 1000): Rendition {
  return {
    itemId,
    name,
    width: Math.round((height * 16) / 9),
    height,
    averageBitrate: bitrate,
    peakBitrate: bitrate * 1.5,
    codecs: 'avc1.64001f,mp4a.40.2',
    mode: 'encode',
    playlist: `${name}/index.m3u8`,
    segmentCount: 12,
    bytes: 3_000_000_000,
  };
}

async function addItemWithJob(itemId: string, jobId: string, courseId = 'crs_a') {
  return store.createItemWithJob(newItem(itemId, courseId), { id: jobId, itemId, maxAttempts: 3 });
}

beforeEach(async () => {
  clock = T0;
  store = await openDuckDbCatalogStore({ path: ':memory:', now: () => new Date(clock) });
  await store.createCourse({ id: 'crs_a', title: 'Course A', description: 'First' });
});

afterEach(async () => {
  await store.close();
});

describe('courses', () => {
  it('creates, gets and lists newest first', async () => {
    clock += 1000;
    const b = await store.createCourse({ id: 'crs_b', title: 'Course B', description: '' });
    const c = await store.createCourse({ id: 'crs_c', title: 'Course C', description: 'same ms as B' });
    expect(b).toEqual({ id: 'crs_b', title: 'Course B', description: '', createdAt: at(1000) });
    expect(await store.getCourse('crs_b')).toEqual(b);
    expect(await store.getCourse('crs_missing')).toBeNull();
    expect((await store.listCourses()).map((x) => x.id)).toEqual([c.id, b.id, 'crs_a']);
  });

  it('rejects a duplicate id with conflict', async () => {
    await expect(store.createCourse({ id: 'crs_a', title: 'again', description: '' })).rejects.toMatchObject({
      name: 'StoreError',
      code: 'conflict',
      message: expect.stringContaining('crs_a') as unknown,
    });
  });
});

describe('items', () => {
  it('creates an item with its queued job in one call', async () => {
    const { item, job } = await addItemWithJob('itm_1', 'job_1');
    expect(item).toEqual({
      ...newItem('itm_1'),
      status: 'processing',
      posterFile: null,
      error: null,
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(job).toEqual({
      id: 'job_1',
      itemId: 'itm_1',
      kind: 'transcode',
      state: 'queued',
      progress: 0,
      speed: null,
      etaSeconds: null,
      attempts: 0,
      maxAttempts: 3,
      error: null,
      errorType: null,
      runAfter: at(0),
      createdAt: at(0),
      startedAt: null,
      finishedAt: null,
      updatedAt: at(0),
    });
    expect(await store.getItem('itm_1')).toEqual(item);
    expect(await store.getJob('job_1')).toEqual(job);
  });

  it('keeps null source fields null', async () => {
    const bare = { ...newItem('itm_doc'), kind: 'document' as const, sourceFile: null, sourceBytes: null };
    const { item } = await store.createItemWithJob(
      { ...bare, sourceInfo: null, durationSeconds: null },
      { id: 'job_doc', itemId: 'itm_doc', maxAttempts: 1 },
    );
    expect(item).toMatchObject({
      sourceFile: null,
      sourceBytes: null,
      sourceInfo: null,
      durationSeconds: null,
    });
  });

  it('writes nothing when the course is missing', async () => {
    await expect(addItemWithJob('itm_x', 'job_x', 'crs_nope')).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.getItem('itm_x')).toBeNull();
    expect(await store.getJob('job_x')).toBeNull();
    expect(await store.listJobs()).toEqual([]);
  });

  it('rolls the item back when the job cannot be written', async () => {
    await addItemWithJob('itm_1', 'job_1');
    await expect(addItemWithJob('itm_2', 'job_1')).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.getItem('itm_2')).toBeNull();
    expect((await store.listItems('crs_a')).map((i) => i.id)).toEqual(['itm_1']);
  });

  it('rejects a job for another item, and bad values, as invalid', async () => {
    await expect(
      store.createItemWithJob(newItem('itm_1'), { id: 'job_1', itemId: 'itm_other', maxAttempts: 3 }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      store.createItemWithJob(
        { ...newItem('itm_1'), durationSeconds: Number.NaN },
        {
          id: 'job_1',
          itemId: 'itm_1',
          maxAttempts: 3,
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      store.createItemWithJob(newItem('itm_1'), { id: 'job_1', itemId: 'itm_1', maxAttempts: 0 }),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect(await store.getItem('itm_1')).toBeNull();
  });

  it('lists a course in upload order and patches items', async () => {
    await addItemWithJob('itm_1', 'job_1');
    clock += 10;
    await addItemWithJob('itm_2', 'job_2');
    expect((await store.listItems('crs_a')).map((i) => i.id)).toEqual(['itm_1', 'itm_2']);
    expect(await store.listItems('crs_empty')).toEqual([]);

    clock += 500;
    const patched = await store.updateItem('itm_1', {
      status: 'failed',
      error: 'boom',
      title: 'Renamed',
      // A spread request body may carry keys the store must ignore.
      ...({ courseId: 'crs_hijack', id: 'itm_hijack' } as object),
    });
    expect(patched).toMatchObject({
      id: 'itm_1',
      courseId: 'crs_a',
      status: 'failed',
      error: 'boom',
      title: 'Renamed',
      createdAt: at(0),
      updatedAt: at(510),
    });
    expect(await store.updateItem('itm_nope', { title: 'x' })).toBeNull();
    await expect(store.updateItem('itm_1', { status: 'bogus' as never })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('deletes an item with its renditions and jobs, leaving other items alone', async () => {
    await addItemWithJob('itm_1', 'job_1');
    await addItemWithJob('itm_2', 'job_2');
    await store.completeTranscode('job_1', [rendition('itm_1', '720p', 720)], { status: 'ready' });
    await store.completeTranscode('job_2', [rendition('itm_2', '720p', 720)], { status: 'ready' });

    expect(await store.deleteItem('itm_1')).toBe(true);
    expect(await store.getItem('itm_1')).toBeNull();
    expect(await store.listRenditions('itm_1')).toEqual([]);
    expect(await store.listJobs({ itemId: 'itm_1' })).toEqual([]);

    expect(await store.getItem('itm_2')).not.toBeNull();
    expect(await store.listRenditions('itm_2')).toHaveLength(1);
    expect((await store.listJobs({ itemId: 'itm_2' })).map((j) => j.id)).toEqual(['job_2']);
    expect(await store.deleteItem('itm_1')).toBe(false);
  });
});

describe('completeTranscode', () => {
  it('replaces renditions, patches the item and finishes the job in one go', async () => {
    await addItemWithJob('itm_1', 'job_1');
    const claimed = await store.claimNextJob();
    expect(claimed?.id).toBe('job_1');
    await store.completeTranscode(
      'job_1',
      [rendition('itm_1', '360p', 360), rendition('itm_1', '720p', 720)],
      {
        status: 'ready',
      },
    );

    clock += 60_000;
    const second = [
      rendition('itm_1', '360p', 360, 900_000),
      rendition('itm_1', '1080p', 1080),
      rendition('itm_1', '720p-low', 720, 1_000_000),
      rendition('itm_1', '720p', 720, 3_000_000),
    ];
    await store.completeTranscode('job_1', second, {
      status: 'ready',
      error: null,
      posterFile: 'media/itm_1/poster.jpg',
      durationSeconds: 611.9,
    });

    const renditions = await store.listRenditions('itm_1');
    expect(renditions.map((r) => r.name)).toEqual(['1080p', '720p', '720p-low', '360p']);
    expect(renditions.find((r) => r.name === '360p')).toEqual(second[0]);
    expect(await store.getItem('itm_1')).toMatchObject({
      status: 'ready',
      posterFile: 'media/itm_1/poster.jpg',
      durationSeconds: 611.9,
      updatedAt: at(60_000),
    });
    expect(await store.getJob('job_1')).toMatchObject({
      state: 'succeeded',
      progress: 100,
      finishedAt: at(60_000),
      updatedAt: at(60_000),
    });
  });

  it('writes nothing when the job is missing or a rendition belongs elsewhere', async () => {
    await addItemWithJob('itm_1', 'job_1');
    await expect(
      store.completeTranscode('job_nope', [rendition('itm_1', '720p', 720)], { status: 'ready' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.completeTranscode('job_1', [rendition('itm_1', '720p', 720), rendition('itm_2', '360p', 360)], {
        status: 'ready',
      }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      store.completeTranscode('job_1', [rendition('itm_1', '720p', 720), rendition('itm_1', '720p', 720)], {
        status: 'ready',
      }),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect(await store.listRenditions('itm_1')).toEqual([]);
    expect((await store.getItem('itm_1'))?.status).toBe('processing');
    expect((await store.getJob('job_1'))?.state).toBe('queued');
  });

  it('rolls back the renditions when the item patch fails', async () => {
    await addItemWithJob('itm_1', 'job_1');
    await store.completeTranscode('job_1', [rendition('itm_1', '360p', 360)], { status: 'ready' });
    await expect(
      store.completeTranscode('job_1', [rendition('itm_1', '1080p', 1080)], { status: 'nope' as never }),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect((await store.listRenditions('itm_1')).map((r) => r.name)).toEqual(['360p']);
  });
});

describe('jobs', () => {
  it('lists newest first, filtered and limited', async () => {
    await addItemWithJob('itm_1', 'job_1');
    clock += 1;
    await addItemWithJob('itm_2', 'job_2');
    clock += 1;
    await addItemWithJob('itm_3', 'job_3');
    await store.updateJob('job_2', { state: 'failed' });

    expect((await store.listJobs()).map((j) => j.id)).toEqual(['job_3', 'job_2', 'job_1']);
    expect((await store.listJobs({ state: 'queued' })).map((j) => j.id)).toEqual(['job_3', 'job_1']);
    expect((await store.listJobs({ itemId: 'itm_2' })).map((j) => j.id)).toEqual(['job_2']);
    expect((await store.listJobs({ state: 'queued', itemId: 'itm_2' })).map((j) => j.id)).toEqual([]);
    expect((await store.listJobs({ limit: 2 })).map((j) => j.id)).toEqual(['job_3', 'job_2']);
    await expect(store.listJobs({ limit: 0 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(store.listJobs({ limit: 1.5 })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('patches jobs, clamping progress and validating timestamps', async () => {
    await addItemWithJob('itm_1', 'job_1');
    clock += 2000;
    const job = await store.updateJob('job_1', {
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
    expect((await store.updateJob('job_1', { progress: -3 }))?.progress).toBe(0);
    await expect(store.updateJob('job_1', { runAfter: 'yesterday' })).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(store.updateJob('job_1', { speed: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(await store.updateJob('job_nope', { progress: 1 })).toBeNull();
  });

  it('accepts every job state semconv defines', async () => {
    await addItemWithJob('itm_1', 'job_1');
    for (const state of Object.values(JOB_STATES)) {
      expect((await store.updateJob('job_1', { state }))?.state).toBe(state);
    }
  });

  it('claims the oldest due job, honouring runAfter', async () => {
    await addItemWithJob('itm_1', 'job_1');
    clock += 1;
    await addItemWithJob('itm_2', 'job_2');
    clock += 1;
    await addItemWithJob('itm_3', 'job_3');
    await store.updateJob('job_1', { runAfter: at(10_000), error: 'previous attempt', errorType: 'x' });

    const first = await store.claimNextJob(new Date(T0 + 5));
    expect(first).toMatchObject({
      id: 'job_2',
      state: 'running',
      attempts: 1,
      startedAt: at(5),
    });
    expect((await store.claimNextJob(new Date(T0 + 5)))?.id).toBe('job_3');
    expect(await store.claimNextJob(new Date(T0 + 5))).toBeNull();
    const retried = await store.claimNextJob(new Date(T0 + 10_000));
    expect(retried).toMatchObject({ id: 'job_1', attempts: 1, error: null, errorType: null });
    expect(await store.claimNextJob(new Date(T0 + 20_000))).toBeNull();
  });

  it('never hands one job to two concurrent claims', async () => {
    for (const n of [1, 2, 3]) await addItemWithJob(`itm_${n}`, `job_${n}`);
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimNextJob()));
    const ids = claims.flatMap((j) => (j ? [j.id] : []));
    expect(ids.sort()).toEqual(['job_1', 'job_2', 'job_3']);
    const jobs = await store.listJobs();
    expect(jobs.every((j) => j.state === 'running' && j.attempts === 1)).toBe(true);
  });

  it('re-queues interrupted jobs at start-up', async () => {
    for (const n of [1, 2, 3]) await addItemWithJob(`itm_${n}`, `job_${n}`);
    await store.claimNextJob();
    await store.claimNextJob();
    await store.updateJob('job_1', { progress: 40, speed: 2, etaSeconds: 30 });
    clock += 7000;

    const requeued = await store.requeueInterruptedJobs();
    expect(requeued.map((j) => j.id)).toEqual(['job_1', 'job_2']);
    expect(requeued[0]).toMatchObject({
      state: 'queued',
      runAfter: at(7000),
      attempts: 1,
      progress: 0,
      speed: null,
      etaSeconds: null,
    });
    expect((await store.getJob('job_3'))?.runAfter).toBe(at(0));
    expect(await store.requeueInterruptedJobs()).toEqual([]);
  });

  it('counts jobs by state, zeros included', async () => {
    expect(await store.countJobsByState()).toEqual({
      queued: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
    });
    for (const n of [1, 2, 3, 4]) await addItemWithJob(`itm_${n}`, `job_${n}`);
    await store.claimNextJob();
    await store.updateJob('job_4', { state: 'cancelled' });
    expect(await store.countJobsByState()).toEqual({
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
    const pending = store.createCourse({ id: 'crs_late', title: 'Late', description: '' });
    const closing = store.close();
    await expect(pending).resolves.toMatchObject({ id: 'crs_late' });
    await closing;
    await expect(store.getCourse('crs_a')).rejects.toMatchObject({ name: 'StoreError', code: 'closed' });
    await expect(store.claimNextJob()).rejects.toMatchObject({ code: 'closed' });
    await expect(addItemWithJob('itm_1', 'job_1')).rejects.toMatchObject({ code: 'closed' });
    await store.close(); // idempotent, and afterEach closes again
  });
});

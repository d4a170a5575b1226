import { describe, expect, it } from 'vitest';
import {
  useCatalogStore,
  at,
  newItem,
  rendition,
  addItemWithJob,
} from '../../test-support/catalog-store-kit.js';

const ctx = useCatalogStore();

describe('courses', () => {
  it('creates, gets and lists newest first', async () => {
    ctx.clock += 1000;
    const b = await ctx.store.createCourse({ id: 'crs_b', title: 'Course B', description: '' });
    const c = await ctx.store.createCourse({ id: 'crs_c', title: 'Course C', description: 'same ms as B' });
    expect(b).toEqual({
      id: 'crs_b',
      title: 'Course B',
      description: '',
      listed: false,
      createdAt: at(1000),
    });
    expect(await ctx.store.getCourse('crs_b')).toEqual(b);
    expect(await ctx.store.getCourse('crs_missing')).toBeNull();
    expect((await ctx.store.listCourses()).map((x) => x.id)).toEqual([c.id, b.id, 'crs_a']);
  });

  it('rejects a duplicate id with conflict', async () => {
    await expect(
      ctx.store.createCourse({ id: 'crs_a', title: 'again', description: '' }),
    ).rejects.toMatchObject({
      name: 'StoreError',
      code: 'conflict',
      message: expect.stringContaining('crs_a') as unknown,
    });
  });
});

describe('renaming and deleting courses', () => {
  it('renames a course, keeping what the patch leaves out', async () => {
    await ctx.store.createCourse({ id: 'crs_r', title: 'Old', description: 'kept' });
    expect(await ctx.store.updateCourse('crs_r', { title: 'New' })).toMatchObject({
      title: 'New',
      description: 'kept',
    });
    expect(await ctx.store.updateCourse('crs_r', { description: '' })).toMatchObject({
      title: 'New',
      description: '',
    });
    expect(await ctx.store.updateCourse('crs_missing', { title: 'x' })).toBeNull();
  });

  it('deletes an empty course, and refuses (keeping it) while it has items', async () => {
    await ctx.store.createCourse({ id: 'crs_d', title: 'D', description: '' });
    await addItemWithJob(ctx.store, 'itm_d', 'job_d', 'crs_d');
    await expect(ctx.store.deleteCourse('crs_d')).rejects.toMatchObject({ code: 'conflict' });
    expect(await ctx.store.getCourse('crs_d')).not.toBeNull();
    await ctx.store.deleteItem('itm_d');
    expect(await ctx.store.deleteCourse('crs_d')).toBe(true);
    expect(await ctx.store.getCourse('crs_d')).toBeNull();
    expect(await ctx.store.deleteCourse('crs_d')).toBe(false);
  });
});

describe('items', () => {
  it('creates an item with its queued job in one call', async () => {
    const { item, job } = await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    expect(item).toEqual({
      ...newItem('itm_1'),
      status: 'processing',
      posterFile: null,
      mediaVersion: null,
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
      interruptions: 0,
      error: null,
      errorType: null,
      runAfter: at(0),
      createdAt: at(0),
      startedAt: null,
      finishedAt: null,
      updatedAt: at(0),
    });
    expect(await ctx.store.getItem('itm_1')).toEqual(item);
    expect(await ctx.store.getJob('job_1')).toEqual(job);
  });

  it('keeps null source fields null', async () => {
    const bare = { ...newItem('itm_doc'), kind: 'document' as const, sourceFile: null, sourceBytes: null };
    const { item } = await ctx.store.createItemWithJob(
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

  it('reads a source stored before variable frame rate was told apart as constant at its rate', async () => {
    const video = { index: 0, codec: 'h264', profile: null, pixelFormat: 'yuv420p', width: 640, height: 360 };
    const old = {
      ...video,
      frameRate: 25,
      bitrate: null,
      keyframeInterval: null,
      rotation: 0,
      interlaced: false,
    };
    const info = {
      durationSeconds: 4,
      container: 'mov',
      formatName: 'mov',
      bitrate: null,
      sizeBytes: 1,
      video: old,
      audio: null,
    };
    await ctx.store.createItemWithJob(
      { ...newItem('itm_old'), sourceInfo: info as never },
      { id: 'job_old', itemId: 'itm_old', maxAttempts: 1 },
    );
    expect((await ctx.store.getItem('itm_old'))!.sourceInfo).toEqual({
      ...info,
      video: { ...old, nominalFrameRate: 25, variableFrameRate: false },
      // Probed before subtitle streams were read: none known.
      subtitles: [],
      // Nor every audio stream: none here (the source had no audio).
      audioTracks: [],
    });
  });

  it('creates a ready item with its published version and no job', async () => {
    const doc = {
      ...newItem('itm_pdf'),
      kind: 'document' as const,
      sourceInfo: {
        document: { format: 'pdf', contentType: 'application/pdf', bytes: 10, fileName: 'a.pdf' },
      },
      durationSeconds: null,
    } as const;
    const item = await ctx.store.createReadyItem({ ...doc, mediaVersion: 'doc_1' });
    expect(item).toMatchObject({ id: 'itm_pdf', kind: 'document', status: 'ready', mediaVersion: 'doc_1' });
    expect(await ctx.store.getItem('itm_pdf')).toEqual(item);
    expect(await ctx.store.listJobs({ itemId: 'itm_pdf' })).toEqual([]);
    await expect(
      ctx.store.createReadyItem({ ...doc, id: 'itm_pdf2', courseId: 'crs_nope', mediaVersion: 'v' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await ctx.store.getItem('itm_pdf2')).toBeNull();
    await expect(ctx.store.createReadyItem({ ...doc, mediaVersion: 'v2' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('writes nothing when the course is missing', async () => {
    await expect(addItemWithJob(ctx.store, 'itm_x', 'job_x', 'crs_nope')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await ctx.store.getItem('itm_x')).toBeNull();
    expect(await ctx.store.getJob('job_x')).toBeNull();
    expect(await ctx.store.listJobs()).toEqual([]);
  });

  it('rolls the item back when the job cannot be written', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    await expect(addItemWithJob(ctx.store, 'itm_2', 'job_1')).rejects.toMatchObject({ code: 'conflict' });
    expect(await ctx.store.getItem('itm_2')).toBeNull();
    expect((await ctx.store.listItems('crs_a')).map((i) => i.id)).toEqual(['itm_1']);
  });

  it('rejects a job for another item, and bad values, as invalid', async () => {
    await expect(
      ctx.store.createItemWithJob(newItem('itm_1'), { id: 'job_1', itemId: 'itm_other', maxAttempts: 3 }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      ctx.store.createItemWithJob(
        { ...newItem('itm_1'), durationSeconds: Number.NaN },
        {
          id: 'job_1',
          itemId: 'itm_1',
          maxAttempts: 3,
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      ctx.store.createItemWithJob(newItem('itm_1'), { id: 'job_1', itemId: 'itm_1', maxAttempts: 0 }),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect(await ctx.store.getItem('itm_1')).toBeNull();
  });

  it('lists a course in upload order and patches items', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    ctx.clock += 10;
    await addItemWithJob(ctx.store, 'itm_2', 'job_2');
    expect((await ctx.store.listItems('crs_a')).map((i) => i.id)).toEqual(['itm_1', 'itm_2']);
    expect(await ctx.store.listItems('crs_empty')).toEqual([]);

    ctx.clock += 500;
    const patched = await ctx.store.updateItem('itm_1', {
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
    expect(await ctx.store.updateItem('itm_nope', { title: 'x' })).toBeNull();
    await expect(ctx.store.updateItem('itm_1', { status: 'bogus' as never })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('deletes an item with its renditions and jobs, leaving other items alone', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    await addItemWithJob(ctx.store, 'itm_2', 'job_2');
    await ctx.store.completeTranscode('job_1', [rendition('itm_1', '720p', 720)], { status: 'ready' });
    await ctx.store.completeTranscode('job_2', [rendition('itm_2', '720p', 720)], { status: 'ready' });

    expect(await ctx.store.deleteItem('itm_1')).toBe(true);
    expect(await ctx.store.getItem('itm_1')).toBeNull();
    expect(await ctx.store.listRenditions('itm_1')).toEqual([]);
    expect(await ctx.store.listJobs({ itemId: 'itm_1' })).toEqual([]);

    expect(await ctx.store.getItem('itm_2')).not.toBeNull();
    expect(await ctx.store.listRenditions('itm_2')).toHaveLength(1);
    expect((await ctx.store.listJobs({ itemId: 'itm_2' })).map((j) => j.id)).toEqual(['job_2']);
    expect(await ctx.store.deleteItem('itm_1')).toBe(false);
  });
});

describe('completeTranscode', () => {
  it('replaces renditions, patches the item and finishes the job in one go', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    const claimed = await ctx.store.claimNextJob();
    expect(claimed?.id).toBe('job_1');
    await ctx.store.completeTranscode(
      'job_1',
      [rendition('itm_1', '360p', 360), rendition('itm_1', '720p', 720)],
      {
        status: 'ready',
      },
    );

    ctx.clock += 60_000;
    const second = [
      rendition('itm_1', '360p', 360, 900_000),
      rendition('itm_1', '1080p', 1080),
      rendition('itm_1', '720p-low', 720, 1_000_000),
      rendition('itm_1', '720p', 720, 3_000_000),
    ];
    await ctx.store.completeTranscode('job_1', second, {
      status: 'ready',
      error: null,
      posterFile: 'media/itm_1/poster.jpg',
      durationSeconds: 611.9,
    });

    const renditions = await ctx.store.listRenditions('itm_1');
    expect(renditions.map((r) => r.name)).toEqual(['1080p', '720p', '720p-low', '360p']);
    expect(renditions.find((r) => r.name === '360p')).toEqual(second[0]);
    expect(await ctx.store.getItem('itm_1')).toMatchObject({
      status: 'ready',
      posterFile: 'media/itm_1/poster.jpg',
      durationSeconds: 611.9,
      updatedAt: at(60_000),
    });
    expect(await ctx.store.getJob('job_1')).toMatchObject({
      state: 'succeeded',
      progress: 100,
      finishedAt: at(60_000),
      updatedAt: at(60_000),
    });
  });

  it('writes nothing when the job is missing or a rendition belongs elsewhere', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    await expect(
      ctx.store.completeTranscode('job_nope', [rendition('itm_1', '720p', 720)], { status: 'ready' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      ctx.store.completeTranscode(
        'job_1',
        [rendition('itm_1', '720p', 720), rendition('itm_2', '360p', 360)],
        {
          status: 'ready',
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(
      ctx.store.completeTranscode(
        'job_1',
        [rendition('itm_1', '720p', 720), rendition('itm_1', '720p', 720)],
        {
          status: 'ready',
        },
      ),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect(await ctx.store.listRenditions('itm_1')).toEqual([]);
    expect((await ctx.store.getItem('itm_1'))?.status).toBe('processing');
    expect((await ctx.store.getJob('job_1'))?.state).toBe('queued');
  });

  it('rolls back the renditions when the item patch fails', async () => {
    await addItemWithJob(ctx.store, 'itm_1', 'job_1');
    await ctx.store.completeTranscode('job_1', [rendition('itm_1', '360p', 360)], { status: 'ready' });
    await expect(
      ctx.store.completeTranscode('job_1', [rendition('itm_1', '1080p', 1080)], { status: 'nope' as never }),
    ).rejects.toMatchObject({ code: 'invalid' });
    expect((await ctx.store.listRenditions('itm_1')).map((r) => r.name)).toEqual(['360p']);
  });
});

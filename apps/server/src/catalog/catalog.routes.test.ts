import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../store/index.js';
import { probedSource } from '../../test-support/probed-source.js';
import { publishItem } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
});
afterAll(async () => {
  await t?.close();
});

describe('courses', () => {
  it('creates, lists and gets a course', async () => {
    const created = await t.cc.app.inject({
      method: 'POST',
      url: '/api/courses',
      headers: t.auth,
      payload: { title: '  Linear algebra  ', description: 'Week by week' },
    });
    expect(created.statusCode).toBe(201);
    const { course } = created.json() as { course: { id: string; title: string } };
    expect(course.title).toBe('Linear algebra');
    expect(course.id).toMatch(/^crs_/);
    const list = await t.cc.app.inject({ url: '/api/courses', headers: t.auth });
    expect((list.json() as { courses: { id: string }[] }).courses.map((c) => c.id)).toContain(course.id);
    const one = await t.cc.app.inject({ url: `/api/courses/${course.id}`, headers: t.auth });
    expect(one.json()).toMatchObject({ course: { id: course.id, description: 'Week by week' }, items: [] });
  });

  it('names the invalid field of a bad course body', async () => {
    const res = await t.cc.app.inject({
      method: 'POST',
      url: '/api/courses',
      headers: t.auth,
      payload: { title: '', extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/title/);
    expect(error.message).toMatch(/extra/);
  });

  it('rejects malformed JSON', async () => {
    const res = await t.cc.app.inject({
      method: 'POST',
      url: '/api/courses',
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('answers one course publicly: titles, kinds, statuses and durations, nothing private', async () => {
    const courseId = newId('crs');
    await t.cc.store.createCourse({ id: courseId, title: 'Signals', description: 'Week 1' });
    const itemId = newId('itm');
    await t.cc.store.createItemWithJob(
      {
        id: itemId,
        courseId,
        kind: 'video',
        title: 'Fourier',
        sourceFile: `uploads/${itemId}/source.mkv`,
        sourceBytes: 123_456,
        sourceInfo: probedSource({ container: 'matroska' }),
        durationSeconds: 61.5,
      },
      { id: newId('job'), itemId, maxAttempts: 1 },
    );
    await t.cc.store.updateItem(itemId, {
      status: 'failed',
      error: 'ffmpeg: /srv/secret/uploads/source.mkv: Invalid data',
      posterFile: 'media/poster.jpg',
    });
    const res = await t.cc.app.inject({ url: `/api/courses/${courseId}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { course: Record<string, unknown>; items: Record<string, unknown>[] };
    expect(body.course).toEqual({
      id: courseId,
      title: 'Signals',
      description: 'Week 1',
      listed: false,
      createdAt: expect.any(String),
    });
    expect(body.items).toEqual([
      {
        id: itemId,
        courseId,
        kind: 'video',
        title: 'Fourier',
        status: 'failed',
        durationSeconds: 61.5,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        // A video's delivery goes through its playback plan; only documents and modules list a link here.
        content: null,
      },
    ]);
    expect(res.body).not.toMatch(/secret|uploads|source\.mkv|poster|123456/);
    // The admin sees the same answer: one shape for everyone.
    const admin = await t.cc.app.inject({ url: `/api/courses/${courseId}`, headers: t.auth });
    expect(admin.json()).toEqual(body);
  });

  it('answers 404 for unknown ids and routes, and 401 without a token', async () => {
    expect((await t.cc.app.inject({ url: '/api/courses/crs_nope' })).json()).toMatchObject({
      error: { code: 'course_not_found' },
    });
    expect((await t.cc.app.inject({ url: '/api/items/itm_nope' })).json()).toMatchObject({
      error: { code: 'item_not_found' },
    });
    const del = await t.cc.app.inject({ method: 'DELETE', url: '/api/items/itm_nope', headers: t.auth });
    expect(del.statusCode).toBe(404);
    expect((await t.cc.app.inject({ url: '/api/nothing' })).statusCode).toBe(404);
    // The list of every course stays admin-only; one course is public (above).
    expect((await t.cc.app.inject({ url: '/api/courses' })).statusCode).toBe(401);
    expect((await t.cc.app.inject({ method: 'POST', url: '/api/courses' })).statusCode).toBe(401);
    expect((await t.cc.app.inject({ method: 'DELETE', url: '/api/items/itm_nope' })).statusCode).toBe(401);
  });
});

describe('jobs', () => {
  it('answers 404 for an unknown job id, 400 for a bad filter, 401 without a token', async () => {
    const res = await t.cc.app.inject({ url: '/api/jobs/job_unknown', headers: t.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'job_not_found', message: expect.stringContaining('job_unknown') },
    });
    const events = await t.cc.app.inject({ url: '/api/jobs/job_unknown/events', headers: t.auth });
    expect(events.statusCode).toBe(404);
    const bad = await t.cc.app.inject({ url: '/api/jobs?state=sleeping', headers: t.auth });
    expect(bad.statusCode).toBe(400);
    expect((await t.cc.app.inject({ url: '/api/jobs/job_unknown' })).statusCode).toBe(401);
  });
});

describe('re-transcode', () => {
  it('answers 404 for an unknown item, 409 for an item without a source, 401 without a token', async () => {
    const unknown = await t.cc.app.inject({
      method: 'POST',
      url: '/api/items/itm_nope/transcode',
      headers: t.auth,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'item_not_found' } });
    const p = await publishItem(t.cc, { 'master.m3u8': '#EXTM3U\n' });
    const noSource = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${p.itemId}/transcode`,
      headers: t.auth,
    });
    expect(noSource.statusCode).toBe(409);
    expect(noSource.json()).toMatchObject({ error: { code: 'conflict' } });
    expect(
      (await t.cc.app.inject({ method: 'POST', url: `/api/items/${p.itemId}/transcode` })).statusCode,
    ).toBe(401);
    // Nothing published was touched.
    expect((await t.cc.app.inject({ url: p.mediaPath('master.m3u8') })).statusCode).toBe(200);
  });
});

describe('renaming and deleting a course', () => {
  async function newCourse(title: string): Promise<string> {
    const res = await t.cc.app.inject({
      method: 'POST',
      url: '/api/courses',
      headers: t.auth,
      payload: { title },
    });
    return (res.json() as { course: { id: string } }).course.id;
  }

  it('renames a course; a bad patch names its problem; strangers are refused', async () => {
    const id = await newCourse('Old name');
    const renamed = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/courses/${id}`,
      headers: t.auth,
      payload: { title: ' New name ' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ course: { id, title: 'New name' } });
    const empty = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/courses/${id}`,
      headers: t.auth,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      error: { message: expect.stringContaining('give a title, a description or listed') },
    });
    const control = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/courses/${id}`,
      headers: t.auth,
      payload: { title: 'a\u0007b' },
    });
    expect(control.statusCode).toBe(400);
    const missing = await t.cc.app.inject({
      method: 'PATCH',
      url: '/api/courses/crs_missing',
      headers: t.auth,
      payload: { title: 'x' },
    });
    expect(missing.statusCode).toBe(404);
    const stranger = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/courses/${id}`,
      payload: { title: 'x' },
    });
    expect(stranger.statusCode).toBe(401);
    expect((await t.cc.store.getCourse(id))?.title).toBe('New name');
  });

  it('deletes a course with its items and their files', async () => {
    const { itemId } = await publishItem(t.cc, { 'master.m3u8': '#EXTM3U\n' });
    const id = (await t.cc.store.getItem(itemId))?.courseId ?? '';
    const stranger = await t.cc.app.inject({ method: 'DELETE', url: `/api/courses/${id}` });
    expect(stranger.statusCode).toBe(401);
    expect(await t.cc.store.getItem(itemId)).not.toBeNull();
    const gone = await t.cc.app.inject({ method: 'DELETE', url: `/api/courses/${id}`, headers: t.auth });
    expect(gone.statusCode).toBe(204);
    expect(await t.cc.store.getCourse(id)).toBeNull();
    expect(await t.cc.store.getItem(itemId)).toBeNull();
    expect(existsSync(t.cc.paths.itemMediaDir(itemId))).toBe(false);
    const again = await t.cc.app.inject({ method: 'DELETE', url: `/api/courses/${id}`, headers: t.auth });
    expect(again.statusCode).toBe(404);
  });
});

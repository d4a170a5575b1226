import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse } from '../../test-support/api-calls.js';
import { notMediaFile, testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { tusClient } from '../../test-support/tus-protocol.js';
import { RESUMABLE_PATH } from './resumable.routes.js';

let t: TestServer;
let base: string;
let tus: ReturnType<typeof tusClient>;
let courseId: string;
let clip: Buffer;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const LIMIT = 4 * 1024 * 1024;

/** The resumable uploads on disk (bytes and descriptions). */
async function resumableFiles(): Promise<string[]> {
  const dir = path.join(t.dataDir, 'resumable');
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

function errorOf(body: string): { code: string; message: string; details?: Record<string, unknown> } {
  return (JSON.parse(body) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  clip = await readFile(await testClip({ seconds: 2, width: 320, height: 240 }));
  t = await startTestServer({ upload: { maxBytes: LIMIT, resumableMaxOpen: 6 } }, { startQueue: false });
  base = await t.cc.listen();
  tus = tusClient(base, t.auth);
  courseId = await createCourse(t);
});
afterAll(async () => {
  await t?.close();
});

describe('resumable uploads (tus 1.0)', () => {
  it('say what they support: version, extensions, size limit', async () => {
    const a = await tus.options(`${base}/api/courses/${courseId}/resumable-uploads`);
    expect(a.status).toBe(204);
    expect(a.headers.get('tus-version')).toBe('1.0.0');
    expect(a.headers.get('tus-extension')?.split(',')).toEqual(
      expect.arrayContaining(['creation', 'termination', 'expiration']),
    );
    expect(Number(a.headers.get('tus-max-size'))).toBe(LIMIT);
    expect(a.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('take a lecture in chunks, resume from the server offset, and make it an item with its job', async () => {
    const url = await tus.mustCreate(courseId, clip.length, { filename: 'week-1.mp4', title: 'Week 1' });
    expect(new URL(url).pathname).toMatch(/^\/api\/uploads\/resumable\/[0-9a-f]{32}$/);
    const third = Math.floor(clip.length / 3);
    const first = await tus.patch(url, 0, clip.subarray(0, third));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(third));
    expect(first.headers.get('upload-expires')).toBeTruthy();
    expect(await tus.offset(url)).toBe(third);
    expect((await tus.patch(url, third, clip.subarray(third, 2 * third))).status).toBe(204);
    const last = await tus.patch(url, 2 * third, clip.subarray(2 * third));
    expect(last.status).toBe(200);
    const view = JSON.parse(last.body) as {
      item: { id: string; title: string; status: string };
      job: { state: string };
    };
    expect(view.item).toMatchObject({ title: 'Week 1', status: 'processing' });
    expect(view.job.state).toBe('queued');
    expect(last.headers.get('coursecast-item')).toBe(view.item.id);
    const stored = await t.cc.store.getItem(view.item.id);
    expect(stored?.sourceFile).toMatch(/^uploads\/itm_[^/]+\/source\.mp4$/);
    expect(sha256(await readFile(path.join(t.dataDir, stored?.sourceFile ?? '')))).toBe(sha256(clip));
    // The upload is gone once it is an item.
    expect((await tus.head(url)).status).toBe(404);
    expect(await resumableFiles()).toEqual([]);
  });

  it('take a whole file in its creation request (creation-with-upload)', async () => {
    const res = await fetch(`${base}/api/courses/${courseId}/resumable-uploads`, {
      method: 'POST',
      headers: {
        ...t.auth,
        'tus-resumable': '1.0.0',
        'upload-length': String(clip.length),
        'upload-metadata': `filename ${Buffer.from('one-go.mp4').toString('base64')}`,
        'content-type': 'application/offset+octet-stream',
      },
      body: clip,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('upload-offset')).toBe(String(clip.length));
    const view = (await res.json()) as { item: { id: string; title: string } };
    expect(view.item.title).toBe('one-go');
    const stored = await t.cc.store.getItem(view.item.id);
    expect(sha256(await readFile(path.join(t.dataDir, stored?.sourceFile ?? '')))).toBe(sha256(clip));
    expect(await resumableFiles()).toEqual([]);
  });

  it('a PATCH at the wrong offset is 409, naming the offset to resume from, and changes nothing', async () => {
    const url = await tus.mustCreate(courseId, clip.length, { filename: 'a.mp4' });
    await tus.patch(url, 0, clip.subarray(0, 1000));
    const wrong = await tus.patch(url, 500, clip.subarray(500, 1500));
    expect(wrong.status).toBe(409);
    expect(errorOf(wrong.body)).toMatchObject({
      code: 'offset_mismatch',
      details: { sent: '500', offset: 1000 },
    });
    expect(await tus.offset(url)).toBe(1000);
    expect((await tus.terminate(url)).status).toBe(204);
  });

  it('a chunk past the declared length is 413 and the offset stays', async () => {
    const url = await tus.mustCreate(courseId, 2000, { filename: 'a.mp4' });
    await tus.patch(url, 0, clip.subarray(0, 1500));
    const over = await tus.patch(url, 1500, clip.subarray(1500, 2600));
    expect(over.status).toBe(413);
    expect(errorOf(over.body).code).toBe('file_too_large');
    expect(over.headers.get('connection')).toBe('close');
    expect(await tus.offset(url)).toBe(1500);
    await tus.terminate(url);
  });

  it('a terminated upload is gone: its resume is 404 and its files are removed', async () => {
    const url = await tus.mustCreate(courseId, clip.length, { filename: 'a.mp4' });
    await tus.patch(url, 0, clip.subarray(0, 100));
    expect((await tus.terminate(url)).status).toBe(204);
    const resumed = await tus.patch(url, 100, clip.subarray(100, 200));
    expect(resumed.status).toBe(404);
    expect(errorOf(resumed.body).code).toBe('upload_not_found');
    expect((await tus.head(url)).status).toBe(404);
    expect(await resumableFiles()).toEqual([]);
  });

  it('a completed file that is not media is 422 and the upload is removed', async () => {
    const bytes = await readFile(await notMediaFile());
    const before = await t.cc.store.listItems(courseId);
    const url = await tus.mustCreate(courseId, bytes.length, { filename: 'notes.mp4' });
    const done = await tus.patch(url, 0, bytes);
    expect(done.status).toBe(422);
    expect(errorOf(done.body).code).toBe('invalid_media');
    expect((await tus.head(url)).status).toBe(404);
    expect(await resumableFiles()).toEqual([]);
    expect(await t.cc.store.listItems(courseId)).toEqual(before);
    expect(await readdir(path.join(t.dataDir, 'uploads'))).toHaveLength(before.length);
  });

  it('an upload whose course was deleted meanwhile is 404 at completion and removed', async () => {
    const doomed = await createCourse(t, 'Doomed');
    const url = await tus.mustCreate(doomed, clip.length, { filename: 'a.mp4' });
    await tus.patch(url, 0, clip.subarray(0, 1000));
    expect(
      (await t.cc.app.inject({ method: 'DELETE', url: `/api/courses/${doomed}`, headers: t.auth }))
        .statusCode,
    ).toBe(204);
    const done = await tus.patch(url, 1000, clip.subarray(1000));
    expect(done.status).toBe(404);
    expect(errorOf(done.body).code).toBe('course_not_found');
    expect(await resumableFiles()).toEqual([]);
    const missing = await tus.create('crs_missing', 10, { filename: 'a.mp4' });
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).code).toBe('course_not_found');
  });

  it('refuses creations it could not finish, each with its reason', async () => {
    const tooBig = await tus.create(courseId, LIMIT + 1, { filename: 'a.mp4' });
    expect(tooBig.status).toBe(413);
    expect(errorOf(tooBig.body).code).toBe('file_too_large');
    const badTitle = await tus.create(courseId, 10, { filename: 'a.mp4', title: 'evil\u0000' });
    expect(badTitle.status).toBe(400);
    expect(errorOf(badTitle.body).message).toContain('title');
    const badKind = await tus.create(courseId, 10, { filename: 'a.mp4', kind: 'hologram' });
    expect(badKind.status).toBe(400);
    const empty = await tus.create(courseId, 0, { filename: 'a.mp4' });
    expect(errorOf(empty.body).code).toBe('empty_file');
    const noTus = await fetch(`${base}/api/courses/${courseId}/resumable-uploads`, {
      method: 'POST',
      headers: { ...t.auth, 'upload-length': '10' },
    });
    expect(noTus.status).toBe(412);
    expect(errorOf(await noTus.text()).code).toBe('precondition_failed');
    const stranger = tusClient(base, {});
    const refused = await stranger.create(courseId, 10, { filename: 'a.mp4' });
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body).code).toBe('unauthorized');
    // A stranger's body is not read: the connection closes after the 401.
    const strangerPatch = await stranger.patch(
      `${base}${RESUMABLE_PATH}/${'a'.repeat(32)}`,
      0,
      clip.subarray(0, 100_000),
    );
    expect(strangerPatch.status).toBe(401);
    expect(strangerPatch.headers.get('connection')).toBe('close');
    expect(await resumableFiles()).toEqual([]);
  });

  it('caps the unfinished uploads (429) and counts what they may still write against the free space', async () => {
    const urls = [];
    for (let i = 0; i < 6; i++) urls.push(await tus.mustCreate(courseId, 1000, { filename: `${i}.mp4` }));
    const seventh = await tus.create(courseId, 1000, { filename: '7.mp4' });
    expect(seventh.status).toBe(429);
    expect(errorOf(seventh.body)).toMatchObject({ code: 'too_many_uploads', details: { open: 6, limit: 6 } });
    for (const url of urls) await tus.terminate(url);
  });
});

describe('resumable uploads across a restart', () => {
  it('survive one: the new server resumes from the offset the old one acknowledged', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-tus-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const course = await createCourse(first);
    const url = new URL(
      await tusClient(await first.cc.listen(), first.auth).mustCreate(course, clip.length, {
        filename: 'a.mp4',
      }),
    ).pathname;
    await tusClient(first.cc.url(), first.auth).patch(absolute(first, url), 0, clip.subarray(0, 5000));
    await first.cc.close();
    const second = await startTestServer({}, { startQueue: false }, dataDir);
    try {
      const again = tusClient(await second.cc.listen(), second.auth);
      const resumeAt = await again.offset(absolute(second, url));
      expect(resumeAt).toBe(5000);
      const done = await again.patch(absolute(second, url), resumeAt, clip.subarray(resumeAt));
      expect(done.status).toBe(200);
      const item = await second.cc.store.getItem((JSON.parse(done.body) as { item: { id: string } }).item.id);
      expect(sha256(await readFile(path.join(dataDir, item?.sourceFile ?? '')))).toBe(sha256(clip));
    } finally {
      await second.close();
    }
  });

  it('an upload whose last byte was in when the server stopped becomes an item at start-up', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-tus-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const course = await createCourse(first);
    const client = tusClient(await first.cc.listen(), first.auth);
    const url = await client.mustCreate(course, clip.length, { filename: 'late.mp4', title: 'Late' });
    await client.patch(url, 0, clip.subarray(0, 1000));
    await first.cc.close();
    // What a crash while the last chunk was being validated leaves: every byte in, no item.
    const id = new URL(url).pathname.split('/').pop() ?? '';
    await appendFile(path.join(dataDir, 'resumable', id), clip.subarray(1000));
    const second = await startTestServer({}, { startQueue: false }, dataDir);
    try {
      await second.cc.listen();
      const items = await second.cc.store.listItems(course);
      expect(items.map((i) => i.title)).toEqual(['Late']);
      expect(sha256(await readFile(path.join(dataDir, items[0]?.sourceFile ?? '')))).toBe(sha256(clip));
      expect(await readdir(path.join(dataDir, 'resumable'))).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('an expired upload is 410, and the start-up sweep removes it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-tus-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const client = tusClient(await first.cc.listen(), first.auth);
    const url = await client.mustCreate(await createCourse(first), clip.length, { filename: 'a.mp4' });
    await client.patch(url, 0, clip.subarray(0, 100));
    const id = new URL(url).pathname.split('/').pop() ?? '';
    // Created 25 hours ago, as far as the server can tell: the default keeps an unfinished upload 24 h.
    const described = path.join(dataDir, 'resumable', `${id}.json`);
    const info = JSON.parse(await readFile(described, 'utf8')) as { creation_date: string };
    info.creation_date = new Date(Date.now() - 25 * 3600_000).toISOString();
    await writeFile(described, JSON.stringify(info));
    const resumed = await client.patch(url, 100, clip.subarray(100, 200));
    expect(resumed.status).toBe(410);
    expect(errorOf(resumed.body).code).toBe('upload_expired');
    expect(errorOf(resumed.body).message).toContain('24 h');
    // A stray (bytes whose description is gone) goes too.
    await writeFile(path.join(dataDir, 'resumable', 'f'.repeat(32)), 'orphan');
    await first.cc.close();
    const second = await startTestServer({}, { startQueue: false }, dataDir);
    try {
      await second.cc.listen();
      expect(await readdir(path.join(dataDir, 'resumable'))).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('counts what unfinished uploads may still write against the free-space floor (507)', async () => {
    const free = 10_000;
    const u = await startTestServer(
      { upload: { minFreeBytes: 1000 } },
      { startQueue: false, freeBytes: async () => free },
    );
    try {
      const client = tusClient(await u.cc.listen(), u.auth);
      const course = await createCourse(u);
      const url = await client.mustCreate(course, 6000, { filename: 'a.mp4' });
      await client.patch(url, 0, clip.subarray(0, 2000));
      // 4,000 bytes still to come + 4,000 new + 1,000 floor = 9,000 fits; 5,000 new does not.
      expect((await client.create(course, 4000, { filename: 'b.mp4' })).status).toBe(201);
      const refused = await client.create(course, 5000, { filename: 'c.mp4' });
      expect(refused.status).toBe(507);
      expect(errorOf(refused.body)).toMatchObject({ code: 'insufficient_storage' });
    } finally {
      await u.close();
    }
  });
});

/** An upload path on a server, as an absolute URL. */
function absolute(server: TestServer, pathname: string): string {
  return new URL(pathname, server.cc.url()).href;
}

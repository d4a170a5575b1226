import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload } from '../../test-support/api-calls.js';
import { multipartBody } from '../../test-support/multipart.js';
import { notMediaFile, testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;
let courseId: string;
let otherItemId: string;
let clip: string;

function upload(body: Awaited<ReturnType<typeof multipartBody>>, course = courseId) {
  return postUpload(t, course, body);
}

/** The store and the disk, to prove a rejected upload changed neither. */
async function snapshot() {
  const items = await t.cc.store.listItems(courseId);
  const jobs = await t.cc.store.listJobs();
  const uploads = existsSync(path.join(t.dataDir, 'uploads'))
    ? await readdir(path.join(t.dataDir, 'uploads'))
    : [];
  return {
    items: items.map((i) => i.id).sort(),
    jobs: jobs.map((j) => j.id).sort(),
    uploads: uploads.sort(),
  };
}

beforeAll(async () => {
  clip = await testClip({ seconds: 2, width: 320, height: 240 });
  // A small limit lets the over-the-limit test stay small; the clip is well under it.
  t = await startTestServer({ upload: { maxBytes: 2 * 1024 * 1024 } }, { startQueue: false });
  courseId = await createCourse(t);
  const ok = await upload(await multipartBody(clip, { title: 'Existing lecture' }));
  expect(ok.statusCode).toBe(201);
  otherItemId = (ok.json() as { item: { id: string } }).item.id;
});

afterAll(async () => {
  await t?.close();
});

describe('POST /api/courses/:id/uploads', () => {
  it('stores the file, creates the item and queues its job', async () => {
    const res = await upload(await multipartBody(clip, { title: 'Week 1' }));
    expect(res.statusCode).toBe(201);
    const body = res.json() as {
      item: { id: string; title: string; status: string; durationSeconds: number };
      job: { state: string };
    };
    expect(body.item).toMatchObject({ title: 'Week 1', status: 'processing' });
    expect(body.item.durationSeconds).toBeGreaterThan(1.5);
    expect(body.job.state).toBe('queued');
    const stored = await t.cc.store.getItem(body.item.id);
    expect(stored?.sourceFile).toMatch(/^uploads\/itm_[^/]+\/source\.mp4$/);
    const original = await readFile(clip);
    expect((await readFile(path.join(t.dataDir, stored!.sourceFile!))).equals(original)).toBe(true);
    expect(res.headers.location).toBe(`/api/items/${body.item.id}`);
  });

  const badInputs: [
    string,
    () => Promise<{ payload: Buffer; headers: Record<string, string> }>,
    number,
    string,
    RegExp,
  ][] = [
    [
      'a non-media file',
      async () => multipartBody(await notMediaFile()),
      422,
      'invalid_media',
      /not a media file/,
    ],
    [
      'an empty file',
      () => multipartBody({ name: 'empty.mp4', content: Buffer.alloc(0) }),
      400,
      'empty_file',
      /empty/,
    ],
    [
      'a truncated MP4',
      async () => {
        const full = await readFile(clip);
        return multipartBody({ name: 'cut.mp4', content: full.subarray(0, Math.floor(full.length * 0.6)) });
      },
      422,
      'truncated_media',
      /truncated/,
    ],
    [
      'a file over the size limit',
      () => multipartBody({ name: 'big.mp4', content: Buffer.alloc(3 * 1024 * 1024, 1) }),
      413,
      'file_too_large',
      /limit/,
    ],
    [
      'a file in the wrong field',
      () => multipartBody({ name: 'x.mp4', content: Buffer.from('x') }, {}, 'video'),
      400,
      'missing_file',
      /field named `file`/,
    ],
  ];

  it.each(badInputs)(
    'rejects %s with a clear error and changes nothing',
    async (_name, make, status, code, message) => {
      const before = await snapshot();
      const res = await upload(await make());
      expect(res.statusCode).toBe(status);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(await snapshot()).toEqual(before);
      expect((await t.cc.store.getItem(otherItemId))?.status).toBe('processing');
    },
  );

  it('never keeps a control character in a title: cleaned from a file name, refused in the title field', async () => {
    const named = await upload(
      await multipartBody({ name: 'evil\u0000\u001b.mp4', content: await readFile(clip) }),
    );
    expect(named.statusCode).toBe(201);
    expect((named.json() as { item: { title: string } }).item.title).toBe('evil');
    const before = await snapshot();
    const refused = await upload(await multipartBody(clip, { title: 'Week\u00002' }));
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as { error: { message: string } }).error.message).toBe(
      'invalid title: title: must not contain control characters (such as U+0000)',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a malformed multipart body', async () => {
    const before = await snapshot();
    const res = await upload({
      payload: Buffer.from(
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc',
      ),
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('invalid_multipart');
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a body that is not multipart', async () => {
    const res = await t.cc.app.inject({
      method: 'POST',
      url: `/api/courses/${courseId}/uploads`,
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: { file: 'x' },
    });
    expect(res.statusCode).toBe(415);
    expect((res.json() as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('answers 404 for a missing course', async () => {
    const res = await upload(await multipartBody(clip), 'crs_doesnotexist');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'course_not_found' } });
  });

  it('answers 401 without or with a wrong admin token', async () => {
    const body = await multipartBody(clip);
    const none = await t.cc.app.inject({ method: 'POST', url: `/api/courses/${courseId}/uploads`, ...body });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringMatching(/Missing/) },
    });
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    const wrong = await t.cc.app.inject({
      method: 'POST',
      url: `/api/courses/${courseId}/uploads`,
      headers: { ...body.headers, authorization: 'Bearer wrong-token-wrong-token' },
      payload: body.payload,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringMatching(/wrong/) },
    });
  });

  it('answers 507 when the disk is too full, before reading the body', async () => {
    const full = await startTestServer(
      { upload: { minFreeBytes: 1024 } },
      { startQueue: false, freeBytes: async () => 10 },
    );
    try {
      const id = await createCourse(full);
      const res = await postUpload(full, id, await multipartBody(clip));
      expect(res.statusCode).toBe(507);
      expect(res.json()).toMatchObject({
        error: { code: 'insufficient_storage', details: { freeBytes: 10 } },
      });
      expect(await full.cc.store.listItems(id)).toEqual([]);
    } finally {
      await full.close();
    }
  });
});

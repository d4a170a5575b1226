import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
});
afterAll(async () => {
  await t?.close();
});

async function course(title: string, listed?: boolean): Promise<string> {
  const res = await t.cc.app.inject({
    method: 'POST',
    url: '/api/courses',
    headers: t.auth,
    payload: listed === undefined ? { title } : { title, listed },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { course: { id: string } }).course.id;
}

type Catalog = {
  courses: {
    course: { id: string; title: string };
    items: { title: string; status: string }[];
    itemCount: number;
  }[];
};

describe('GET /api/catalog', () => {
  it('lists the listed courses with their items, never an unlisted one, and reuses its answer for a moment', async () => {
    const listed = await course('Listed', true);
    const hidden = await course('By link only');
    await uploadLecture(t, listed, await testClip({ seconds: 2, width: 320, height: 240 }), 'Week 1');
    const res = await t.cc.app.inject({ url: '/api/catalog' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=2');
    const catalog = res.json() as Catalog;
    expect(catalog.courses.map((c) => c.course.id)).toEqual([listed]);
    expect(catalog.courses[0]).toMatchObject({
      itemCount: 1,
      items: [{ title: 'Week 1', status: 'processing' }],
    });
    expect(JSON.stringify(catalog)).not.toContain('sourceFile');

    // Listing the other one shows on the next answer, not within the reuse period.
    const patched = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/courses/${hidden}`,
      headers: t.auth,
      payload: { listed: true },
    });
    expect(patched.json()).toMatchObject({ course: { listed: true } });
    expect((await t.cc.app.inject({ url: '/api/catalog' })).json<Catalog>().courses).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2100));
    const later = (await t.cc.app.inject({ url: '/api/catalog' })).json<Catalog>();
    expect(later.courses.map((c) => c.course.id)).toEqual([hidden, listed]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';

// Publish time of an uploaded lecture, as an operator reads it: in /metrics and on the dashboard, from the upload's
// last byte to playable (at once: the upload answer) and to its first ladder.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

type Row = { stage: string; bucket: string; count: number; p50: number | null; p95: number | null };

describe('publish time', () => {
  it('records upload → playable and → ladder ready, by source length, and the dashboard shows both', async () => {
    const courseId = await createCourse(t);
    const before = Date.now();
    const { item, job } = await uploadLecture(
      t,
      courseId,
      await testClip({ seconds: 4, width: 320, height: 240 }),
    );
    const uploadMs = Date.now() - before;
    await waitForJob(t.cc.store, job.id);
    // A re-transcode is not a publish: it adds nothing.
    const again = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${item.id}/transcode`,
      headers: t.auth,
    });
    await waitForJob(t.cc.store, (again.json() as { job: { id: string } }).job.id);

    const metrics = (await t.cc.app.inject({ url: '/metrics' })).body;
    const count = (stage: string): number =>
      Number(
        new RegExp(
          `content_publish_duration_seconds_count\\{[^}]*content_publish_stage="${stage}"[^}]*content_source_duration_bucket="under_5m"[^}]*\\} (\\d+)`,
        ).exec(metrics)?.[1],
      );
    expect({ playable: count('playable'), ladder: count('ladder_ready') }).toEqual({
      playable: 1,
      ladder: 1,
    });

    await t.cc.instrumentation.forceFlush();
    const res = await t.cc.app.inject({
      url: '/api/dashboard/panels/publish-time',
      headers: t.auth,
    });
    expect(res.statusCode).toBe(200);
    const rows = res.json<{ data: Row[] }>().data;
    const playable = rows.find((r) => r.stage === 'playable');
    const ladder = rows.find((r) => r.stage === 'ladder_ready');
    expect(playable).toMatchObject({ bucket: 'under_5m', count: 1 });
    expect(ladder).toMatchObject({ bucket: 'under_5m', count: 1 });
    // Playable within the upload's own answer; the ladder after it.
    expect(playable?.p50).toBeLessThanOrEqual(uploadMs / 1000 + 0.5);
    expect(ladder?.p50).toBeGreaterThan(playable?.p50 ?? Infinity);
  }, 60_000);
});

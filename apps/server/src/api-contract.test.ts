import * as api from '@coursecast/api';
import type { MediaInfo, PlaybackPlan } from '@coursecast/media';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createCourse, postUpload } from '../test-support/api-calls.js';
import { fakeJitMedia } from '../test-support/fake-jit-media.js';
import { testClip } from '../test-support/media-fixtures.js';
import { multipartBody } from '../test-support/multipart.js';
import { probedSource } from '../test-support/probed-source.js';
import { publishItem, registerSource } from '../test-support/published-item.js';
import { watchReplyContract } from '../test-support/reply-contract.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { waitForJob } from '../test-support/wait.js';
import { samplePdf } from './cli/sample-pdf.js';
import { scormPackage } from './cli/sample-scorm.js';
import type { EventRecord } from './ingest/event-mapper.js';
import { replySchema } from './reply-schema.js';

// The HTTP contract (@coursecast/api) against real answers. Each answer must parse with its schema and come out
// unchanged: zod strips properties a schema does not name, so an answer with more than its schema says, or
// other types, fails. startTestServer's watcher (test-support/reply-contract.ts) checks the other side, what
// fast-json-stringify made of the handler's value, for this file and every other route test.

/** Parses `body` with `schema` and expects nothing stripped, added or changed. */
function expectExact(schema: z.ZodType, body: unknown, what: string): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? null : parsed.error.issues, what).toBeNull();
  expect(parsed.data, what).toEqual(body);
}

describe('the reply contract watcher', () => {
  it('reports an answer its schema does not describe (a null it coerces, a property it drops)', async () => {
    const app = Fastify();
    const violations = watchReplyContract(app);
    const schema = replySchema(z.object({ n: z.number(), s: z.string().nullable() }));
    app.get('/exact', { schema }, async () => ({ n: 1, s: null }));
    app.get('/null', { schema }, async () => ({ n: null, s: 'x' }));
    app.get('/extra', { schema }, async () => ({ n: 1, s: 'x', secret: 'x' }));
    app.get('/missing', { schema }, async () => ({ s: 'x' }));
    app.get('/free', async () => ({ anything: true }));
    for (const url of ['/exact', '/null', '/extra', '/missing', '/free']) await app.inject({ url });
    await app.close();
    expect(violations.map((v) => [v.url, v.status])).toEqual([
      ['/null', 200],
      ['/extra', 200],
      // fast-json-stringify refuses to write it: the answer became a 500.
      ['/missing', 500],
    ]);
    expect(violations[0]!.served).toEqual({ n: 0, s: 'x' });
  });

  it('fails a strict parse of an answer with a property its schema does not name', () => {
    const extra = { status: 'ok', uptime: 3 };
    expect(api.HealthResponseSchema.parse(extra)).not.toEqual(extra);
  });
});

describe('@coursecast/api mirrors @coursecast/media', () => {
  it('spells MediaInfo and PlaybackPlan as the media package types them', () => {
    expectTypeOf<api.MediaInfo>().toEqualTypeOf<MediaInfo>();
    expectTypeOf<api.PlaybackPlan>().toEqualTypeOf<PlaybackPlan>();
  });
});

describe('every route answers what its @coursecast/api schema says', () => {
  let t: TestServer;
  let courseId: string;
  const get = (url: string, auth = true) => t.cc.app.inject({ url, headers: auth ? t.auth : {} });
  const upload = async (file: string | { name: string; content: Buffer }, title: string) => {
    const res = await postUpload(t, courseId, await multipartBody(file, { title }));
    expect(res.statusCode, res.body).toBe(201);
    expectExact(api.UploadResponseSchema, res.json(), `upload of ${title}`);
    return res.json<api.UploadResponse>();
  };

  beforeAll(async () => {
    t = await startTestServer({}, { prepareSession: fakeJitMedia(() => t.dataDir) });
    courseId = await createCourse(t, 'Contract');
  });
  afterAll(() => t.close());

  it('health, courses, uploads of each kind, items and jobs', async () => {
    expectExact(api.HealthResponseSchema, (await get('/healthz', false)).json(), 'healthz');
    const created = await t.cc.app.inject({
      method: 'POST',
      url: '/api/courses',
      headers: t.auth,
      payload: { title: 'Second', description: 'd' },
    });
    expectExact(api.CourseResponseSchema, created.json(), 'POST /api/courses');
    expectExact(api.CourseListResponseSchema, (await get('/api/courses')).json(), 'GET /api/courses');

    const clip = await testClip({ seconds: 2, width: 320, height: 240 });
    const video = await upload(clip, 'Lecture');
    const doc = await upload({ name: 'handout.pdf', content: samplePdf(['Handout']) }, 'Handout');
    const module = await upload({ name: 'check.zip', content: await scormPackage('2004') }, 'Check');
    expect([video.job?.state, doc.content?.kind, module.content?.kind]).toEqual([
      'queued',
      'document',
      'interactive',
    ]);
    await waitForJob(t.cc.store, video.job!.id);

    // One item route, two answers: the public one to a stranger, the full one to the admin.
    for (const id of [video.item.id, doc.item.id, module.item.id]) {
      expectExact(api.PublicItemResponseSchema, (await get(`/api/items/${id}`, false)).json(), `item ${id}`);
      expectExact(api.ItemResponseSchema, (await get(`/api/items/${id}`)).json(), `admin's item ${id}`);
    }
    const ready = (await get(`/api/items/${video.item.id}`)).json<api.ItemResponse>();
    expect(ready.renditions.length).toBeGreaterThan(0);
    expect(ready.item.source).toMatchObject({ container: 'mov' });
    const course = (await get(`/api/courses/${courseId}`, false)).json<api.CourseWithItemsResponse>();
    expectExact(api.CourseWithItemsResponseSchema, course, 'course with items');
    expect(course.items).toHaveLength(3);

    const manifestUrl = module.content?.kind === 'interactive' ? module.content.manifestUrl : '';
    const manifest = await get(new URL(manifestUrl).pathname, false);
    expectExact(api.ModuleManifestSchema, manifest.json(), 'module manifest');

    expectExact(api.JobListResponseSchema, (await get('/api/jobs')).json(), 'GET /api/jobs');
    expectExact(api.JobResponseSchema, (await get(`/api/jobs/${video.job!.id}`)).json(), 'GET job');
    const events = (await get(`/api/jobs/${video.job!.id}/events`)).body;
    const frames = events.split('\n\n').filter((f) => f.startsWith('event:'));
    expect(frames.map((f) => f.split('\n')[0])).toEqual(['event: progress', 'event: done']);
    const data = (f: string): unknown => JSON.parse(f.split('\n')[1]!.slice('data: '.length));
    expectExact(api.JobProgressEventSchema, data(frames[0]!), 'progress event');
    expectExact(api.JobDoneEventSchema, data(frames[1]!), 'done event');

    const again = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${video.item.id}/transcode`,
      headers: t.auth,
    });
    expect(again.statusCode).toBe(202);
    expectExact(api.JobResponseSchema, again.json(), 're-transcode');
    const jobId = again.json<api.JobResponse>().job.id;
    const cancelled = await t.cc.app.inject({
      method: 'POST',
      url: `/api/jobs/${jobId}/cancel`,
      headers: t.auth,
    });
    expectExact(api.JobCancelResponseSchema, cancelled.json(), 'cancel');
  });

  it('playback plans and just-in-time sessions', async () => {
    const { itemId } = await registerSource(t.cc, probedSource());
    const res = await get(`/api/items/${itemId}/playback?viewer=v1`, false);
    expectExact(api.PlaybackResponseSchema, res.json(), 'playback');
    expect(res.json<api.PlaybackResponse>().session).not.toBeNull();
    expect(res.json<api.PlaybackResponse>().url).toMatch(/\/jit-ses_\w+\/master\.m3u8$/);
    const sessions = (await get('/api/sessions')).json<api.JitSessionListResponse>();
    expectExact(api.JitSessionListResponseSchema, sessions, 'sessions');
    expect(sessions.sessions).toHaveLength(1);
  });

  it('every dashboard panel, the panel list and a rebuild', async () => {
    const now = Date.now();
    const rec = (seq: number, name: string, attrs: Record<string, unknown> = {}): EventRecord => ({
      timeMs: now - 60_000 + seq * 1000,
      eventName: name,
      attributes: { 'content.view.id': 'v1', 'content.view.seq': seq, 'hls.plan.mode': 'vod', ...attrs },
      traceId: null,
      spanId: null,
    });
    await t.cc.pipeline.ingest.events(
      [
        rec(0, E.viewStart),
        rec(1, E.videoStartup, { 'content.startup.duration_ms': 700 }),
        rec(2, E.heartbeat, { 'content.view.playing_ms': 9000, 'content.view.watch_ms': 10_000 }),
        rec(3, E.viewEnd, { 'content.view.end_reason': 'pagehide' }),
      ],
      { signal: 'logs', source: 'otlp', service: 'player', userAgent: 'Mozilla/5.0 Firefox/140.0' },
    );
    const item = await publishItem(t.cc, { 'seg_0.m4s': Buffer.alloc(1024, 1) });
    for (let i = 0; i < 3; i++) await get(item.mediaPath('seg_0.m4s'), false);
    await t.cc.instrumentation.forceFlush();

    const list = (await get('/api/dashboard/panels')).json<api.PanelListResponse>();
    expectExact(api.PanelListResponseSchema, list, 'panel list');
    expect(list.panels.map((p) => p.id)).toEqual(api.PANEL_IDS);
    for (const id of api.PANEL_IDS) {
      const res = await get(`/api/dashboard/panels/${id}?browser=firefox`);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(200);
      expectExact(api.panelResponseSchema(id), res.json(), `panel ${id}`);
    }
    const summary = (await get('/api/dashboard/panels/summary')).json<api.PanelAnswer<'summary'>>();
    expect(summary.data.views).toBe(1);
    const rebuilt = await t.cc.app.inject({
      method: 'POST',
      url: '/api/dashboard/rebuild-views',
      headers: t.auth,
    });
    expectExact(api.RebuildViewsResponseSchema, rebuilt.json(), 'rebuild-views');
  });

  it('error answers, with codes of the catalog', async () => {
    const bodies = [
      await get('/api/items/itm_nope', false),
      await get('/api/nothing', false),
      await get('/api/dashboard/panels/no-such-panel'),
      await get('/api/courses', false),
      await t.cc.app.inject({
        method: 'POST',
        url: '/api/courses',
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload: '{"title": ',
      }),
    ].map((r) => r.json<unknown>());
    for (const body of bodies) expectExact(api.ErrorBodySchema, body, JSON.stringify(body));
    expect(t.contractViolations).toEqual([]);
  });
});

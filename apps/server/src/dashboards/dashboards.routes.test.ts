import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_DOCUMENT_FORMAT,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_DURATION_MS,
  ATTR_MODULE_ID,
  ATTR_SCORM_ATTEMPT_ID,
  ATTR_SCORM_CALL,
  ATTR_SCORM_COMPLETION_STATUS,
  ATTR_SCORM_VERSION,
  PLAYBACK_EVENTS as E,
} from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../ingest/event-mapper.js';
import { publishItem } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { PANELS } from './dashboard-panels.js';

let t: TestServer;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

beforeAll(async () => {
  t = await startTestServer();
  const now = Date.now();
  const view = (id: string, startupMs: number | null, fatal: boolean): EventRecord[] => {
    const rec = (seq: number, name: string, attrs: Record<string, unknown> = {}): EventRecord => ({
      timeMs: now - 60_000 + seq * 1000,
      eventName: name,
      attributes: { 'content.view.id': id, 'content.view.seq': seq, 'hls.plan.mode': 'vod', ...attrs },
      traceId: null,
      spanId: null,
    });
    const out = [rec(0, E.viewStart)];
    if (startupMs !== null) out.push(rec(1, E.videoStartup, { 'content.startup.duration_ms': startupMs }));
    if (fatal)
      out.push(rec(2, E.playbackError, { 'error.type': 'networkError', 'content.error.fatal': true }));
    out.push(
      rec(3, E.heartbeat, {
        'content.view.playing_ms': 9000,
        'content.view.stall_ms': 500,
        'content.view.watch_ms': 10_000,
      }),
    );
    out.push(rec(4, E.buffering, { 'content.buffering.phase': 'end', 'content.buffering.duration_ms': 500 }));
    out.push(rec(5, E.viewEnd, { 'content.view.end_reason': 'pagehide' }));
    return out;
  };
  const from = { signal: 'logs', source: 'otlp', service: 'player', userAgent: FIREFOX };
  await t.cc.pipeline.ingest.events(
    [...view('a', 400, false), ...view('b', 1200, false), ...view('c', null, true)],
    from,
  );
  // Server activity: edge misses and hits, so the CDN panels have data.
  const item = await publishItem(t.cc, { 'seg_0.m4s': Buffer.alloc(1024, 1) });
  for (let i = 0; i < 4; i++) await t.cc.app.inject({ method: 'GET', url: item.mediaPath('seg_0.m4s') });
  await t.cc.instrumentation.forceFlush();
});
afterAll(() => t.close());

const get = (url: string, auth = true) =>
  t.cc.app.inject({ method: 'GET', url, headers: auth ? t.auth : {} });
type Nums = Record<string, number>;
interface Series {
  group: string;
  value: number;
}
/** A panel's `data`, typed by the test. */
async function panel<T>(url: string): Promise<T> {
  return (await get(url)).json<{ data: T }>().data;
}
const errorOf = (res: { json<T>(): T }) => res.json<{ error: { code: string; message: string } }>().error;

describe('dashboard panels', () => {
  it('lists the panels, admin only', async () => {
    expect((await get('/api/dashboard/panels', false)).statusCode).toBe(401);
    const res = await get('/api/dashboard/panels');
    const panels = res.json<{ panels: { id: string; source: string }[] }>().panels;
    expect(panels.map((p) => p.id)).toEqual(Object.keys(PANELS));
    expect(panels.find((p) => p.id === 'content-loads')).toMatchObject({ source: 'server' });
  });

  it('computes the playback headline figures from the views', async () => {
    const res = await get('/api/dashboard/panels/summary');
    expect(res.statusCode).toBe(200);
    const d = res.json<{ data: Nums }>().data;
    expect(d).toMatchObject({ views: 3, played: 2, failed_before_start: 1, exited_before_start: 0 });
    expect(d.success_rate).toBeCloseTo(2 / 3);
    expect(d.startup_p50_ms).toBeCloseTo(800);
    expect(d.rebuffer_ratio).toBeCloseTo(1500 / 30_000);
    const byBrowser = await panel<unknown[]>('/api/dashboard/panels/success-by-browser');
    expect(byBrowser).toEqual([expect.objectContaining({ key: 'firefox', views: 3, played: 2 })]);
    const hist = await panel<{ count: number; counts: number[] }>('/api/dashboard/panels/startup-histogram');
    expect(hist.count).toBe(2);
    expect(hist.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('filters, and answers every panel', async () => {
    const none = await panel<Nums>('/api/dashboard/panels/summary?browser=chrome');
    expect(none.views).toBe(0);
    for (const id of Object.keys(PANELS)) {
      const res = await get(`/api/dashboard/panels/${id}`);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(200);
    }
    const cdn = await panel<{ ratio: { total: number }[]; byStatus: Series[] }>(
      '/api/dashboard/panels/cdn-hit-ratio',
    );
    const total = cdn.ratio.reduce((a, r) => a + r.total, 0);
    expect(total).toBe(4);
    const origin = await panel<{ summary: Nums }>('/api/dashboard/panels/origin-latency');
    expect(origin.summary.count).toBe(1);
    expect(origin.summary.p95).toBeGreaterThan(0);
    const hits = cdn.byStatus.filter((p) => p.group === 'HIT');
    expect(hits.reduce((a, p) => a + p.value, 0)).toBe(3);
  });

  it('answers the course material panel from stored load and SCORM events', async () => {
    const now = Date.now();
    const event = (name: string, attrs: Record<string, unknown>): EventRecord => ({
      timeMs: now - 30_000,
      eventName: name,
      attributes: { [ATTR_MODULE_ID]: 'itm_doc', [ATTR_CONTENT_COURSE_ID]: 'crs_material', ...attrs },
      traceId: null,
      spanId: null,
    });
    const scorm = (call: string) =>
      event(E.scormCall, {
        [ATTR_MODULE_ID]: 'itm_scorm',
        [ATTR_SCORM_CALL]: call,
        [ATTR_SCORM_VERSION]: '2004',
        [ATTR_SCORM_ATTEMPT_ID]: 'att_1',
        [ATTR_SCORM_COMPLETION_STATUS]: 'completed',
      });
    const stored = await t.cc.pipeline.ingest.events(
      [
        event(E.documentLoad, { [ATTR_DOCUMENT_FORMAT]: 'pdf', [ATTR_LOAD_DURATION_MS]: 120 }),
        event(E.documentLoad, {
          [ATTR_DOCUMENT_FORMAT]: 'pdf',
          [ATTR_LOAD_DURATION_MS]: 90,
          [ATTR_ERROR_TYPE]: 'x',
        }),
        scorm('initialize'),
        scorm('finish'),
      ],
      { signal: 'logs', source: 'otlp', service: 'player', userAgent: FIREFOX },
    );
    expect(stored).toMatchObject({ stored: 4, rejected: 0 });
    const d = await panel<{ loads: unknown[]; scorm: unknown[]; slowest: unknown[] }>(
      '/api/dashboard/panels/content-loads?course=crs_material',
    );
    expect(d.loads).toEqual([
      expect.objectContaining({ kind: 'document', type: 'pdf', loads: 2, failed: 1, success_rate: 0.5 }),
    ]);
    expect(d.scorm).toEqual([
      expect.objectContaining({ version: '2004', attempts: 1, finished: 1, completed: 1 }),
    ]);
    expect(d.slowest).toEqual([expect.objectContaining({ item_id: 'itm_doc', load_p95_ms: 120 })]);
    const other = await panel<typeof d>('/api/dashboard/panels/content-loads?course=crs_other');
    expect(other).toEqual({ loads: [], scorm: [], slowest: [], failures: [] });
  });

  it('refuses unknown panels and bad ranges with clear errors', async () => {
    const unknown = await get('/api/dashboard/panels/nope');
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).message).toContain('summary');
    const backwards = await get('/api/dashboard/panels/summary?from=2000&to=1000');
    expect(backwards.statusCode).toBe(400);
    expect(errorOf(backwards).message).toContain('before');
    const junk = await get('/api/dashboard/panels/summary?browser=%27%3B%20DROP');
    expect(junk.statusCode).toBe(400);
    const extra = await get('/api/dashboard/panels/summary?colour=red');
    expect(extra.statusCode).toBe(400);
  });

  it('rebuilds views from raw events with the same figures', async () => {
    const before = await panel<Nums>('/api/dashboard/panels/summary');
    const res = await t.cc.app.inject({
      method: 'POST',
      url: '/api/dashboard/rebuild-views',
      headers: t.auth,
    });
    expect(res.json()).toEqual({ views: 3 });
    expect(await panel<Nums>('/api/dashboard/panels/summary')).toEqual(before);
  });
});

import { ReadinessResponseSchema, type ReadinessResponse } from '@coursecast/api';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, otlpLogs } from '../test-support/otlp-json.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { mountTmpfs, type Tmpfs } from '../test-support/tmpfs.js';
import type { EventRow } from './store/telemetry-rows.js';
import { eventRow } from '../test-support/event-row.fixture.js';

const MiB = 1024 * 1024;

const readiness = async (t: TestServer) => {
  const res = await t.cc.app.inject({ url: '/healthz/ready' });
  return { status: res.statusCode, body: ReadinessResponseSchema.parse(res.json()) as ReadinessResponse };
};

describe('liveness and readiness', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(
      { readyMinFreeBytes: 1000 },
      { startQueue: false, freeBytes: async () => free },
    );
  });
  afterAll(() => t.close());
  let free = 10 * MiB;

  it('keeps /healthz a plain liveness answer, and answers readiness with every check', async () => {
    const live = await t.cc.app.inject({ url: '/healthz' });
    expect([live.statusCode, live.json()]).toEqual([200, { status: 'ok' }]);
    expect(await readiness(t)).toEqual({
      status: 200,
      body: {
        status: 'ready',
        notReady: [],
        checks: [
          { name: 'catalog_store', ready: true, detail: null },
          { name: 'telemetry_store', ready: true, detail: null },
          { name: 'data_volume', ready: true, detail: `${10 * MiB} bytes free, floor 1000` },
        ],
      },
    });
  });

  it('answers 503 naming the data volume below its floor, while liveness stays 200', async () => {
    free = 10;
    const { status, body } = await readiness(t);
    expect([status, body.status, body.notReady]).toEqual([503, 'not_ready', ['data_volume']]);
    expect((await t.cc.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    free = 10 * MiB;
    expect((await readiness(t)).status).toBe(200);
  });
});

const event = (seq: number): EventRow =>
  eventRow({
    name: E.videoStartup,
    viewId: `filler-${seq}`,
    seq,
    durationMs: seq,
    attrs: { pad: `${seq}-${Math.random().toString(36).repeat(12)}` },
  });

// A whole server on a data volume that fills up: what an operator and a load balancer see.
describe('a server whose data volume fills up', () => {
  let volume: Tmpfs;
  let t: TestServer;
  beforeAll(async () => {
    volume = mountTmpfs(12 * MiB);
    // The volume's free space is reported as ample: the ingest's own floor (507) and readiness's data_volume
    // check stay out of the way, so what is seen here is the store failing and coming back alone.
    t = await startTestServer({}, { startQueue: false, freeBytes: async () => 2 ** 40 }, volume.dir);
  }, 30_000);
  afterAll(async () => {
    await t?.close().catch(() => {});
    volume?.unmount();
  });

  it('is unready naming the telemetry store, answers 503 to writes, and recovers alone when space returns', async () => {
    const store = t.cc.pipeline.store;
    let acked = 0;
    for (let seq = 0, full = false; !full;) {
      const rows = Array.from({ length: 200 }, () => event(seq++));
      full = await store.events.commit(rows).then(
        () => ((acked += rows.length), false),
        () => true,
      );
    }
    // The hourly retention pass checkpoints; on a full disk that invalidates the database.
    await expect(store.db.exec('CHECKPOINT')).rejects.toMatchObject({ code: 'unavailable' });

    const down = await readiness(t);
    expect(down.status).toBe(503);
    expect(down.body.notReady).toEqual(['telemetry_store']);
    // A public answer: the state, never the database's error text (it names the file).
    const detail = down.body.checks.find((c) => c.name === 'telemetry_store')?.detail ?? '';
    expect(detail).toMatch(/reopening since .* after a fatal error/);
    expect(detail).not.toContain(t.dataDir);
    expect((await t.cc.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    const beacon = otlpLogs([
      { name: E.viewStart, timeMs: Date.now(), attrs: { 'content.view.id': 'v', 'content.view.seq': 0 } },
    ]);
    const ingest = await t.cc.app.inject({
      method: 'POST',
      url: '/v1/logs',
      payload: jsonBody(beacon),
      headers: { 'content-type': 'application/json' },
    });
    expect(ingest.statusCode).toBe(503);
    expect(ingest.json()).toMatchObject({
      error: { code: 'store_unavailable', message: expect.stringMatching(/reopening/) },
    });
    const panel = await t.cc.app.inject({ url: '/api/dashboard/panels/summary', headers: t.auth });
    expect([panel.statusCode, panel.json<{ error: { code: string } }>().error.code]).toEqual([
      503,
      'store_unavailable',
    ]);

    volume.resize(64 * MiB);
    const deadline = Date.now() + 9000;
    while ((await readiness(t)).status !== 200) {
      if (Date.now() > deadline)
        throw new Error(`still not ready: ${JSON.stringify((await readiness(t)).body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = await store.reader.all(
      "SELECT count(*)::INTEGER AS n FROM events WHERE view_id LIKE 'filler-%'",
    );
    expect(rows[0]!['n']).toBe(acked);
    const again = await t.cc.app.inject({
      method: 'POST',
      url: '/v1/logs',
      payload: jsonBody(beacon),
      headers: { 'content-type': 'application/json' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(
      (await t.cc.app.inject({ url: '/api/dashboard/panels/summary', headers: t.auth })).statusCode,
    ).toBe(200);
  }, 30_000);
});

// The telemetry store keeps to its quota (oldest received rows first) and gives way to media on a nearly full
// volume; uploads and transcodes keep working throughout. Each test checks the answer and what is stored.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { afterAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { jsonBody, otlpLogs } from '../../test-support/otlp-json.js';
import { startTestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';
import { enforceQuota, telemetryUsedBytes } from '../store/telemetry-quota.js';
import type { EventRow } from '../store/telemetry-rows.js';
import { openTelemetryStore, telemetryDbPath, type TelemetryStore } from '../store/telemetry-store.js';
import { eventRow } from '../../test-support/event-row.fixture.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'cc-quota-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// Incompressible attributes, so the store's size follows the row count.
const row = (seq: number, receivedAt: number): EventRow =>
  eventRow({
    viewId: `view-${seq}`,
    time: receivedAt,
    receivedAt,
    attrs: { note: randomBytes(24).toString('hex') },
  });

/**
 * `n` events received 1 ms apart from `t0`, checkpointed. DuckDB frees the space of deleted rows when it can
 * merge row groups (122,880 rows each), so a store spans several of them, as any store near a real quota does.
 */
async function fill(store: TelemetryStore, t0: number, n: number): Promise<void> {
  for (let at = 0; at < n; at += 50_000) {
    await store.events.commit(
      Array.from({ length: Math.min(50_000, n - at) }, (_, i) => row(at + i, t0 + at + i)),
    );
  }
  await store.db.exec('CHECKPOINT');
}

describe('the telemetry store quota', () => {
  it('deletes the oldest received rows until the store is back under its quota, and keeps the newest', async () => {
    const file = telemetryDbPath(dir);
    const store = await openTelemetryStore(file);
    try {
      const t0 = Date.UTC(2026, 11, 1);
      await fill(store, t0, 400_000);
      const before = await telemetryUsedBytes(store.db, file);
      const quota = Math.floor(before / 2);
      const result = await enforceQuota(store.db, file, quota);
      expect(result.usedBefore).toBe(before);
      expect(result.usedAfter).toBeLessThanOrEqual(quota);
      expect(result.pruned.events).toBeGreaterThan(0);
      const [left] = await store.db.all(
        'SELECT count(*)::INTEGER AS n, min(epoch_ms(received_at)) AS oldest, max(epoch_ms(received_at)) AS newest FROM events',
      );
      expect(Number(left?.['n'])).toBe(400_000 - result.pruned.events);
      // What is left is a suffix by receive time: every pruned row was older than every kept one.
      expect(Number(left?.['newest'])).toBe(t0 + 399_999);
      expect(Number(left?.['oldest'])).toBeGreaterThan(t0);
      // Under the quota, a pass deletes nothing.
      expect((await enforceQuota(store.db, file, quota)).pruned.events).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('a server whose telemetry reaches its quota or whose volume runs low', () => {
  it('keeps the store at its quota and refuses telemetry under the floor, while uploads and transcodes go on', async () => {
    let free = 100 * 1024 * MiB;
    const t = await startTestServer(
      { ingest: { storeQuotaBytes: 8 * MiB, storeCheckSeconds: 3600 } },
      { freeBytes: async () => free },
    );
    try {
      const post = (view: string) =>
        t.cc.app.inject({
          method: 'POST',
          url: '/v1/logs',
          headers: { 'content-type': 'application/json' },
          payload: jsonBody(
            otlpLogs([
              {
                name: E.viewStart,
                timeMs: Date.now(),
                attrs: { 'content.view.id': view, 'content.view.seq': 0 },
              },
            ]),
          ),
        });
      // What a long flood leaves: 400,000 rows received over the last seconds, then one beacon through HTTP.
      const store = t.cc.pipeline.store;
      await fill(store, Date.now() - 400_000, 400_000);
      expect((await post('newest')).statusCode).toBe(200);
      const full = await telemetryUsedBytes(store.db, telemetryDbPath(t.dataDir));
      expect(full).toBeGreaterThan(8 * MiB);
      await t.cc.pipeline.guard.check();
      expect(t.cc.pipeline.guard.usedBytes()).toBeLessThanOrEqual(8 * MiB);
      const [kept] = await store.db.all(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE view_id = 'newest')::INTEGER AS newest FROM events`,
      );
      // The oldest went, the newest stayed.
      expect(Number(kept?.['n'])).toBeLessThan(400_000);
      expect(Number(kept?.['newest'])).toBe(1);
      const metrics = await t.cc.app.inject({ url: '/metrics' });
      expect(metrics.body).toMatch(/ingest_store_pruned_total\{[^}]*ingest_table="events"[^}]*\} [1-9]/);

      // The volume under the telemetry floor (1 GiB by default), above the uploads' own: telemetry waits.
      free = 600 * MiB;
      await t.cc.pipeline.guard.check();
      const refused = await post('low');
      expect(refused.statusCode).toBe(507);
      expect(refused.json()).toMatchObject({ error: { code: 'insufficient_storage' } });
      const course = await createCourse(t);
      const { job } = await uploadLecture(t, course, await testClip({ seconds: 2, width: 320, height: 180 }));
      expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');
      free = 100 * 1024 * MiB;
      await t.cc.pipeline.guard.check();
      expect((await post('back')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

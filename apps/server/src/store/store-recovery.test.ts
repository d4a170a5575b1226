import { statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../../test-support/tmpfs.js';
import { createReadinessCheck } from '../readiness-check.js';
import { openDuckDbDatabase } from './duckdb-database.js';
import { openTelemetryStore, telemetryDbPath, type TelemetryStore } from './telemetry-store.js';
import type { EventRow } from './telemetry-rows.js';
import { eventRow } from '../../test-support/event-row.fixture.js';

const MiB = 1024 * 1024;

const event = (seq: number): EventRow =>
  eventRow({
    time: Date.UTC(2026, 10, 21, 12, 0, 0) + seq,
    receivedAt: Date.UTC(2026, 10, 21, 12, 0, 1),
    name: 'content.video_startup',
    viewId: `view-${seq}`,
    seq,
    sessionId: `session-${seq}`,
    durationMs: seq,
    // Incompressible enough that a few MB of WAL fill the volume in a few hundred commits.
    attrs: { note: `${seq}-${Math.random().toString(36).repeat(12)}` },
  });

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const freeBytes = async (dir: string): Promise<number> => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

describe('the telemetry store on a full disk', () => {
  let volume: Tmpfs;
  let store: TelemetryStore;

  beforeAll(async () => {
    volume = mountTmpfs(8 * MiB);
    store = await openTelemetryStore(telemetryDbPath(volume.dir), {
      reopen: { firstDelayMs: 50, maxDelayMs: 200 },
    });
  });
  afterAll(async () => {
    await store?.close();
    volume?.unmount();
  });

  it('turns unready when a checkpoint fails, reopens by itself when space returns, and loses no acked row', async () => {
    const readiness = createReadinessCheck({
      stores: [{ name: 'telemetry_store', store }],
      dataDir: volume.dir,
      freeBytes,
      minFreeBytes: 256 * 1024,
    });
    expect((await readiness.check()).status).toBe('ready');

    // Fill the volume: the commit whose WAL write hits ENOSPC fails, and was never acknowledged.
    let acked = 0;
    let refusal: unknown = null;
    for (let seq = 0; refusal === null && seq < 200_000;) {
      const rows = Array.from({ length: 200 }, () => event(seq++));
      await store.events.commit(rows).then(
        () => (acked += rows.length),
        (err: unknown) => (refusal = err),
      );
    }
    expect(String(refusal)).toMatch(/No space left on device/);
    expect(acked).toBeGreaterThan(1000);

    // A checkpoint (retention runs one) on a full disk is fatal in DuckDB: the instance is invalidated.
    await expect(store.db.exec('CHECKPOINT')).rejects.toMatchObject({ code: 'unavailable' });
    expect(store.health()).toMatchObject({ state: 'reopening', error: expect.stringMatching(/checkpoint/i) });
    // Reopening on a disk that is still full does not count as back: the reopen's own checkpoint fails.
    await waitFor('a reopen attempt to fail', () => store.health().failedAttempts >= 2);
    expect(store.health().state).toBe('reopening');
    const down = await readiness.check();
    expect(down.status).toBe('not_ready');
    expect(down.notReady).toEqual(['telemetry_store', 'data_volume']);
    expect(down.checks[0]!.detail).toMatch(/reopening since .* after a fatal error/);
    // The cause is in the store's health (logged), not in the public answer.
    expect(store.health().error).toMatch(/No space left on device/);

    // While it is down every call fails at once with a clear error, and nothing is half-written.
    const refused = { name: 'StoreError', code: 'unavailable', message: expect.stringMatching(/reopening/) };
    await expect(store.events.commit([event(9_999_999)])).rejects.toMatchObject(refused);
    await expect(store.reader.all('SELECT 1')).rejects.toMatchObject(refused);
    await expect(store.db.all('SELECT 1')).rejects.toMatchObject(refused);

    // Space comes back: the store reopens on its own, the WAL is replayed.
    volume.resize(64 * MiB);
    await waitFor('the store to reopen', () => store.health().state === 'open');
    expect(store.health()).toMatchObject({ error: null, reopens: 1 });

    const count = async (run: (sql: string) => Promise<Record<string, unknown>[]>): Promise<number> =>
      Number((await run('SELECT count(*)::INTEGER AS n FROM events'))[0]!['n']);
    expect(await count((sql) => store.reader.all(sql))).toBe(acked);
    expect(await count((sql) => store.db.all(sql))).toBe(acked);

    // The same objects the rest of the server holds write again.
    await store.events.commit([event(acked), event(acked + 1)]);
    await store.spans.commit([]);
    expect(await count((sql) => store.reader.all(sql))).toBe(acked + 2);
    await store.db.exec('CHECKPOINT');
    expect(await readiness.check()).toMatchObject({ status: 'ready', notReady: [] });
  }, 30_000);
});

describe('a database on a full disk (the catalog is one)', () => {
  let volume: Tmpfs;
  beforeAll(() => {
    volume = mountTmpfs(4 * MiB);
  });
  afterAll(() => volume?.unmount());

  it('fails fast while down, reopens by itself, and keeps every committed transaction', async () => {
    const db = await openDuckDbDatabase(`${volume.dir}/catalog.duckdb`, {
      reopen: { firstDelayMs: 20, maxDelayMs: 100 },
    });
    const states: string[] = [];
    db.onHealthChange((h) => states.push(h.state));
    try {
      await db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR)');
      let committed = 0;
      for (let failed = false; !failed;) {
        const id = committed;
        failed = await db
          .transaction(async (tx) => {
            await tx.all('INSERT INTO notes VALUES ($1, $2)', [id, Math.random().toString(36).repeat(3000)]);
          })
          .then(
            () => ((committed += 1), false),
            () => true,
          );
      }
      // Queued behind the fatal checkpoint: fails fast with the same clear error, without touching the instance.
      const checkpoint = db.exec('CHECKPOINT');
      const queued = db.all('SELECT count(*) AS n FROM notes');
      await expect(checkpoint).rejects.toMatchObject({ code: 'unavailable' });
      await expect(queued).rejects.toMatchObject({
        code: 'unavailable',
        message: /catalog\.duckdb .*reopening/,
      });
      await expect(db.transaction(async () => {})).rejects.toMatchObject({ code: 'unavailable' });

      volume.resize(64 * MiB);
      await waitFor('the database to reopen', () => db.health().state === 'open');
      expect(states).toEqual(['reopening', 'open']);
      const rows = await db.all('SELECT count(*)::INTEGER AS n FROM notes');
      expect(rows[0]!['n']).toBe(committed);
      await db.transaction((tx) => tx.exec(`INSERT INTO notes VALUES (${committed}, 'after')`));
    } finally {
      await db.close();
    }
    expect(db.health().state).toBe('closed');
  }, 30_000);
});

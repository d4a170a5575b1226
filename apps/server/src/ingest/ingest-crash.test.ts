import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { afterEach, expect, it } from 'vitest';
import { openTelemetryStore, telemetryDbPath } from '../store/telemetry-store.js';
import { jsonBody, otlpLogs } from '../../test-support/otlp-json.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const fixture = path.join(here, '../../test-support/ingest-crash.fixture.ts');
let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('keeps every acknowledged event when the server is killed with SIGKILL mid-ingest', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-ingest-crash-'));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, dir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_c, signal) => resolve(signal)),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let base = '';
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('URL ')) {
      base = line.slice(4);
      break;
    }
  }
  expect(base, stderr).toMatch(/^http:/);

  // Four clients post batches of 50 events as fast as acks come back; the server dies after the 40th ack,
  // with requests of the others still in flight (some accepted but not acked: those may or may not be there).
  const acked: string[] = [];
  let sent = 0;
  let killed = false;
  async function client(n: number): Promise<void> {
    for (let b = 0; !killed; b++) {
      const view = `crash-${n}-${b}`;
      const events = Array.from({ length: 50 }, (_, seq) => ({
        name: E.heartbeat,
        timeMs: Date.now(),
        attrs: {
          'content.view.id': view,
          'content.view.seq': seq,
          'content.view.playing_ms': seq * 10,
          'content.view.stall_ms': 0,
          'content.view.watch_ms': seq * 10,
        },
      }));
      sent++;
      const res = await fetch(`${base}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: jsonBody(otlpLogs(events)),
      }).catch(() => null);
      if (res?.status === 200) {
        acked.push(view);
        if (acked.length >= 40 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    }
  }
  await Promise.all([0, 1, 2, 3].map(client));
  clearTimeout(safety);
  expect(await exited, stderr).toBe('SIGKILL');
  expect(sent).toBeGreaterThan(acked.length);

  const store = await openTelemetryStore(telemetryDbPath(dir));
  try {
    const rows = await store.db.all('SELECT view_id, count(*)::INTEGER AS n FROM events GROUP BY view_id');
    const found = new Map(rows.map((r) => [String(r['view_id']), Number(r['n'])]));
    for (const view of acked) expect(found.get(view), view).toBe(50);
  } finally {
    await store.close();
  }
}, 60_000);

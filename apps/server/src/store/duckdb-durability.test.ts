import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDbCatalogStore } from './duckdb-catalog-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const writer = path.join(here, '../../test-support/crash-writer.fixture.ts');
// tsx runs the TypeScript child; `source` resolves workspace packages to their src like vitest does.
const NODE_ARGS = ['--conditions=source', '--import', 'tsx', writer];
const hasStrace = spawnSync('strace', ['-V']).status === 0;

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coursecast-durability-'));
  file = path.join(dir, 'catalog.duckdb');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

describe('opening', () => {
  it('creates missing directories', async () => {
    const nested = path.join(dir, 'a', 'b', 'c', 'catalog.duckdb');
    const store = await openDuckDbCatalogStore({ path: nested });
    await store.close();
    expect(await exists(nested)).toBe(true);
  });

  it('rejects a file that is not a DuckDB database, naming it', async () => {
    await writeFile(file, 'definitely not a database\n'.repeat(500));
    await expect(openDuckDbCatalogStore({ path: file })).rejects.toMatchObject({
      name: 'StoreError',
      code: 'corrupt',
      message: expect.stringContaining(file) as unknown,
    });
    await writeFile(file, '');
    await expect(openDuckDbCatalogStore({ path: file })).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('refuses a second store on the same file in this process', async () => {
    const first = await openDuckDbCatalogStore({ path: file });
    await expect(
      openDuckDbCatalogStore({ path: path.join(dir, '.', 'catalog.duckdb') }),
    ).rejects.toMatchObject({
      code: 'locked',
    });
    await first.close();
    const second = await openDuckDbCatalogStore({ path: file });
    await second.close();
  });
});

describe('durability', () => {
  it('keeps everything across close and re-open, with the WAL checkpointed on close', async () => {
    const store = await openDuckDbCatalogStore({ path: file });
    await store.createCourse({ id: 'crs_1', title: 'Kept', description: 'after close' });
    await store.close();
    expect(await exists(`${file}.wal`)).toBe(false);

    const reopened = await openDuckDbCatalogStore({ path: file });
    expect(await reopened.getCourse('crs_1')).toMatchObject({ title: 'Kept', description: 'after close' });
    await reopened.close();
  });

  it('keeps every acknowledged write when the process is SIGKILLed', async () => {
    const child = spawn(process.execPath, [...NODE_ARGS, file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const safety = setTimeout(() => child.kill('SIGKILL'), 8000);

    const acked: string[] = [];
    let lockChecked = false;
    for await (const line of createInterface({ input: child.stdout })) {
      acked.push(...line.replace(/^ACK /, '').split(' '));
      if (!lockChecked) {
        lockChecked = true;
        // While the child holds the file, DuckDB's lock keeps this process out.
        await expect(openDuckDbCatalogStore({ path: file })).rejects.toMatchObject({ code: 'locked' });
      }
      if (acked.filter((id) => id.startsWith('crs_')).length >= 25) {
        child.kill('SIGKILL'); // right after an ACK: no close, no checkpoint
        break;
      }
    }
    clearTimeout(safety);
    expect(await exited, stderr).toBe('SIGKILL');
    // The rows live only in the WAL, so finding them below means the WAL was written before each ACK.
    expect((await stat(`${file}.wal`)).size).toBeGreaterThan(0);

    const store = await openDuckDbCatalogStore({ path: file });
    try {
      for (const id of acked.filter((a) => a.startsWith('crs_'))) {
        expect(await store.getCourse(id), id).not.toBeNull();
      }
      expect(await store.getItem('itm_base')).toMatchObject({
        sourceInfo: { container: 'mp4' },
        sourceBytes: 1234,
      });
      expect(await store.getJob('job_base')).toMatchObject({ state: 'running', attempts: 1 });
      expect((await store.requeueInterruptedJobs()).requeued.map((j) => j.id)).toEqual(['job_base']);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!hasStrace)('fsyncs the WAL before every acknowledged commit resolves', async () => {
    const trace = path.join(dir, 'strace.txt');
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-qq',
        '-y',
        '-e',
        'trace=fsync,fdatasync,write',
        '-o',
        trace,
        process.execPath,
        ...NODE_ARGS,
        file,
        '10',
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('ACK'))).toHaveLength(12);

    // Walk the syscalls in order: between two ACK writes to stdout there must be a completed
    // fsync/fdatasync of the WAL file (a call may be split into "unfinished" and "resumed" lines).
    const wal = `${file}.wal>`;
    const pendingSync = new Set<string>();
    let syncsSinceAck = 0;
    let acks = 0;
    for (const line of (await readFile(trace, 'utf8')).split('\n')) {
      const pid = line.split(/\s+/, 1)[0] ?? '';
      if (/ f(data)?sync\(/.test(line) && line.includes(wal)) {
        if (line.includes('<unfinished')) pendingSync.add(pid);
        else if (/= 0$/.test(line)) syncsSinceAck += 1;
      } else if (/<\.\.\. f(data)?sync resumed>.*= 0$/.test(line) && pendingSync.delete(pid)) {
        syncsSinceAck += 1;
      } else if (/ write\(1<.*"ACK /.test(line)) {
        expect(syncsSinceAck, `fsyncs of the WAL before ACK #${acks + 1}`).toBeGreaterThanOrEqual(1);
        syncsSinceAck = 0;
        acks += 1;
      }
    }
    expect(acks).toBe(12);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClip } from '../../test-support/media-fixtures.js';
import { multipartBody } from '../../test-support/multipart.js';
import { SERVE_ADMIN, serveProcess, type Serving } from '../../test-support/serve-process.js';

// Files on the disk before the rows that point at them commit, watched from outside: the server runs under
// strace, which logs each fsync with the path of its descriptor (-y) and each rename, in the order they ran.
// scripts/setup installs strace; without it this test fails saying so, never skips.

const STRACE = '/usr/bin/strace';
const cleanups: (() => void)[] = [];
let s: Serving;
let log: string;
let work: string;

beforeAll(async () => {
  if (!existsSync(STRACE))
    throw new Error(`${STRACE} is missing: run scripts/setup (it installs Debian's strace)`);
  work = mkdtempSync(path.join(tmpdir(), 'cc-strace-'));
  log = path.join(work, 'strace.log');
  const trace = 'trace=fsync,fdatasync,rename,renameat,renameat2';
  s = await serveProcess({
    wrap: [STRACE, '-f', '-y', '-qq', '-e', trace, '-e', 'signal=none', '-o', log],
    onCleanup: (c) => cleanups.push(c),
  });
  s.child.stdout?.resume();
});
afterAll(async () => {
  // strace passes no signal on: the server (the first pid in the log) is stopped directly.
  const pid = Number(/^(\d+)/.exec(readFileSync(log, 'utf8'))?.[1]);
  if (pid > 0) process.kill(pid, 'SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
  for (const c of cleanups.reverse()) c();
  rmSync(work, { recursive: true, force: true });
});

/** The traced calls so far, one per line, with the server's pids taken off. */
function calls(): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .map((l) => l.replace(/^\d+\s+/, ''))
    .filter((l) => /^(fsync|fdatasync|rename)/.test(l));
}
const synced = (lines: string[], file: string): number =>
  lines.findIndex((l) => /^f(data)?sync\(/.test(l) && l.includes(`<${file}>`));
const isCommit = (l: string): boolean => /^f(data)?sync\(\d+<[^>]*\.duckdb(\.wal)?>/.test(l);

async function api(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${s.base}${pathname}`, { ...init, headers: { ...SERVE_ADMIN, ...init.headers } });
}

describe('fsync before the row commits', () => {
  it('an uploaded lecture and its folders are synced before its item is committed, and its ladder before it is ready', async () => {
    const clip = await testClip({ seconds: 4, width: 320, height: 240 });
    const course = await api('/api/courses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Durable' }),
    });
    const courseId = ((await course.json()) as { course: { id: string } }).course.id;
    const before = calls().length;
    const body = await multipartBody(clip);
    const up = await api(`/api/courses/${courseId}/uploads`, {
      method: 'POST',
      headers: body.headers,
      body: body.payload,
    });
    expect(up.status).toBe(201);
    const { item, job } = (await up.json()) as { item: { id: string }; job: { id: string } };

    const upload = calls().slice(before);
    const itemDir = path.join(s.dataDir, 'uploads', item.id);
    const commit = upload.findIndex(isCommit);
    expect(commit).toBeGreaterThan(-1);
    for (const target of [path.join(itemDir, 'source.mp4'), itemDir, path.join(s.dataDir, 'uploads')]) {
      const at = synced(upload, target);
      expect(at, `fsync of ${target}`).toBeGreaterThan(-1);
      expect(at, `fsync of ${target} before the commit`).toBeLessThan(commit);
    }

    for (let status = ''; status !== 'ready'; await new Promise((r) => setTimeout(r, 100))) {
      const res = await api(`/api/items/${item.id}`);
      status = ((await res.json()) as { item: { status: string } }).item.status;
      expect(status).not.toBe('failed');
    }
    const all = calls();
    const staging = path.join(s.dataDir, 'media', item.id, `.staging-${job.id}-a1`);
    const live = path.join(s.dataDir, 'media', item.id, job.id);
    const published = all.findIndex((l) => l.startsWith('rename') && l.includes(`"${staging}", "${live}"`));
    expect(published, 'the rename of the staged ladder').toBeGreaterThan(-1);
    const files = (await readdir(live, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      const staged = path.join(staging, path.relative(live, path.join(f.parentPath, f.name)));
      const at = synced(all, staged);
      expect(at, `fsync of ${staged}`).toBeGreaterThan(-1);
      expect(at).toBeLessThan(published);
    }
    expect(synced(all.slice(published), path.join(s.dataDir, 'media', item.id))).toBeGreaterThan(-1);
    expect(all.slice(published).findIndex(isCommit), 'a commit after the publish').toBeGreaterThan(-1);
  }, 90_000);
});

// Guards the guard: the check above must find a fsync it is given, and miss one it is not.
describe('the trace reader', () => {
  it('finds a synced path and tells a commit', () => {
    const lines = ['fsync(21</d/uploads/itm_1/source.mp4>) = 0', 'fdatasync(7</d/catalog.duckdb.wal>) = 0'];
    expect(synced(lines, '/d/uploads/itm_1/source.mp4')).toBe(0);
    expect(synced(lines, '/d/uploads/itm_1')).toBe(-1);
    expect(lines.map(isCommit)).toEqual([false, true]);
    expect(execFileSync(STRACE, ['-V']).toString()).toMatch(/strace/);
  });
});

import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testClip } from '../test-support/media-fixtures.js';
import { multipartBody } from '../test-support/multipart.js';
import { findProcesses, waitForProcess } from '../test-support/processes.js';
import { mountTmpfs } from '../test-support/tmpfs.js';
import { SERVE_ADMIN, serveProcess, type Serving } from '../test-support/serve-process.js';

// `coursecast serve` as an operator runs it (its own signal handling, logger and exit code), with its log
// (stdout) where it cannot be written: a file on a full volume, a pipe nobody reads.

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});
const ADMIN = SERVE_ADMIN;

function serve(stdout: number | 'pipe', env: Record<string, string> = {}): Promise<Serving> {
  return serveProcess({ stdout, env, onCleanup: (c) => cleanups.push(c) });
}

async function droppedLines(base: string, reason: string): Promise<number> {
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const line = new RegExp(
    `coursecast_log_dropped_total\\{coursecast_log_drop_reason="${reason}"[^}]*\\} (\\d+)`,
  );
  return Number(line.exec(metrics)?.[1]);
}

describe('coursecast serve with its log on a full disk', () => {
  it('keeps answering, counts the lines it drops, logs again when space returns, exits 0 on SIGTERM', async () => {
    const volume = mountTmpfs(512 * 1024);
    cleanups.push(() => volume.unmount());
    const log = path.join(volume.dir, 'server.log');
    const logFd = openSync(log, 'a');
    cleanups.push(() => closeSync(logFd));
    const filler = path.join(volume.dir, 'filler');
    // Fills the volume to its last byte (the write fails with ENOSPC, what it wrote stays).
    expect(() => writeFileSync(filler, Buffer.alloc(64 * 1024 * 1024))).toThrow(/ENOSPC/);
    const s = await serve(logFd);

    // Fastify logs two lines per request: every one of them hits ENOSPC.
    for (let i = 0; i < 40; i++) expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.base}/healthz/ready`)).status).toBe(200);
    expect(await droppedLines(s.base, 'write_error')).toBeGreaterThanOrEqual(80);

    rmSync(filler);
    expect((await fetch(`${s.base}/healthz?after=space`)).status).toBe(200);
    // The destination writes in the background: wait for the request's lines to reach the file.
    const logged = (): string => readFileSync(log, 'utf8');
    for (let i = 0; i < 100 && !logged().includes('after=space'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(logged()).toContain('/healthz?after=space');

    const { code, ms } = await s.terminate();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(s.stderr()).toMatch(/SIGTERM: shutting down/);
    expect(s.stderr()).not.toMatch(/ENOSPC|Unhandled/);
  }, 20_000);
});

describe('coursecast serve with its log on a pipe nobody reads', () => {
  it('keeps answering within a bounded buffer, counts what it drops, and still exits 0 on SIGTERM', async () => {
    const s = await serve('pipe', { COURSECAST_LOG_BUFFER_BYTES: '65536' });
    // A stuck reader: the 64 KiB pipe fills, then the 64 KiB buffer (each request logs its 4 KiB URL twice).
    s.child.stdout!.pause();
    const url = `${s.base}/healthz?pad=${'x'.repeat(4096)}`;
    for (let i = 0; i < 60; i++) expect((await fetch(url)).status).toBe(200);
    expect(await droppedLines(s.base, 'buffer_full')).toBeGreaterThan(0);
    const { code, ms } = await s.terminate();
    expect(code).toBe(0);
    // The last lines get a second to drain, then the process goes.
    expect(ms).toBeLessThan(4000);
  }, 20_000);
});

describe('coursecast serve killed with SIGKILL', () => {
  // End to end through the CLI. FFmpeg may also stop by itself once its progress pipe breaks, so the kill itself
  // is proven in packages/media/src/parent-death.test.ts with a child that would run on.
  it('takes its transcode FFmpeg along: none runs on after the server is gone', async () => {
    const clip = await testClip({ seconds: 40, width: 640, height: 360 });
    const s = await serve('pipe');
    s.child.stdout!.resume();
    const course = await fetch(`${s.base}/api/courses`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Killed' }),
    });
    const courseId = ((await course.json()) as { course: { id: string } }).course.id;
    const body = await multipartBody(clip);
    const up = await fetch(`${s.base}/api/courses/${courseId}/uploads`, {
      method: 'POST',
      headers: { ...ADMIN, ...body.headers },
      body: body.payload,
    });
    expect(up.status).toBe(201);
    const jobId = ((await up.json()) as { job: { id: string } }).job.id;
    const ffmpeg = await waitForProcess(`.staging-${jobId}-a1`);
    s.child.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (findProcesses(`.staging-${jobId}`).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(findProcesses(`.staging-${jobId}`)).toEqual([]);
    expect(ffmpeg).toBeGreaterThan(0);
  }, 60_000);
});

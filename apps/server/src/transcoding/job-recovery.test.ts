import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../config.js';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { findProcesses, waitForProcess } from '../../test-support/processes.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';

// Long enough (at 640x360, ultrafast) that ffmpeg is still running when the test strikes.
let longClip: string;
let shortClip: string;
const open: TestServer[] = [];

async function server(overrides: ConfigInput = {}, startQueue = true, dataDir?: string): Promise<TestServer> {
  const t = await startTestServer(overrides, { startQueue }, dataDir);
  open.push(t);
  return t;
}

const course = (t: TestServer) => createCourse(t);
const upload = (t: TestServer, courseId: string, file: string) => uploadLecture(t, courseId, file);

async function stagingDirs(t: TestServer, itemId: string): Promise<string[]> {
  const dir = path.join(t.dataDir, 'media', itemId);
  return existsSync(dir) ? (await readdir(dir)).filter((d) => d.startsWith('.staging')) : [];
}

beforeAll(async () => {
  [longClip, shortClip] = await Promise.all([
    testClip({ seconds: 40, width: 640, height: 360 }),
    testClip({ seconds: 2, width: 320, height: 240 }),
  ]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('ffmpeg killed mid-job', () => {
  it('fails the job with the reason, removes the partial output, and runs the next job', async () => {
    const t = await server({ transcode: { maxAttempts: 1 } });
    const c = await course(t);
    const victim = await upload(t, c, longClip);
    const next = await upload(t, c, shortClip);
    const pid = await waitForProcess(`.staging-${victim.job.id}`);
    process.kill(pid, 'SIGKILL');
    const failed = await waitForJob(t.cc.store, victim.job.id);
    expect(failed.state).toBe('failed');
    expect(failed.errorType).toBe('killed');
    expect(failed.error).toMatch(/SIGKILL/);
    expect((await t.cc.store.getItem(victim.item.id))?.status).toBe('failed');
    expect(await stagingDirs(t, victim.item.id)).toEqual([]);
    expect((await waitForJob(t.cc.store, next.job.id)).state).toBe('succeeded');
    const metrics = (await t.cc.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/content_transcode_errors_total\{[^}]*error_type="killed"[^}]*\} [1-9]/);
    await t.cc.instrumentation.forceFlush();
    const span = t.spans
      .getFinishedSpans()
      .find((s) => s.name === 'content.transcode_video' && s.attributes['content.job.id'] === victim.job.id);
    expect(span?.status.code).toBe(2);
    expect(span?.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('retries a transient failure and then succeeds', async () => {
    const t = await server({ transcode: { maxAttempts: 2 } });
    const c = await course(t);
    const { job } = await upload(t, c, longClip);
    process.kill(await waitForProcess(`.staging-${job.id}`), 'SIGKILL');
    const retried = await waitForJob(t.cc.store, job.id, (j) => j.attempts === 2 || j.state === 'failed');
    expect(retried.attempts).toBe(2);
    const done = await waitForJob(t.cc.store, job.id, undefined, 120_000);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 2 });
  });
});

describe('restart and shutdown', () => {
  it('re-queues a job that a crashed process left running, and finishes it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-restart-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const c = await course(first);
    const { job } = await upload(first, c, shortClip);
    const claimed = await first.cc.store.claimNextJob();
    expect(claimed?.id).toBe(job.id);
    await first.cc.close(); // the job stays 'running' in the store, as after a crash
    const second = await server({}, true, dataDir);
    const done = await waitForJob(second.cc.store, job.id);
    expect(done).toMatchObject({ state: 'succeeded', interruptions: 1 });
  });

  it('fails a job that crashed the server on every attempt, and its item, instead of starting it again', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-crashloop-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const { item, job } = await upload(first, await course(first), shortClip);
    await first.cc.close();
    // maxAttempts (3 by default) starts, each taking the job and dying with it running, as a crash leaves it.
    for (let start = 1; start <= 3; start++) {
      const t = await startTestServer({}, { startQueue: false }, dataDir);
      if (start > 1) await t.cc.store.requeueInterruptedJobs(); // what the queue's start does
      expect((await t.cc.store.claimNextJob())?.attempts).toBe(start);
      await t.cc.close();
    }
    const last = await server({}, true, dataDir);
    const failed = await last.cc.store.getJob(job.id);
    expect(failed).toMatchObject({
      state: 'failed',
      errorType: 'interrupted',
      interruptions: 3,
      attempts: 3,
    });
    expect(failed?.error).toContain('interrupted 3 time(s)');
    expect(await last.cc.store.getItem(item.id)).toMatchObject({ status: 'failed', error: failed?.error });
  });

  it('gives an orderly shutdown its attempt back', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-orderly-'));
    const t = await startTestServer({ transcode: { shutdownGraceSeconds: 0 } }, {}, dataDir);
    const c = await course(t);
    const { job } = await upload(t, c, longClip);
    await waitForProcess(`.staging-${job.id}`);
    await t.cc.close();
    const reopened = await server({}, false, dataDir);
    expect(await reopened.cc.store.getJob(job.id)).toMatchObject({
      state: 'queued',
      attempts: 0,
      interruptions: 0,
    });
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it('cancels running jobs after the grace period on shutdown and re-queues them', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-shutdown-'));
    const t = await startTestServer({ transcode: { shutdownGraceSeconds: 0 } }, {}, dataDir);
    const c = await course(t);
    const { item, job } = await upload(t, c, longClip);
    await waitForProcess(`.staging-${job.id}`);
    await t.cc.close();
    expect(findProcesses(`.staging-${job.id}`)).toEqual([]);
    const reopened = await server({}, false, dataDir);
    const stored = await reopened.cc.store.getJob(job.id);
    expect(stored?.state).toBe('queued');
    expect(await stagingDirs(reopened, item.id)).toEqual([]);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  });

  it('cancels a running job on request and kills its ffmpeg', async () => {
    const t = await server();
    const c = await course(t);
    const { item, job } = await upload(t, c, longClip);
    await waitForProcess(`.staging-${job.id}`);
    const res = await t.cc.app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel`, headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ job: { state: 'cancelled', errorType: 'cancelled' } });
    expect(findProcesses(`.staging-${job.id}`)).toEqual([]);
    expect(await stagingDirs(t, item.id)).toEqual([]);
    const again = await t.cc.app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/cancel`,
      headers: t.auth,
    });
    expect(again.statusCode).toBe(409);
  });
});

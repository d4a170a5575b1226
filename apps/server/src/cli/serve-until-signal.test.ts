import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, '../../test-support/hung-close.fixture.ts');

interface Child {
  proc: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code and the time since `since()` was last called. */
  exited: Promise<{ code: number | null; ms: number }>;
  since(): void;
}

/** Starts the fixture and waits until its signal handlers are in place. */
async function start(deadlineMs: number): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, String(deadlineMs)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let t0 = performance.now();
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    proc.on('exit', (code) => resolve({ code, ms: performance.now() - t0 })),
  );
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`fixture exited ${code}: ${err}`)));
  });
  return { proc, stderr: () => err, exited, since: () => (t0 = performance.now()) };
}

describe('SIGTERM', () => {
  it('ends the process by the deadline even when the graceful close hangs', async () => {
    const child = await start(1500);
    child.since();
    child.proc.kill('SIGTERM');
    const { code, ms } = await child.exited;
    expect(code).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(4000);
    expect(child.stderr()).toMatch(/SIGTERM: shutting down, at most 1\.5 s/);
    expect(child.stderr()).toMatch(/shutdown did not finish within 1\.5 s: exiting/);
  }, 15_000);

  it('a second signal exits at once', async () => {
    const child = await start(60_000);
    child.proc.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const wait = (): void => {
        if (child.stderr().includes('shutting down')) resolve();
        else setTimeout(wait, 10);
      };
      wait();
    });
    child.since();
    child.proc.kill('SIGTERM');
    const { code, ms } = await child.exited;
    expect(code).toBe(143);
    expect(ms).toBeLessThan(1000);
    expect(child.stderr()).toMatch(/SIGTERM again: exiting now/);
  }, 15_000);
});

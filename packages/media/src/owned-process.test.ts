import { describe, expect, it } from 'vitest';
import { ffmpegExitError, runOwnedProcess, type OwnedProcessResult } from './owned-process.js';
import { StderrTail } from './stderr-tail.js';
import { rejection } from '../test-support/media-test-kit.js';

const NODE = process.execPath;

/** Runs a snippet of JavaScript in a child Node process. */
function node(script: string, extra: Partial<Parameters<typeof runOwnedProcess>[0]> = {}) {
  return runOwnedProcess({ command: NODE, args: ['-e', script], label: 'node', timeoutMs: 10_000, ...extra });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runOwnedProcess', () => {
  it('reports exit code, collected stdout and the stderr tail', async () => {
    const r = await node('process.stdout.write("out"); console.error("bad thing"); process.exit(3)', {
      collectStdout: true,
    });
    expect(r.exitCode).toBe(3);
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('out');
    expect(r.stderr.text()).toBe('bad thing');
  });

  it('keeps a bounded stderr tail of a chatty child', async () => {
    const r = await node('for (let i = 0; i < 20000; i++) console.error("warning number " + i)');
    expect(r.stderr.text().split('\n')).toHaveLength(20);
    expect(r.stderr.text().length).toBeLessThanOrEqual(8 * 1024);
    expect(r.stderr.lastLines(1)).toEqual(['warning number 19999']);
  });

  it('kills a child at its timeout, escalating to SIGKILL when SIGTERM is ignored', async () => {
    let pid = 0;
    const started = Date.now();
    const err = await rejection(
      node('process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)', {
        timeoutMs: 300,
        killGraceMs: 200,
        onSpawn: (p) => (pid = p),
      }),
    );
    expect(err.type).toBe('timeout');
    expect(err.message).toContain('300 ms');
    expect(err.transient).toBe(true);
    expect(err.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(alive(pid)).toBe(false);
  });

  it('kills the child on abort and rejects with cancelled', async () => {
    const ac = new AbortController();
    let pid = 0;
    const p = node('setInterval(() => {}, 1000)', {
      signal: ac.signal,
      onSpawn: (id) => {
        pid = id;
        setTimeout(() => ac.abort(), 50);
      },
    });
    const err = await rejection(p);
    expect(err.type).toBe('cancelled');
    expect(err.transient).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('does not spawn when the signal is already aborted', async () => {
    let spawned = false;
    const err = await rejection(node('', { signal: AbortSignal.abort(), onSpawn: () => (spawned = true) }));
    expect(err.type).toBe('cancelled');
    expect(spawned).toBe(false);
  });

  it('names the missing binary on ENOENT', async () => {
    const err = await rejection(
      runOwnedProcess({ command: '/nonexistent/ffmpeg', args: [], timeoutMs: 1000 }),
    );
    expect(err.type).toBe('spawn_failed');
    expect(err.message).toContain('/nonexistent/ffmpeg');
    expect(err.message).toContain('ENOENT');
  });

  it('survives a throwing onSpawn and onStdout', async () => {
    const r = await node('console.log("hi")', {
      onSpawn: () => {
        throw new Error('observer bug');
      },
      onStdout: () => {
        throw new Error('observer bug');
      },
    });
    expect(r.exitCode).toBe(0);
  });

  it('reports a foreign kill as a signal, not as our timeout', async () => {
    const r = await node('setInterval(() => {}, 1000)', { onSpawn: (pid) => process.kill(pid, 'SIGKILL') });
    expect(r.signal).toBe('SIGKILL');
    expect(ffmpegExitError(r)?.type).toBe('killed');
  });
});

describe('ffmpegExitError', () => {
  const result = (
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    stderr: string,
  ): OwnedProcessResult => {
    const tail = new StderrTail();
    tail.push(stderr);
    return { pid: 1, exitCode, signal, stdout: '', stderr: tail, wallMs: 1 };
  };

  it('is null for a clean exit', () => {
    expect(ffmpegExitError(result(0, null, 'harmless warning'))).toBeNull();
  });

  it('names the code and the last stderr lines', () => {
    const err = ffmpegExitError(result(1, null, 'a\nb\nError opening output files: Invalid argument\n'))!;
    expect(err.type).toBe('ffmpeg_exit');
    expect(err.transient).toBe(false);
    expect(err.message).toBe(
      'ffmpeg exited with code 1: a | b | Error opening output files: Invalid argument',
    );
    expect(err.exitCode).toBe(1);
  });

  it('recognises a full disk', () => {
    const err = ffmpegExitError(result(1, null, 'seg_00003.m4s: No space left on device\n'))!;
    expect(err.type).toBe('disk_full');
    expect(err.transient).toBe(true);
  });

  it('treats a signal or FFmpeg’s 255 as killed', () => {
    expect(ffmpegExitError(result(null, 'SIGKILL', ''))!.message).toBe('ffmpeg was killed by SIGKILL');
    expect(ffmpegExitError(result(255, null, ''))!.type).toBe('killed');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { trackChild } from '../owned-process.js';
import { dyingWithParent } from '../parent-death.js';
import { StderrTail } from '../stderr-tail.js';

/** How a live child ended. */
export interface LiveChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when it could not be started at all. */
  spawnError: string | null;
}

/** A long-running FFmpeg of a live lecture: owned (dies with us), its streams open, its stderr's tail kept. */
export interface LiveChild {
  readonly pid: number | null;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  /** fd 3, when asked for. */
  readonly extra: Readable | null;
  readonly stderr: StderrTail;
  readonly exited: Promise<LiveChildExit>;
  /** Whether it still runs. */
  running(): boolean;
  /** SIGTERM (FFmpeg finishes its outputs), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): void;
}

/**
 * Spawns a live FFmpeg with the parent-death signal (a SIGKILLed server takes it along) and tracked for a normal
 * exit; `extraPipe` opens fd 3 for reading. Live children have no wall-time limit: a lecture lasts what it lasts,
 * and their owner ends them (the publisher leaving, the instructor ending the lecture, the server stopping).
 */
export function spawnLiveChild(
  command: string,
  args: readonly string[],
  extraPipe: boolean,
  onStderr?: (chunk: string) => void,
): LiveChild {
  const wrapped = dyingWithParent(command, args);
  const stdio: ('pipe' | 'ignore')[] = extraPipe
    ? ['pipe', 'pipe', 'pipe', 'pipe']
    : ['pipe', 'pipe', 'pipe'];
  const stderr = new StderrTail();
  let child: ChildProcess;
  try {
    child = spawn(wrapped.command, [...wrapped.args], { stdio });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return deadChild(stderr, why);
  }
  trackChild(child);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => {
    stderr.push(c);
    try {
      onStderr?.(c);
    } catch {
      // The reader's bug must not leave the child unowned.
    }
  });
  // A reader that went away must not crash us with EPIPE: the exit says what happened.
  child.stdin?.on('error', () => {});
  let killTimer: NodeJS.Timeout | undefined;
  const exited = new Promise<LiveChildExit>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err.message }));
    child.once('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, spawnError: null });
    });
  });
  const extra = extraPipe ? ((child.stdio[3] as Readable | null) ?? null) : null;
  return {
    pid: child.pid ?? null,
    stdin: child.stdin,
    stdout: child.stdout,
    extra,
    stderr,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: (graceMs = 3000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), graceMs);
    },
  };
}

function deadChild(stderr: StderrTail, why: string): LiveChild {
  return {
    pid: null,
    stdin: null,
    stdout: null,
    extra: null,
    stderr,
    exited: Promise.resolve({ code: null, signal: null, spawnError: why }),
    running: () => false,
    stop: () => {},
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { MediaError, mentionsDiskFull } from './media-error.js';
import { dyingWithParent, execFailure } from './parent-death.js';
import { StderrTail } from './stderr-tail.js';

/** How a child is started and bounded. */
interface OwnedProcessOptions {
  command: string;
  args: readonly string[];
  /** Name used in messages ('ffmpeg', 'ffprobe'); defaults to the command's basename. */
  label?: string;
  /** Hard limit on the child's wall time; SIGTERM, then SIGKILL after the grace. */
  timeoutMs: number;
  /** Aborting kills the child and rejects with `cancelled`. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL; default 2000 ms. */
  killGraceMs?: number;
  cwd?: string;
  /** Streams stdout as it arrives (FFmpeg's `-progress pipe:1`). */
  onStdout?: (chunk: string) => void;
  /** Keeps stdout in memory and returns it (ffprobe's JSON), up to `maxStdoutChars`. */
  collectStdout?: boolean;
  /** Default 32 Mi characters: far above any ffprobe answer, far below trouble. */
  maxStdoutChars?: number;
  /** Called once the child runs, with its pid. A throwing callback is ignored. */
  onSpawn?: (pid: number) => void;
}

/** What a child that ran to its end left behind. */
export interface OwnedProcessResult {
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Collected stdout, '' unless `collectStdout`. */
  stdout: string;
  stderr: StderrTail;
  /** Spawn to close, in ms. */
  wallMs: number;
}

const DEFAULT_KILL_GRACE_MS = 2_000;
const DEFAULT_MAX_STDOUT_CHARS = 32 * 1024 * 1024;

/**
 * Children alive right now, so that a normal exit of this Node process (process.exit, end of
 * the event loop) takes them along; a SIGKILL of it takes them by their parent-death signal (parent-death.ts). The process is itself a singleton, hence one registry and
 * one 'exit' listener rather than one listener per child (which trips MaxListeners). FFmpeg
 * children are additionally self-limiting: their `-progress pipe:1` write fails once we are gone.
 */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Registers a child this process owns, so a normal exit of this process takes it along. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of liveChildren) c.kill('SIGKILL');
  });
}

function describeLimit(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function abortMessage(label: string, signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  const why =
    reason instanceof Error && reason.name !== 'AbortError'
      ? `: ${reason.message}`
      : typeof reason === 'string'
        ? `: ${reason}`
        : '';
  return `${label} was cancelled${why}`;
}

type StopReason = 'timeout' | 'aborted' | 'stdout_overflow';

/** Ends a child at most once, SIGTERM then SIGKILL after the grace, and remembers why. */
interface ChildStopper {
  stop: (reason: StopReason) => void;
  reason: () => StopReason | null;
  clearKillTimer: () => void;
}

function childStopper(child: ChildProcess, grace: number): ChildStopper {
  let stopReason: StopReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  return {
    stop: (reason) => {
      if (stopReason !== null || child.exitCode !== null || child.signalCode !== null) return;
      stopReason = reason;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
    },
    reason: () => stopReason,
    clearKillTimer: () => {
      if (killTimer) clearTimeout(killTimer);
    },
  };
}

/** Arms the timeout and the abort signal; returns the cleanup that disarms them and forgets the child. */
function enforceLimits(child: ChildProcess, opts: OwnedProcessOptions, stopper: ChildStopper): () => void {
  const timeoutTimer = setTimeout(() => stopper.stop('timeout'), opts.timeoutMs);
  const onAbort = (): void => stopper.stop('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    clearTimeout(timeoutTimer);
    stopper.clearKillTimer();
    opts.signal?.removeEventListener('abort', onAbort);
    liveChildren.delete(child);
  };
}

/**
 * Keeps stderr's tail, and stdout (if collected, up to `maxStdout`, then the child is stopped) or
 * streams it to `onStdout`. Returns the collected stdout chunks.
 */
function readOutput(
  child: ChildProcess,
  opts: OwnedProcessOptions,
  maxStdout: number,
  stderr: StderrTail,
  stop: (reason: StopReason) => void,
): string[] {
  const stdoutParts: string[] = [];
  let stdoutChars = 0;
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => stderr.push(chunk));
  child.stdout?.on('data', (chunk: string) => {
    if (opts.collectStdout) {
      stdoutChars += chunk.length;
      if (stdoutChars > maxStdout) stop('stdout_overflow');
      else stdoutParts.push(chunk);
    }
    if (opts.onStdout) {
      try {
        opts.onStdout(chunk);
      } catch {
        // The consumer's bug must not leave the child unowned; it keeps running to its end.
      }
    }
  });
  return stdoutParts;
}

function notifySpawn(child: ChildProcess, onSpawn: OwnedProcessOptions['onSpawn']): void {
  if (child.pid !== undefined && onSpawn) {
    try {
      onSpawn(child.pid);
    } catch {
      // Observers never break what they observe (ARCHITECTURE.md §6).
    }
  }
}

function spawnFailed(label: string, command: string, why: string, cause: unknown): MediaError {
  return new MediaError(TRANSCODE_ERROR_TYPES.spawnFailed, `cannot run ${label} at ${command}: ${why}`, {
    cause,
  });
}

/** Why spawning failed, from the 'error' event: not found, permission denied, or the message. */
function describeSpawnError(err: NodeJS.ErrnoException): string {
  const why = err.code === 'ENOENT' ? 'not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return `${why}${err.code ? ` (${err.code})` : ''}`;
}

/** The error of a child we stopped ourselves (timeout, abort, stdout overflow), or null if we did not. */
function stoppedError(
  reason: StopReason | null,
  label: string,
  opts: OwnedProcessOptions,
  maxStdout: number,
  facts: { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string },
): MediaError | null {
  if (reason === 'timeout') {
    return new MediaError(
      TRANSCODE_ERROR_TYPES.timeout,
      `${label} timed out after ${describeLimit(opts.timeoutMs)} (limit ${opts.timeoutMs} ms)`,
      facts,
    );
  }
  if (reason === 'aborted') {
    return new MediaError(TRANSCODE_ERROR_TYPES.cancelled, abortMessage(label, opts.signal), facts);
  }
  if (reason === 'stdout_overflow') {
    return new MediaError(
      TRANSCODE_ERROR_TYPES.internal,
      `${label} wrote more than ${maxStdout} characters`,
      facts,
    );
  }
  return null;
}

/**
 * Runs one child process that we own: bounded by a hard timeout and an AbortSignal, its stderr
 * kept as a bounded tail. Resolves when it has exited (whatever the code), rejects with a
 * MediaError on spawn failure (`spawn_failed`), timeout (`timeout`) or abort (`cancelled`); the
 * promise settles only after the child is gone, so callers may delete its output right away.
 */
export function runOwnedProcess(opts: OwnedProcessOptions): Promise<OwnedProcessResult> {
  const label = opts.label ?? path.basename(opts.command);
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const maxStdout = opts.maxStdoutChars ?? DEFAULT_MAX_STDOUT_CHARS;

  return new Promise<OwnedProcessResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new MediaError(TRANSCODE_ERROR_TYPES.cancelled, abortMessage(label, opts.signal)));
      return;
    }
    const started = performance.now();
    const stderr = new StderrTail();
    let spawned = false;

    let child: ChildProcess;
    const run = dyingWithParent(opts.command, opts.args);
    try {
      child = spawn(run.command, run.args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      // spawn() throws synchronously only for invalid arguments (e.g. a NUL byte in a path).
      reject(spawnFailed(label, opts.command, String(err), err));
      return;
    }

    const stopper = childStopper(child, grace);
    const cleanup = enforceLimits(child, opts, stopper);
    const stdoutParts = readOutput(child, opts, maxStdout, stderr, stopper.stop);

    child.once('spawn', () => {
      spawned = true;
      trackChild(child);
      notifySpawn(child, opts.onSpawn);
    });

    child.on('error', (err: NodeJS.ErrnoException) => {
      // After a successful spawn, 'error' only reports a failed kill(); 'close' still follows.
      if (spawned) return;
      cleanup();
      reject(spawnFailed(label, opts.command, describeSpawnError(err), err));
    });

    child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (!spawned) return;
      cleanup();
      const facts = { exitCode, signal, stderrTail: stderr.text() };
      const stopped = stoppedError(stopper.reason(), label, opts, maxStdout, facts);
      if (stopped) {
        reject(stopped);
        return;
      }
      const notRun = run.wrapped ? execFailure(exitCode, facts.stderrTail) : null;
      if (notRun) {
        reject(spawnFailed(label, opts.command, notRun, new Error(facts.stderrTail)));
        return;
      }
      resolve({
        pid: child.pid ?? -1,
        exitCode,
        signal,
        stdout: stdoutParts.join(''),
        stderr,
        wallMs: performance.now() - started,
      });
    });
  });
}

/**
 * Turns an FFmpeg exit into the error it means, or null for a clean exit: killed by a signal that
 * was not ours (or FFmpeg's own 255 "received a signal" code) → `killed`; stderr saying the disk is
 * full → `disk_full`; any other non-zero code → `ffmpeg_exit` with the last stderr lines.
 */
export function ffmpegExitError(result: OwnedProcessResult, label = 'ffmpeg'): MediaError | null {
  const facts = { exitCode: result.exitCode, signal: result.signal, stderrTail: result.stderr.text() };
  if (result.exitCode === 0) return null;
  if (result.signal !== null)
    return new MediaError(TRANSCODE_ERROR_TYPES.killed, `${label} was killed by ${result.signal}`, facts);
  const last = result.stderr.lastLines(3).join(' | ');
  if (mentionsDiskFull(facts.stderrTail)) {
    return new MediaError(TRANSCODE_ERROR_TYPES.diskFull, `${label} failed, disk full: ${last}`, facts);
  }
  // FFmpeg traps SIGINT/SIGTERM/SIGQUIT, writes its trailer and exits with 255 (fftools/ffmpeg.c).
  if (result.exitCode === 255) {
    return new MediaError(
      TRANSCODE_ERROR_TYPES.killed,
      `${label} was stopped by a signal (exit code 255)`,
      facts,
    );
  }
  return new MediaError(
    TRANSCODE_ERROR_TYPES.ffmpegExit,
    `${label} exited with code ${String(result.exitCode)}: ${last || '(no stderr output)'}`,
    facts,
  );
}

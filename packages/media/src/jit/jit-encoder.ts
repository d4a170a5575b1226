import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { makeGuard, type Guard } from '../callback-guard.js';
import { fsMediaError, MediaError } from '../media-error.js';
import { ffmpegExitError, runOwnedProcess, type OwnedProcessResult } from '../owned-process.js';
import { ProgressParser } from '../progress-parse.js';
import { buildJitArgs, type JitAudio, type JitRunPlan, type JitVideo } from './jit-args.js';
import type { SegmentGrid } from './segment-grid.js';
import { SegmentPublisher, type PublishedSegment } from './segment-publisher.js';

/** A segment in place under `outDir/seg_<index>.ts`. */
export type JitSegmentEvent = PublishedSegment;

/**
 * completed: FFmpeg exited 0 and every segment from startIndex to the run's end (the grid's end, or
 * MAX_SEGMENTS_PER_RUN segments) is published; killed: ended on purpose by stop() or the abort
 * signal; failed: anything else, timeout and a source shorter than its grid included.
 */
type JitExitReason = 'completed' | 'killed' | 'failed';

/** How a run ended. */
export interface JitExit {
  code: number | null;
  signal: string | null;
  stderrTail: string;
  reason: JitExitReason;
  /** Why it failed (type timeout, ffmpeg_exit, spawn_failed, internal...); null unless failed. */
  error: MediaError | null;
  /** Segments published by this run. */
  segments: number;
}

/** One JIT run: FFmpeg writing the grid's segments from `startIndex` on into `outDir`. */
export interface JitEncoderOptions {
  ffmpegPath: string;
  source: string;
  outDir: string;
  grid: SegmentGrid;
  startIndex: number;
  video: JitVideo;
  audio: JitAudio;
  /** Source stream indexes; default the first non-cover-art video stream and first audio stream, if any. */
  streams?: { video?: number; audio?: number };
  /** Hard limit on the run; default 60 s plus 2 s per media second left to write. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** SIGTERM to SIGKILL; default 200 ms: nothing of a killed run is kept, its trailer is not worth a wait. */
  killGraceMs?: number;
  onSegment?: (ev: JitSegmentEvent) => void;
  /** ms from spawn to FFmpeg's first progress block: its start-up (open, seek, first frame through). */
  onFirstProgress?: (ms: number) => void;
  onExit?: (res: JitExit) => void;
  onSpawn?: (pid: number) => void;
  /** Told about a callback that threw; callbacks never break the run. */
  onCallbackError?: (name: string, err: unknown) => void;
}

/** Handle on a running JIT encoder. */
interface JitEncoder {
  readonly startIndex: number;
  /** The FFmpeg argv (without the binary). */
  readonly args: readonly string[];
  /** Highest index written so far, or startIndex - 1. */
  position(): number;
  /** FFmpeg's pid once spawned, null before. */
  pid(): number | null;
  /** Kills FFmpeg; resolves once it is gone and its temporary files removed. No onSegment after the call. */
  stop(): Promise<void>;
  /** Settles (never rejects) once the run is over; onExit has then been called. */
  readonly exited: Promise<JitExit>;
}

const DEFAULT_KILL_GRACE_MS = 200;
const TIMEOUT_FLOOR_MS = 60_000;
const TIMEOUT_MS_PER_MEDIA_SECOND = 2_000;

/** What a run learns as it goes: read by the publisher's callbacks, the exit and the handle. */
interface JitRunState {
  /** Ended on purpose (stop() or the abort signal); no onSegment after it is set. */
  stopping: boolean;
  /** The publisher found the output off the grid, or the directory failed it. */
  fault: MediaError | null;
  /** performance.now() at FFmpeg's spawn, null before. */
  spawnedAt: number | null;
  pid: number | null;
  /** Segments published by this run. */
  published: number;
}

/** Everything one run's steps share. */
interface JitRun {
  opts: JitEncoderOptions;
  outDir: string;
  plan: JitRunPlan;
  controller: AbortController;
  guard: Guard;
  state: JitRunState;
  publisher: SegmentPublisher;
  timeoutMs: number;
}

/** The publisher of a run: counts and reports each segment unless stopping; a fault aborts FFmpeg. */
function createPublisher(
  opts: JitEncoderOptions,
  outDir: string,
  plan: JitRunPlan,
  state: JitRunState,
  controller: AbortController,
  guard: Guard,
): SegmentPublisher {
  return new SegmentPublisher({
    outDir,
    plan,
    grid: opts.grid,
    startIndex: opts.startIndex,
    spawnedAt: () => state.spawnedAt,
    onPublish: (seg) => {
      if (state.stopping) return;
      state.published++;
      guard('onSegment', opts.onSegment, seg);
    },
    onFault: (message, cause) => {
      state.fault = new MediaError(TRANSCODE_ERROR_TYPES.internal, `jit encoder: ${message}`, { cause });
      controller.abort(state.fault);
    },
  });
}

/** Runs FFmpeg into the (created) outDir while the publisher follows it. */
async function runJitFfmpeg(run: JitRun): Promise<OwnedProcessResult> {
  const { opts, state, publisher, guard } = run;
  const parser = new ProgressParser();
  let sawProgress = false;
  return runOwnedProcess({
    command: opts.ffmpegPath,
    label: 'ffmpeg',
    args: run.plan.args,
    timeoutMs: run.timeoutMs,
    signal: run.controller.signal,
    killGraceMs: opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    onStdout: (chunk) => {
      if (parser.push(chunk).length === 0) return;
      if (!sawProgress && state.spawnedAt !== null) {
        sawProgress = true;
        guard('onFirstProgress', opts.onFirstProgress, performance.now() - state.spawnedAt);
      }
      void publisher.scan();
    },
    onSpawn: (p) => {
      state.spawnedAt = performance.now();
      state.pid = p;
      guard('onSpawn', opts.onSpawn, p);
    },
  });
}

/** How far the run got: FFmpeg's result, or the error that ended it (with its exit facts, if any). */
interface JitOutcome {
  result: OwnedProcessResult | null;
  error: MediaError | null;
  /** The cancel or timeout error of a killed child still carries its exit facts and stderr. */
  facts: MediaError | null;
}

/** Creates outDir, runs FFmpeg, publishes the last segments of a clean exit, removes the temporary files. */
async function encodeAndPublish(run: JitRun): Promise<JitOutcome> {
  const { outDir, state, publisher } = run;
  const outcome: JitOutcome = { result: null, error: null, facts: null };
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    outcome.error = fsMediaError(`creating ${outDir}`, err);
  }
  if (!outcome.error) {
    publisher.start();
    try {
      outcome.result = await runJitFfmpeg(run);
    } catch (err) {
      outcome.error =
        err instanceof MediaError ? err : new MediaError(TRANSCODE_ERROR_TYPES.internal, String(err));
      outcome.facts = outcome.error;
    }
    if (outcome.result?.exitCode === 0 && !state.stopping && !state.fault) await publisher.scan(true);
  }
  await publisher.cleanup();
  return outcome;
}

/** Why the run ended and the error that says so (see JitExitReason). */
function exitReason(run: JitRun, outcome: JitOutcome): [JitExitReason, MediaError | null] {
  const { state, publisher, plan } = run;
  const { result, error } = outcome;
  if (state.fault) return ['failed', state.fault];
  if (state.stopping) return ['killed', null];
  if (error) return ['failed', error];
  if (result?.exitCode !== 0) return ['failed', result ? ffmpegExitError(result) : null];
  if (publisher.position() < plan.lastIndex) {
    // A completed run vouches for every segment up to lastIndex: a session waiting for a
    // missing one must hear that it failed.
    return [
      'failed',
      new MediaError(
        TRANSCODE_ERROR_TYPES.invalidMedia,
        `ffmpeg ended after segment ${publisher.position()} of ${plan.lastIndex}: ` +
          'the source is shorter than its grid',
        { exitCode: 0, stderrTail: result.stderr.text() },
      ),
    ];
  }
  return ['completed', null];
}

/** The whole run, from mkdir to onExit. */
async function runToExit(run: JitRun, onExternalAbort: () => void): Promise<JitExit> {
  const { opts } = run;
  const outcome = await encodeAndPublish(run);
  opts.signal?.removeEventListener('abort', onExternalAbort);
  const [reason, error] = exitReason(run, outcome);
  const { result, facts } = outcome;
  const exit: JitExit = {
    code: result?.exitCode ?? facts?.exitCode ?? null,
    signal: result?.signal ?? facts?.signal ?? null,
    stderrTail: result?.stderr.text() ?? facts?.stderrTail ?? '',
    reason,
    error,
    segments: run.state.published,
  };
  run.guard('onExit', opts.onExit, exit);
  return exit;
}

/** The exit of a run that threw where nothing should (`exited` must never reject). */
function unexpectedExit(run: JitRun, err: unknown): JitExit {
  const exit: JitExit = {
    code: null,
    signal: null,
    stderrTail: '',
    reason: 'failed',
    error: new MediaError(TRANSCODE_ERROR_TYPES.internal, `jit encoder: ${String(err)}`, { cause: err }),
    segments: run.state.published,
  };
  run.guard('onExit', run.opts.onExit, exit);
  return exit;
}

/** Ends the run on purpose: no segment is reported after this, FFmpeg is killed. */
function stopRun(run: JitRun, reason: unknown): void {
  run.state.stopping = true;
  run.publisher.close();
  run.controller.abort(reason);
}

/**
 * Starts FFmpeg at grid segment `startIndex` (`-ss` before `-i`; exact when encoding, on the
 * keyframe when copying) and publishes each segment as it closes. Never throws for a run that
 * goes wrong: `exited` and onExit tell. Throws RangeError at once for a startIndex off the grid.
 */
export function startJitEncoder(opts: JitEncoderOptions): JitEncoder {
  const outDir = path.resolve(opts.outDir);
  const plan = buildJitArgs({ ...opts, outDir, token: randomBytes(4).toString('hex') });
  const controller = new AbortController();
  const state: JitRunState = { stopping: false, fault: null, spawnedAt: null, pid: null, published: 0 };
  const guard = makeGuard((name, err) => opts.onCallbackError?.(name, err));
  const publisher = createPublisher(opts, outDir, plan, state, controller, guard);
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_FLOOR_MS + plan.durationSeconds * TIMEOUT_MS_PER_MEDIA_SECOND;
  const run: JitRun = { opts, outDir, plan, controller, guard, state, publisher, timeoutMs };

  const onExternalAbort = (): void => stopRun(run, opts.signal?.reason);
  if (opts.signal?.aborted) onExternalAbort();
  else opts.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const exited = runToExit(run, onExternalAbort).catch((err: unknown) => unexpectedExit(run, err));

  return {
    startIndex: opts.startIndex,
    args: plan.args,
    position: () => publisher.position(),
    pid: () => state.pid,
    stop: async () => {
      if (!state.stopping) stopRun(run, new Error('stopped'));
      await exited;
    },
    exited,
  };
}

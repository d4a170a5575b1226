import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { fsMediaError, MediaError } from '../media-error.js';
import { ffmpegExitError, runOwnedProcess, type OwnedProcessResult } from '../owned-process.js';
import { ProgressParser } from '../progress-parse.js';
import { buildJitArgs, type JitAudio, type JitVideo } from './jit-args.js';
import type { SegmentGrid } from './segment-grid.js';
import { SegmentPublisher, type PublishedSegment } from './segment-publisher.js';

/** A segment in place under `outDir/seg_<index>.ts`. */
export type JitSegmentEvent = PublishedSegment;

/**
 * completed: FFmpeg exited 0 and every segment from startIndex to the run's end (the grid's end, or
 * MAX_SEGMENTS_PER_RUN segments) is published; killed: ended on purpose by stop() or the abort
 * signal; failed: anything else, timeout and a source shorter than its grid included.
 */
export type JitExitReason = 'completed' | 'killed' | 'failed';

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
export interface JitEncoder {
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

/**
 * Starts FFmpeg at grid segment `startIndex` (`-ss` before `-i`; exact when encoding, on the
 * keyframe when copying) and publishes each segment as it closes. Never throws for a run that
 * goes wrong: `exited` and onExit tell. Throws RangeError at once for a startIndex off the grid.
 */
export function startJitEncoder(opts: JitEncoderOptions): JitEncoder {
  const outDir = path.resolve(opts.outDir);
  const plan = buildJitArgs({ ...opts, outDir, token: randomBytes(4).toString('hex') });
  const controller = new AbortController();
  let stopping = false;
  let fault = null as MediaError | null;
  let spawnedAt = null as number | null;
  let pid = null as number | null;
  let published = 0;

  const guard = <A extends unknown[]>(
    name: string,
    fn: ((...a: A) => void) | undefined,
    ...args: A
  ): void => {
    if (!fn) return;
    try {
      fn(...args);
    } catch (err) {
      try {
        opts.onCallbackError?.(name, err);
      } catch {
        // An error reporter that throws has nobody left to report to.
      }
    }
  };

  const publisher = new SegmentPublisher({
    outDir,
    plan,
    grid: opts.grid,
    startIndex: opts.startIndex,
    spawnedAt: () => spawnedAt,
    onPublish: (seg) => {
      if (stopping) return;
      published++;
      guard('onSegment', opts.onSegment, seg);
    },
    onFault: (message, cause) => {
      fault = new MediaError(TRANSCODE_ERROR_TYPES.internal, `jit encoder: ${message}`, { cause });
      controller.abort(fault);
    },
  });

  const onExternalAbort = (): void => {
    stopping = true;
    publisher.close();
    controller.abort(opts.signal?.reason);
  };
  if (opts.signal?.aborted) onExternalAbort();
  else opts.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const timeoutMs = opts.timeoutMs ?? TIMEOUT_FLOOR_MS + plan.durationSeconds * TIMEOUT_MS_PER_MEDIA_SECOND;

  const run = async (): Promise<JitExit> => {
    let result: OwnedProcessResult | null = null;
    let error: MediaError | null = null;
    // The cancel or timeout error of a killed child still carries its exit facts and stderr.
    let facts: MediaError | null = null;
    try {
      await mkdir(outDir, { recursive: true });
    } catch (err) {
      error = fsMediaError(`creating ${outDir}`, err);
    }
    if (!error) {
      publisher.start();
      const parser = new ProgressParser();
      let sawProgress = false;
      try {
        result = await runOwnedProcess({
          command: opts.ffmpegPath,
          label: 'ffmpeg',
          args: plan.args,
          timeoutMs,
          signal: controller.signal,
          killGraceMs: opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
          onStdout: (chunk) => {
            if (parser.push(chunk).length === 0) return;
            if (!sawProgress && spawnedAt !== null) {
              sawProgress = true;
              guard('onFirstProgress', opts.onFirstProgress, performance.now() - spawnedAt);
            }
            void publisher.scan();
          },
          onSpawn: (p) => {
            spawnedAt = performance.now();
            pid = p;
            guard('onSpawn', opts.onSpawn, p);
          },
        });
      } catch (err) {
        error = err instanceof MediaError ? err : new MediaError(TRANSCODE_ERROR_TYPES.internal, String(err));
        facts = error;
      }
      if (result?.exitCode === 0 && !stopping && !fault) await publisher.scan(true);
    }
    await publisher.cleanup();
    opts.signal?.removeEventListener('abort', onExternalAbort);

    let reason: JitExitReason;
    if (fault) [reason, error] = ['failed', fault];
    else if (stopping) [reason, error] = ['killed', null];
    else if (error) reason = 'failed';
    else if (result?.exitCode !== 0) [reason, error] = ['failed', result ? ffmpegExitError(result) : null];
    else if (publisher.position() < plan.lastIndex) {
      // A completed run vouches for every segment up to lastIndex: a session waiting for a
      // missing one must hear that it failed.
      reason = 'failed';
      error = new MediaError(
        TRANSCODE_ERROR_TYPES.invalidMedia,
        `ffmpeg ended after segment ${publisher.position()} of ${plan.lastIndex}: ` +
          'the source is shorter than its grid',
        { exitCode: 0, stderrTail: result.stderr.text() },
      );
    } else reason = 'completed';
    const exit: JitExit = {
      code: result?.exitCode ?? facts?.exitCode ?? null,
      signal: result?.signal ?? facts?.signal ?? null,
      stderrTail: result?.stderr.text() ?? facts?.stderrTail ?? '',
      reason,
      error,
      segments: published,
    };
    guard('onExit', opts.onExit, exit);
    return exit;
  };
  const exited = run().catch((err: unknown): JitExit => {
    // Not expected (every step above handles its own errors), but `exited` must never reject.
    const exit: JitExit = {
      code: null,
      signal: null,
      stderrTail: '',
      reason: 'failed',
      error: new MediaError(TRANSCODE_ERROR_TYPES.internal, `jit encoder: ${String(err)}`, { cause: err }),
      segments: published,
    };
    guard('onExit', opts.onExit, exit);
    return exit;
  });

  return {
    startIndex: opts.startIndex,
    args: plan.args,
    position: () => publisher.position(),
    pid: () => pid,
    stop: async () => {
      if (!stopping) {
        stopping = true;
        publisher.close();
        controller.abort(new Error('stopped'));
      }
      await exited;
    },
    exited,
  };
}

// Helpers of bench/jit: the cached sources (the plan → FFmpeg inputs mapping is jit-media.ts's own), raw ffmpeg runs timed to their first listed segment, timed HTTP,
// and an observer on the session's encoder (same media code, only timestamps added).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegExitError, parseSegmentList, runOwnedProcess, type JitRunPlan } from '@coursecast/media';
import { generateTestClip } from '@coursecast/media/samples';
import type { PrepareSession } from '@coursecast/server/parts';
import { log, own } from '../edge/edge-bench-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const cacheDir = path.join(here, '..', '.cache');

/** The 1080p30 H.264 MP4 (shared with bench/transcode) and its MKV stream copy, generated once. */
export async function ensureSources(ffmpeg: string, seconds: number): Promise<{ mp4: string; mkv: string }> {
  await mkdir(cacheDir, { recursive: true });
  const mp4 = path.join(cacheDir, `source-1080p30-${seconds}s.mp4`);
  const mkv = path.join(cacheDir, `source-1080p30-${seconds}s.mkv`);
  if (!existsSync(mp4)) {
    log(`generating ${mp4} (testsrc2 1080p30 + sine, ${seconds} s)...`);
    const tmp = `${mp4}.partial.mp4`;
    const opts = { ffmpegPath: ffmpeg, out: tmp, seconds, width: 1920, height: 1080, fps: 30 };
    await generateTestClip({ ...opts, timeoutMs: seconds * 20_000 });
    await rename(tmp, mp4);
  }
  if (!existsSync(mkv)) {
    log(`remuxing ${mkv} (-c copy)...`);
    const tmp = `${mkv}.partial.mkv`;
    const result = await runOwnedProcess({
      command: ffmpeg,
      label: 'ffmpeg',
      args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', mp4, '-c', 'copy', tmp],
      timeoutMs: 600_000,
    });
    const error = ffmpegExitError(result);
    if (error) throw error;
    await rename(tmp, mkv);
  }
  return { mp4, mkv };
}

/**
 * Spawns ffmpeg with a run's argv and resolves with the ms from just before spawn() to the moment the CSV
 * segment list names segment `want` (inotify on the list and new part files, plus a 10 ms poll), then kills it.
 */
export async function rawFirstSegment(
  ffmpeg: string,
  run: JitRunPlan,
  want: number,
  outDir: string,
  timeoutMs = 60_000,
): Promise<number> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const part = new RegExp(`^${run.partPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)\\.ts$`);
  const listed = (text: string): boolean =>
    parseSegmentList(text).some((e) => Number(part.exec(e.file)?.[1] ?? -1) === want);
  const t0 = performance.now();
  const child = own(spawn(ffmpeg, run.args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout?.resume();
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
  let ms: number;
  try {
    ms = await new Promise<number>((resolve, reject) => {
      let done = false;
      const check = (seen: number): void => {
        void readFile(run.listFile, 'utf8')
          .catch(() => '')
          .then((text) => {
            if (!done && listed(text)) finish(null, seen - t0);
          });
      };
      // As the session's publisher does: list appends and new part files only, not every write.
      const listName = path.basename(run.listFile);
      const watcher = watch(outDir, { persistent: false }, (event, name) => {
        if (name === listName || (event === 'rename' && name?.startsWith(run.partPrefix))) {
          check(performance.now());
        }
      });
      const poll = setInterval(() => check(performance.now()), 10);
      const timer = setTimeout(
        () => finish(new Error(`no segment ${want} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (err: Error | null, value = 0): void => {
        if (done) return;
        done = true;
        watcher.close();
        clearInterval(poll);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value);
      };
      child.once('close', (code, signal) => {
        // The last segment may have been listed just before the exit.
        const text = existsSync(run.listFile) ? readFileSync(run.listFile, 'utf8') : '';
        if (listed(text)) finish(null, performance.now() - t0);
        else finish(new Error(`ffmpeg exited (${code ?? signal}) before segment ${want}: ${tail}`));
      });
      child.once('error', (err) => finish(err));
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(outDir, { recursive: true, force: true });
  }
  return ms;
}

/** GET (or another method) with the whole body read; ms from the call to the body's end. */
export async function fetchBody(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Buffer; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** performance.now() marks of one session's encoders, taken in the session's own callbacks. */
export interface EncoderMarks {
  starts: { startIndex: number; generation: number; at: number }[];
  /** First publication of each index: when the session heard of it, and FFmpeg's generation time. */
  segments: Map<number, { at: number; generationMs: number; generation: number }>;
}

/** Wraps the real media side of sessions so each encoder start and segment is time-stamped. */
export function observeSessions(prepare: PrepareSession): {
  prepare: PrepareSession;
  marks: Map<string, EncoderMarks>;
} {
  const marks = new Map<string, EncoderMarks>();
  const wrapped: PrepareSession = async (id, item, plan) => {
    const media = await prepare(id, item, plan);
    const m: EncoderMarks = { starts: [], segments: new Map() };
    marks.set(id, m);
    return {
      ...media,
      startEncoder(startIndex, generation, events) {
        m.starts.push({ startIndex, generation, at: performance.now() });
        return media.startEncoder(startIndex, generation, {
          ...events,
          segment(index, ms) {
            if (!m.segments.has(index)) {
              m.segments.set(index, { at: performance.now(), generationMs: ms, generation });
            }
            events.segment(index, ms);
          },
        });
      },
    };
  };
  return { prepare: wrapped, marks };
}

/**
 * Compares a running process's argv with the expected one, up to the output dir and the run's random
 * token. Null when identical, else the first difference.
 */
export function argvDifference(
  pid: number,
  expected: readonly string[],
  expectedDir: string,
  dir: string,
): string | null {
  const actual = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1, -1);
  const norm = (args: readonly string[], d: string): string[] =>
    args.map((a) => a.replaceAll(d, '<dir>').replace(/\.jit-[0-9a-f]{8}-/g, '.jit-<token>-'));
  const a = norm(actual, dir);
  const e = norm(expected, expectedDir);
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `arg ${i}: session ${a[i] ?? '(none)'} / bench ${e[i] ?? '(none)'}`;
  }
  return null;
}

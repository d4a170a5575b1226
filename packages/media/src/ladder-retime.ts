import path from 'node:path';
import { TRANSCODE_MODES } from '@coursecast/semconv';
import { probeFrameTimes, type FrameTimes } from './frame-times-probe.js';
import { FRAME_TIMINGS, type LadderPlan } from './ladder-plan.js';
import { keptFrameTimes, retimeVariant } from './variant-retime.js';

/** One encoded rung's timing repair: done, or why not. */
export interface RungRetime {
  name: string;
  retimed: boolean;
  reason: string | null;
}

/** The source's frame times, or why they could not be read (a repair skipped is no failed transcode). */
type PendingFrameTimes = Promise<FrameTimes | { failed: string }>;

/** The ffprobe beside an ffmpeg given by path; `ffprobe` from PATH otherwise. */
export function siblingFfprobe(ffmpegPath: string): string {
  return path.isAbsolute(ffmpegPath) ? path.join(path.dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
}

/**
 * Starts reading the source's frame times when the plan keeps variable timing, so the demux runs
 * beside FFmpeg's encode rather than after it; null for constant timing.
 */
export function startFrameTimes(
  plan: LadderPlan,
  input: string,
  opts: { ffprobePath: string; timeoutMs: number; signal?: AbortSignal },
): PendingFrameTimes | null {
  if (plan.frameTiming !== FRAME_TIMINGS.variable) return null;
  return probeFrameTimes(opts.ffprobePath, input, opts).catch((err: unknown) => ({
    failed: err instanceof Error ? err.message : String(err),
  }));
}

/**
 * Gives every encoded variable-timing rung the source's frame timing back (ADR 0009). A copied rung
 * carries the source's own packet durations already. Returns what happened per rung.
 */
export async function retimeLadder(
  outDir: string,
  plan: LadderPlan,
  pending: PendingFrameTimes | null,
): Promise<RungRetime[]> {
  if (!pending) return [];
  const frames = await pending;
  const encoded = plan.rungs.filter((r) => r.mode === TRANSCODE_MODES.encode);
  if ('failed' in frames)
    return encoded.map((r) => ({ name: r.name, retimed: false, reason: frames.failed }));
  const kept = { times: keptFrameTimes(frames.times, plan.minFrameInterval), end: frames.end };
  const out: RungRetime[] = [];
  for (const rung of encoded)
    out.push({ name: rung.name, ...(await retimeVariant(outDir, rung.name, kept)) });
  return out;
}

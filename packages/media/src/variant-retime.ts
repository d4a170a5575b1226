import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Fmp4ShapeError, initTimescale, readFragmentTiming, retimeFragment } from './fmp4-retime.js';
import type { FrameTimes } from './frame-times-probe.js';
import { HLS_LAYOUT } from './hls-layout.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';

/** Whether a variant got its source's frame timing back, and if not, why. */
export interface RetimeOutcome {
  retimed: boolean;
  /** Why the variant keeps FFmpeg's timing; null when retimed. */
  reason: string | null;
}

/** FFmpeg's timestamps and the source's may differ by rounding between timebases; more is a mismatch. */
const MATCH_TOLERANCE_SECONDS = 0.001;

/** The frames a capped variable-rate rung keeps: the same rule as the select filter in its graph. */
export function keptFrameTimes(times: readonly number[], minFrameInterval: number | null): number[] {
  if (minFrameInterval === null) return [...times];
  const kept: number[] = [];
  for (const t of times) {
    if (kept.length === 0 || t - kept[kept.length - 1]! >= minFrameInterval) kept.push(t);
  }
  return kept;
}

/** Per segment: its new decode start and sample durations, in ticks. */
interface SegmentTiming {
  baseTime: number;
  durations: number[];
}

/**
 * Pure: the timing each segment should carry, given what FFmpeg wrote and when the source shows each
 * frame. FFmpeg keeps every sample's start right except each segment's first (it stretches the
 * previous segment's last frame to a guess of one nominal frame), so those are checked against the
 * source, and a mismatch means the frames are not the ones assumed: the variant is left as it is.
 */
export function planRetime(
  written: readonly { baseTime: number; durations: readonly number[] }[],
  frames: FrameTimes,
  timescale: number,
): { segments: SegmentTiming[] } | { reason: string } {
  const samples = written.reduce((n, s) => n + s.durations.length, 0);
  if (samples !== frames.times.length || samples === 0) {
    return { reason: `${samples} frames written, ${frames.times.length} in the source` };
  }
  const t0 = frames.times[0]!;
  const origin = written[0]!.baseTime;
  const ticks = frames.times.map((t) => origin + Math.round((t - t0) * timescale));
  const endTicks = Math.max(ticks[ticks.length - 1]! + 1, origin + Math.round((frames.end - t0) * timescale));
  const tolerance = Math.max(1, Math.ceil(MATCH_TOLERANCE_SECONDS * timescale));
  const segments: SegmentTiming[] = [];
  let j = 0;
  for (const [k, seg] of written.entries()) {
    let at = seg.baseTime + seg.durations[0]!;
    for (let i = 1; i < seg.durations.length; i++) {
      if (Math.abs(at - ticks[j + i]!) > tolerance) {
        return { reason: `segment ${k} sample ${i} is at tick ${at}, the source's frame at ${ticks[j + i]}` };
      }
      at += seg.durations[i]!;
    }
    const durations = seg.durations.map((_, i) => (ticks[j + i + 1] ?? endTicks) - ticks[j + i]!);
    segments.push({ baseTime: ticks[j]!, durations });
    j += seg.durations.length;
  }
  return { segments };
}

/** Pure: the playlist with each segment's EXTINF (and the target duration) from the new timing. */
export function retimePlaylist(text: string, seconds: readonly number[]): string {
  let i = 0;
  const target = Math.max(1, ...seconds.map((s) => Math.round(s)));
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXTINF:')) {
        const title = line.slice(line.indexOf(',') >= 0 ? line.indexOf(',') : line.length);
        return `#EXTINF:${(seconds[i++] ?? 0).toFixed(6)}${title}`;
      }
      if (line.startsWith('#EXT-X-TARGETDURATION:')) return `#EXT-X-TARGETDURATION:${target}`;
      return line;
    })
    .join('\n');
}

async function replaceFile(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.retime`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Gives a variable-frame-rate variant its source's frame timing back (ADR 0009): every segment's
 * decode start, every frame's duration (the last one's to the source's end), the EXTINFs. Nothing is
 * written unless every segment is understood; file errors reject.
 */
export async function retimeVariant(
  outDir: string,
  name: string,
  frames: FrameTimes,
): Promise<RetimeOutcome> {
  const dir = path.join(outDir, name);
  const playlistFile = path.join(dir, HLS_LAYOUT.variantPlaylist);
  const text = await readFile(playlistFile, 'utf8');
  const { segments, mapUri } = parseVariantPlaylist(text);
  if (!mapUri || segments.length === 0) return { retimed: false, reason: 'no init segment or no segments' };
  const timescale = initTimescale(await readFile(path.join(dir, mapUri)));
  if (!timescale) return { retimed: false, reason: 'the init segment has no media timescale' };
  const written: { baseTime: number; durations: number[] }[] = [];
  try {
    for (const s of segments) {
      const timing = readFragmentTiming(await readFile(path.join(dir, s.uri)));
      if (timing.reordered) return { retimed: false, reason: `${s.uri} has reordered frames` };
      written.push(timing);
    }
  } catch (err) {
    if (err instanceof Fmp4ShapeError) return { retimed: false, reason: err.message };
    throw err;
  }
  const plan = planRetime(written, frames, timescale);
  if ('reason' in plan) return { retimed: false, reason: plan.reason };
  for (const [k, s] of segments.entries()) {
    const file = path.join(dir, s.uri);
    const timing = plan.segments[k]!;
    await replaceFile(file, retimeFragment(await readFile(file), timing.baseTime, timing.durations));
  }
  const seconds = plan.segments.map((s) => s.durations.reduce((a, b) => a + b, 0) / timescale);
  await replaceFile(playlistFile, retimePlaylist(text, seconds));
  return { retimed: true, reason: null };
}

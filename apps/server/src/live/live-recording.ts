import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildLiveMaster,
  composeLivePlaylist,
  HLS_LAYOUT,
  liveRunFiles,
  parseVariantPlaylist,
  type LiveLadderPlan,
  type LiveRunPlaylist,
} from '@coursecast/media';
import type { LiveRunRecord, Rendition } from '../store/index.js';

/** The renditions of a live ladder: its video rungs and its audio, by folder name. */
export function renditionNames(plan: LiveLadderPlan): string[] {
  return [...plan.rungs.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
}

/** Writes a file by rename, so a reader (the origin) never sees half of it. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** A rung's segments of every run, read from the runs' own playlists on disk (FFmpeg's, rewritten per segment). */
export async function runsFromDisk(
  dir: string,
  rung: string,
  runs: readonly LiveRunRecord[],
): Promise<LiveRunPlaylist[]> {
  const out: LiveRunPlaylist[] = [];
  for (const r of runs) {
    const text = await readFile(path.join(dir, rung, liveRunFiles(r.run).playlist), 'utf8').catch(() => null);
    if (text === null) continue;
    const parsed = parseVariantPlaylist(text);
    out.push({ run: r.run, startMs: r.startMs, init: parsed.mapUri, segments: parsed.segments });
  }
  return out;
}

/** The longest segment, rounded up, and never below the configured length: the playlist's target duration. */
export function targetDurationOf(runs: readonly LiveRunPlaylist[], segmentSeconds: number): number {
  let max = segmentSeconds;
  for (const r of runs) for (const s of r.segments) max = Math.max(max, Math.round(s.duration));
  return max;
}

/** Rewrites a rung's learner-facing playlist (`<rung>/index.m3u8`) from its runs. */
export async function writeRungPlaylist(
  dir: string,
  rung: string,
  runs: readonly LiveRunPlaylist[],
  opts: { targetDuration: number; windowSeconds: number; ended: boolean },
): Promise<void> {
  await writeAtomically(path.join(dir, rung, HLS_LAYOUT.variantPlaylist), composeLivePlaylist(runs, opts));
}

/** Writes the master playlist once every rung of `run` has its init segment; false until then. */
export async function writeMaster(
  dir: string,
  plan: LiveLadderPlan,
  run: number,
  inputBitrate: number | null,
): Promise<boolean> {
  const text = await buildLiveMaster(dir, plan, run, inputBitrate);
  if (text === null) return false;
  await writeAtomically(path.join(dir, HLS_LAYOUT.master), text);
  return true;
}

/** The recording's renditions as the catalog lists them, measured from the files of every run. */
export async function measureRecording(
  itemId: string,
  dir: string,
  plan: LiveLadderPlan,
  runs: readonly LiveRunRecord[],
): Promise<{ renditions: Rendition[]; durationSeconds: number }> {
  const renditions: Rendition[] = [];
  let duration = 0;
  const master = await readFile(path.join(dir, HLS_LAYOUT.master), 'utf8').catch(() => '');
  for (const name of renditionNames(plan)) {
    const rungRuns = await runsFromDisk(dir, name, runs);
    let bytes = 0;
    let seconds = 0;
    let peak = 0;
    let count = 0;
    for (const r of rungRuns) {
      for (const s of r.segments) {
        const size = (await stat(path.join(dir, name, s.uri)).catch(() => null))?.size ?? 0;
        bytes += size;
        seconds += s.duration;
        count++;
        if (s.duration > 0) peak = Math.max(peak, (size * 8) / s.duration);
      }
    }
    if (count === 0) continue;
    duration = Math.max(duration, seconds);
    const rung = plan.rungs.find((r) => r.name === name);
    const codecs = new RegExp(`CODECS="([^"]+)"[^\\n]*\\n${name}/`).exec(master)?.[1] ?? '';
    renditions.push({
      itemId,
      name,
      width: rung?.width ?? 0,
      height: rung?.height ?? 0,
      averageBitrate: seconds > 0 ? Math.round((bytes * 8) / seconds) : 0,
      peakBitrate: Math.round(peak),
      codecs,
      mode: rung?.mode ?? 'encode',
      playlist: `${name}/${HLS_LAYOUT.variantPlaylist}`,
      segmentCount: count,
      bytes,
    });
  }
  return { renditions, durationSeconds: Math.round(duration * 1000) / 1000 };
}

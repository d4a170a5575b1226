// bench/transcode's sources and what it measures of their output: the testsrc2 lecture the bench began with,
// and look-alikes of instructors' uploads (issue 16, point 5), generated once per length into bench/.cache.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  ffmpegExitError,
  measureVariant,
  parseVariantPlaylist,
  runOwnedProcess,
  type LadderPlan,
} from '@coursecast/media';
import { generateLookalikeClip, generateTestClip } from '@coursecast/media/samples';

/** The sources the bench can run, in its default order. */
export const BENCH_SOURCES = ['testsrc2', 'camera', 'phone', 'screen'] as const;
/** One bench source. */
export type BenchSource = (typeof BENCH_SOURCES)[number];

/** Where ffmpeg and ffprobe are, and where generated sources are kept. */
export interface BenchTools {
  ffmpeg: string;
  ffprobe: string;
  cacheDir: string;
}

/** `--sources camera,screen` → those sources (all of them when absent); throws on an unknown name. */
export function parseSources(value: string | undefined): BenchSource[] {
  if (!value) return [...BENCH_SOURCES];
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(BENCH_SOURCES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown --sources ${unknown.join(',')}; available: ${BENCH_SOURCES.join(',')}`);
  }
  return names as BenchSource[];
}

/** The cached source file of `seconds`, generated when missing (a generator renames into place when done). */
export async function ensureBenchSource(
  source: BenchSource,
  seconds: number,
  tools: BenchTools,
): Promise<string> {
  const file =
    source === 'testsrc2'
      ? path.join(tools.cacheDir, `source-1080p30-${seconds}s.mp4`)
      : path.join(tools.cacheDir, `lookalike-${source}-${seconds}s.mp4`);
  if (existsSync(file)) return file;
  process.stderr.write(`generating ${file} (${source}, ${seconds} s)...\n`);
  if (source === 'testsrc2') {
    await generateTestClip({
      ffmpegPath: tools.ffmpeg,
      out: file,
      seconds,
      width: 1920,
      height: 1080,
      fps: 30,
    });
  } else {
    await generateLookalikeClip({
      ffmpegPath: tools.ffmpeg,
      ffprobePath: tools.ffprobe,
      kind: source,
      out: file,
      seconds,
      timeoutMs: 60 * 60_000,
    });
  }
  return file;
}

/** Video packets (frames) in a file or `concat:` input: ffprobe -count_packets, which decodes nothing. */
export async function countVideoPackets(input: string, ffprobe: string): Promise<number> {
  const r = await runOwnedProcess({
    command: ffprobe,
    label: 'ffprobe',
    args: [
      '-v', 'error', '-select_streams', 'v:0', '-count_packets',
      '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', input,
    ], // prettier-ignore
    timeoutMs: 5 * 60_000,
    collectStdout: true,
  });
  const error = ffmpegExitError(r, 'ffprobe');
  if (error) throw error;
  return Number.parseInt(r.stdout.trim(), 10);
}

/** A published rendition's playlist, read: its directory, init segment and segments. */
async function readRendition(variantDir: string) {
  const playlist = parseVariantPlaylist(await readFile(path.join(variantDir, 'index.m3u8'), 'utf8'));
  const segments = await Promise.all(
    playlist.segments.map(async (s) => ({
      uri: s.uri,
      duration: s.duration,
      bytes: (await stat(path.join(variantDir, s.uri))).size,
    })),
  );
  return { init: path.join(variantDir, playlist.mapUri ?? 'init.mp4'), segments };
}

/** One rung's bitrates, measured from its segments, against its plan (bps). */
export interface RungBitrate {
  rung: string;
  mode: string;
  planned_bps: number;
  maxrate_bps: number;
  average_bps: number;
  /** RFC 8216 peak segment bit rate (measureVariant). */
  peak_bps: number;
  average_over_planned: number;
  peak_over_maxrate: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Each rung's measured average and peak bitrate against its plan, from a published ladder's directory. */
export async function measureRungBitrates(outDir: string, plan: LadderPlan): Promise<RungBitrate[]> {
  return Promise.all(
    plan.rungs.map(async (rung) => {
      const { segments } = await readRendition(path.join(outDir, rung.name));
      const m = measureVariant(segments, plan.segmentSeconds);
      return {
        rung: rung.name,
        mode: rung.mode,
        planned_bps: rung.videoBitrate,
        maxrate_bps: rung.maxrate,
        average_bps: Math.round(m.averageBitrate),
        peak_bps: Math.round(m.peakBitrate),
        average_over_planned: r3(m.averageBitrate / rung.videoBitrate),
        peak_over_maxrate: r3(m.peakBitrate / rung.maxrate),
      };
    }),
  );
}

/** Video frames the top rung encoded per frame of the source (goal ≤ 1.05: no duplicated frames). */
export async function framesPerSourceFrame(
  source: string,
  outDir: string,
  plan: LadderPlan,
  ffprobe: string,
): Promise<number> {
  const top = plan.rungs[0];
  if (!top) return 0;
  const { init, segments } = await readRendition(path.join(outDir, top.name));
  const dir = path.join(outDir, top.name);
  const concat = `concat:${[init, ...segments.map((s) => path.join(dir, s.uri))].join('|')}`;
  const [encoded, original] = await Promise.all([
    countVideoPackets(concat, ffprobe),
    countVideoPackets(`file:${source}`, ffprobe),
  ]);
  return r3(encoded / original);
}

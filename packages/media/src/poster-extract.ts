import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { HLS_LAYOUT } from './hls-layout.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';
import { MediaError } from './media-error.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';

/** Where and how to grab the poster frame. */
interface PosterOptions {
  ffmpegPath: string;
  input: string;
  /** JPEG to write. */
  out: string;
  /** Position of the frame; a seek past the last frame falls back to the first one. */
  atSeconds: number;
  /** default 640 */
  maxWidth?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

/** The poster's width when the video is at least that wide. */
const POSTER_WIDTH = 640;

/** Share of the duration where the poster is taken: past a title fade-in, early enough to be representative. */
export const POSTER_POSITION = 0.1;

/**
 * Pure: the argv for one JPEG frame at `atSeconds`, seeked on the input. Only the keyframe at or before
 * that time is decoded (no accurate seek, non-key frames skipped): with long source GOPs an accurate
 * seek decodes seconds of video for a thumbnail.
 */
export function buildPosterArgs(opts: PosterOptions): string[] {
  const maxWidth = opts.maxWidth ?? POSTER_WIDTH;
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-noaccurate_seek',
    '-ss', opts.atSeconds.toFixed(3),
    '-skip_frame', 'nokey',
    '-i', `file:${opts.input}`,
    '-map', '0:v:0',
    '-frames:v', '1',
    '-vf', `scale=w='min(${maxWidth},iw)':h=-2`,
    '-q:v', '3',
    '-update', '1',
    '-f', 'image2',
    opts.out,
  ]; // prettier-ignore
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

/** Writes a poster JPEG (640 px wide at most, never upscaled) from one frame of the video. */
export async function extractPoster(opts: PosterOptions): Promise<void> {
  const run = async (atSeconds: number): Promise<void> => {
    const result = await runOwnedProcess({
      command: opts.ffmpegPath,
      label: 'ffmpeg (poster)',
      args: buildPosterArgs({ ...opts, atSeconds }),
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onSpawn: opts.onSpawn,
    });
    const error = ffmpegExitError(result, 'ffmpeg (poster)');
    if (error) throw error;
  };
  await run(opts.atSeconds);
  // A seek beyond the last decodable frame "succeeds" with no frame written: retry at the start.
  if ((await sizeOf(opts.out)) === 0 && opts.atSeconds > 0) await run(0);
  if ((await sizeOf(opts.out)) === 0) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.internal, `ffmpeg wrote no poster frame for ${opts.input}`);
  }
}

/** A finished video rung a poster may be cut from. */
interface PosterRung {
  name: string;
  width: number;
}

/** The rung to cut a poster from: the narrowest still as wide as the poster, else the widest. */
export function posterRung<R extends PosterRung>(rungs: readonly R[], maxWidth = POSTER_WIDTH): R | null {
  const wideEnough = rungs.filter((r) => r.width >= maxWidth).sort((a, b) => a.width - b.width);
  return wideEnough[0] ?? [...rungs].sort((a, b) => b.width - a.width)[0] ?? null;
}

/**
 * Writes the poster from a finished rung rather than the source: the first frame of the segment
 * holding `atSeconds` is a keyframe of an H.264 picture about the poster's size, where the source's
 * may be a 4K HEVC one (0.4 s to decode and scale on two cores for a 640 px thumbnail). The
 * init segment and that segment are joined in a scratch file beside the rung, removed afterwards.
 */
export async function extractRungPoster(
  opts: Omit<PosterOptions, 'input'> & { outDir: string; rung: string },
): Promise<void> {
  const dir = path.join(opts.outDir, opts.rung);
  const { segments, mapUri } = parseVariantPlaylist(
    await readFile(path.join(dir, HLS_LAYOUT.variantPlaylist), 'utf8'),
  );
  let start = 0;
  const segment =
    segments.find((s) => {
      start += s.duration;
      return start > opts.atSeconds;
    }) ?? segments[segments.length - 1];
  if (!segment || !mapUri) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.internal, `rung ${opts.rung} has no segment for a poster`);
  }
  const scratch = path.join(dir, '.poster-source.mp4');
  try {
    await writeFile(
      scratch,
      Buffer.concat([await readFile(path.join(dir, mapUri)), await readFile(path.join(dir, segment.uri))]),
    );
    await extractPoster({ ...opts, input: scratch, atSeconds: 0 });
  } finally {
    await rm(scratch, { force: true });
  }
}

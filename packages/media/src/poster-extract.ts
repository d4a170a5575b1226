import { stat } from 'node:fs/promises';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
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

/** Share of the duration where the poster is taken: past a title fade-in, early enough to be representative. */
export const POSTER_POSITION = 0.1;

/**
 * Pure: the argv for one JPEG frame at `atSeconds`, seeked on the input. Only the keyframe at or before
 * that time is decoded (no accurate seek, non-key frames skipped): with long source GOPs an accurate
 * seek decodes seconds of video for a thumbnail.
 */
export function buildPosterArgs(opts: PosterOptions): string[] {
  const maxWidth = opts.maxWidth ?? 640;
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

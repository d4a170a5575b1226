import { expect } from 'vitest';
import { MediaError } from '../src/media-error.js';

/** FFmpeg binaries for tests (FFMPEG_PATH / FFPROBE_PATH override, as in production). */
export const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
export const FFPROBE = process.env.FFPROBE_PATH ?? '/usr/bin/ffprobe';

/** Awaits a promise that must reject with a MediaError, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<MediaError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaError);
  return err as MediaError;
}

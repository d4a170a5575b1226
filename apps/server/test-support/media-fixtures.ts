import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateMkvTestClip, generateTestClip, generateTrackedClip } from '@coursecast/media/samples';

const FIXTURE_DIR = path.join(tmpdir(), 'coursecast-test-fixtures');

/** FFmpeg binary used by tests (FFMPEG_PATH overrides, as in production). */
export const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
export const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

export interface ClipSpec {
  seconds: number;
  width: number;
  height: number;
  audio?: boolean;
  video?: boolean;
}

/**
 * A generated clip, made once per machine and shared by test files (written to a temp name and
 * renamed, so parallel workers never see a half-written file).
 */
export async function testClip(spec: ClipSpec): Promise<string> {
  const { seconds, width, height, audio = true, video = true } = spec;
  const file = path.join(
    FIXTURE_DIR,
    `clip-${width}x${height}-${seconds}s-${video ? 'v' : ''}${audio ? 'a' : ''}.mp4`,
  );
  if (existsSync(file)) return file;
  await mkdir(FIXTURE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.${Date.now()}.mp4`;
  await generateTestClip({ ffmpegPath: FFMPEG, out: partial, seconds, width, height, fps: 25, audio, video });
  await rename(partial, file);
  return file;
}

/** A text file pretending to be a video. */
export async function notMediaFile(): Promise<string> {
  await mkdir(FIXTURE_DIR, { recursive: true });
  const file = path.join(FIXTURE_DIR, 'notes.mp4');
  await writeFile(file, 'These are lecture notes, not a video.\n'.repeat(50));
  return file;
}

/** A generated Matroska clip (H.264 or HEVC), made once per machine like testClip. */
export async function mkvClip(spec: {
  seconds: number;
  width: number;
  height: number;
  codec: 'h264' | 'hevc';
}): Promise<string> {
  const { seconds, width, height, codec } = spec;
  const file = path.join(FIXTURE_DIR, `clip-${width}x${height}-${seconds}s-${codec}.mkv`);
  if (existsSync(file)) return file;
  await mkdir(FIXTURE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.${Date.now()}.mkv`;
  await generateMkvTestClip({ ffmpegPath: FFMPEG, out: partial, seconds, width, height, fps: 25, codec });
  await rename(partial, file);
  return file;
}

/** English captions carried by {@link trackedClip}'s first subtitle stream. */
export const EMBEDDED_SRT_EN =
  '1\n00:00:00,500 --> 00:00:01,500\n[music] Welcome to the lecture\n\n2\n00:00:02,000 --> 00:00:03,500\nToday: sampling\n';

/** A 4 s MP4 with two audio languages (English, French) and English SDH captions as mov_text; made once per machine. */
export async function trackedClip(): Promise<string> {
  const file = path.join(FIXTURE_DIR, 'tracked-4s.mp4');
  if (existsSync(file)) return file;
  await mkdir(FIXTURE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.${Date.now()}.mp4`;
  await generateTrackedClip({
    ffmpegPath: FFMPEG,
    out: partial,
    seconds: 4,
    width: 320,
    height: 180,
    fps: 25,
    audio: [
      { language: 'eng', frequency: 440, title: 'English' },
      { language: 'fre', frequency: 660, title: 'Français' },
    ],
    subtitles: [{ language: 'eng', srt: EMBEDDED_SRT_EN, title: 'English SDH', hearingImpaired: true }],
  });
  await rename(partial, file);
  return file;
}

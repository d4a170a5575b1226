import { rm, writeFile } from 'node:fs/promises';
import { ffmpegExitError, runOwnedProcess } from '../owned-process.js';

/** A subtitle stream to carry in the clip: its SubRip text and what its tags say. */
export interface ClipSubtitle {
  /** ISO 639-2 as MP4 and MKV tag it (`eng`, `fre`). */
  language: string;
  srt: string;
  title?: string;
  forced?: boolean;
  /** Captions for the deaf and hard of hearing. */
  hearingImpaired?: boolean;
}

/** An audio stream to carry: a tone of its own frequency, so a test can tell which one plays. */
export interface ClipAudio {
  language: string;
  frequency: number;
  title?: string;
  /** An audio description of the video (for blind and low-vision learners). */
  visualImpaired?: boolean;
}

/** What {@link generateTrackedClip} makes. */
export interface TrackedClipOptions {
  ffmpegPath: string;
  /** `.mp4` (subtitles as mov_text) or `.mkv` (as SubRip). */
  out: string;
  seconds: number;
  width: number;
  height: number;
  fps: number;
  audio: readonly ClipAudio[];
  subtitles: readonly ClipSubtitle[];
  timeoutMs?: number;
}

function dispositionOf(flags: Record<string, boolean | undefined>, isDefault: boolean): string {
  const on = Object.entries(flags)
    .filter(([, v]) => v)
    .map(([k]) => k);
  if (isDefault) on.unshift('default');
  return on.length > 0 ? on.join('+') : '0';
}

/**
 * A lecture-like clip with several audio and subtitle streams, each tagged with its language, title and disposition
 * (forced, hearing impaired, visual impaired), as a lecture recorded in two languages with captions would be.
 */
export async function generateTrackedClip(o: TrackedClipOptions): Promise<void> {
  const srtFiles = o.subtitles.map((_, i) => `${o.out}.sub${i}.srt`);
  await Promise.all(o.subtitles.map((s, i) => writeFile(srtFiles[i]!, s.srt)));
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}:duration=${o.seconds}`);
  for (const a of o.audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=${a.frequency}:sample_rate=48000:duration=${o.seconds}`);
  }
  for (const f of srtFiles) args.push('-i', f);
  args.push('-map', '0:v');
  o.audio.forEach((_, i) => args.push('-map', `${i + 1}:a`));
  srtFiles.forEach((_, i) => args.push('-map', `${o.audio.length + 1 + i}:s`));
  const gop = String(o.fps * 2);
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', gop, '-keyint_min', gop);
  args.push('-c:a', 'aac', '-b:a', '96k', '-ac', '2');
  args.push('-c:s', o.out.endsWith('.mkv') ? 'srt' : 'mov_text');
  o.audio.forEach((a, i) => {
    args.push(`-metadata:s:a:${i}`, `language=${a.language}`);
    if (a.title) args.push(`-metadata:s:a:${i}`, `title=${a.title}`);
    args.push(`-disposition:a:${i}`, dispositionOf({ visual_impaired: a.visualImpaired }, i === 0));
  });
  o.subtitles.forEach((s, i) => {
    args.push(`-metadata:s:s:${i}`, `language=${s.language}`);
    if (s.title) args.push(`-metadata:s:s:${i}`, `title=${s.title}`);
    args.push(
      `-disposition:s:${i}`,
      dispositionOf({ forced: s.forced, hearing_impaired: s.hearingImpaired }, false),
    );
  });
  args.push(o.out);
  try {
    const result = await runOwnedProcess({
      command: o.ffmpegPath,
      label: 'ffmpeg',
      args,
      timeoutMs: o.timeoutMs ?? 120_000,
    });
    const error = ffmpegExitError(result);
    if (error) throw error;
  } finally {
    await Promise.all(srtFiles.map((f) => rm(f, { force: true })));
  }
}

import { ffmpegExitError, runOwnedProcess } from '../owned-process.js';

// Captions carried in the source (an MP4's mov_text, an MKV's SubRip or ASS, CEA-608 FFmpeg reads as eia_608) are
// read out by FFmpeg as WebVTT, to go through the same checks as an uploaded file (caption-normalize.ts).

/** Where and how to read one subtitle stream of a source. */
export interface ExtractCaptionsOptions {
  ffmpegPath: string;
  file: string;
  /** The stream's index in the file (MediaInfo `subtitles[].index`). */
  streamIndex: number;
  timeoutMs: number;
  /** Largest WebVTT read back (characters); more fails the extraction. */
  maxChars: number;
  signal?: AbortSignal;
}

/** The stream as WebVTT bytes; rejects with a MediaError saying why FFmpeg could not. */
export async function extractCaptions(o: ExtractCaptionsOptions): Promise<Uint8Array> {
  const result = await runOwnedProcess({
    command: o.ffmpegPath,
    label: 'ffmpeg',
    args: [
      '-v',
      'error',
      '-nostdin',
      '-i',
      o.file,
      '-map',
      `0:${o.streamIndex}`,
      '-c:s',
      'webvtt',
      '-f',
      'webvtt',
      'pipe:1',
    ],
    timeoutMs: o.timeoutMs,
    collectStdout: true,
    maxStdoutChars: o.maxChars,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const failed = ffmpegExitError(result);
  if (failed) throw failed;
  return new TextEncoder().encode(result.stdout);
}

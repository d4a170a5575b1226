import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { keyframeIntervalFromPackets, toMediaInfo } from './ffprobe-parse.js';
import { MediaError } from './media-error.js';
import type { MediaInfo } from './media-info.js';
import { ffmpegExitError, runOwnedProcess, type OwnedProcessResult } from './owned-process.js';

/** How to run ffprobe. */
interface ProbeOptions {
  ffprobePath: string;
  /** Limit for the whole probe (both ffprobe runs); default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** default true: measure the keyframe interval from the first 30 s of video packets */
  keyframes?: boolean;
}

const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
/** How much of the video the keyframe measurement reads. */
const KEYFRAME_WINDOW_SECONDS = 30;

/** `file:` stops FFmpeg from reading a name like `a:b.mp4` as a protocol. */
function inputUrl(file: string): string {
  return `file:${file}`;
}

/** ffprobe's reason for refusing a file, without the file name it prefixes. */
function probeFailure(result: OwnedProcessResult, file: string): MediaError {
  if (result.signal !== null) return ffmpegExitError(result, 'ffprobe')!;
  const reason = (result.stderr.lastLines(1)[0] ?? 'no reason given').replace(`${inputUrl(file)}: `, '');
  return new MediaError(
    TRANSCODE_ERROR_TYPES.invalidMedia,
    `ffprobe cannot read ${path.basename(file)}: ${reason}`,
    { exitCode: result.exitCode, signal: result.signal, stderrTail: result.stderr.text() },
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.internal, `ffprobe printed unreadable JSON for ${what}`, {
      cause: err,
    });
  }
}

/**
 * ffprobe a file (JSON output). Rejects with MediaError invalid_media (message quotes ffprobe's
 * reason, e.g. "Invalid data found when processing input"), no_streams, timeout. Attached pictures
 * (cover art, disposition.attached_pic) are not video.
 */
export async function probeMedia(file: string, opts: ProbeOptions): Promise<MediaInfo> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  const common = { command: opts.ffprobePath, label: 'ffprobe', signal: opts.signal, collectStdout: true };
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );

  const streams = await runOwnedProcess({
    ...common,
    timeoutMs: Math.max(1, deadline - Date.now()),
    args: [
      '-v',
      'error',
      '-hide_banner',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      inputUrl(file),
    ],
  });
  if (streams.exitCode !== 0) throw probeFailure(streams, file);
  const info = toMediaInfo(parseJson(streams.stdout, file), path.basename(file), size);

  if (opts.keyframes !== false && info.video) {
    // Packets, not decoded frames: the container's keyframe flags are exactly what FFmpeg's HLS
    // muxer cuts a stream-copied rung on, and reading them decodes nothing (all-intra sources too).
    const packets = await runOwnedProcess({
      ...common,
      timeoutMs: Math.max(1, deadline - Date.now()),
      args: [
        '-v',
        'error',
        '-hide_banner',
        '-select_streams',
        String(info.video.index),
        '-read_intervals',
        `%+${KEYFRAME_WINDOW_SECONDS}`,
        '-show_entries',
        'packet=pts_time,dts_time,flags',
        '-print_format',
        'json',
        inputUrl(file),
      ],
    });
    if (packets.signal !== null) throw ffmpegExitError(packets, 'ffprobe')!;
    // The file already probed fine; an unreadable packet list only leaves the interval unknown.
    if (packets.exitCode === 0) {
      info.video.keyframeInterval = keyframeIntervalFromPackets(parseJson(packets.stdout, file));
    }
  }
  return info;
}

import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { parsePacketCsv } from './ffprobe-packet-csv.js';
import { MediaError } from './media-error.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';

/** When a video stream's frames are shown, from its packets. */
export interface FrameTimes {
  /** Presentation times in seconds from the file's start, ascending, without duplicates. */
  times: number[];
  /** When the last frame stops being shown: its time plus its duration, from the file's start. */
  end: number;
}

/**
 * Frame times from ffprobe's `-of csv=p=1` lines `packet,<pts_time>,<duration_time>` and
 * `format,<start_time>`. Packets without a timestamp are skipped (FFmpeg drops them too).
 */
export function parseFrameTimesCsv(text: string): FrameTimes {
  const { start, packets } = parsePacketCsv(text);
  const times: number[] = [];
  let end = 0;
  for (const cols of packets) {
    const t = Number.parseFloat(cols[0] ?? '');
    if (!Number.isFinite(t)) continue;
    const d = Number.parseFloat(cols[1] ?? '');
    times.push(t);
    end = Math.max(end, t + (Number.isFinite(d) && d > 0 ? d : 0));
  }
  const relative = times.map((t) => t - start).sort((a, b) => a - b);
  return {
    times: relative.filter((t, i) => i === 0 || t !== relative[i - 1]),
    end: times.length > 0 ? end - start : 0,
  };
}

/**
 * Every frame time of the first video stream, from packets (demuxing only, nothing decoded). A
 * variable-frame-rate output needs them because FFmpeg 5.1's HLS muxer loses the duration of each
 * segment's last frame (ADR 0009).
 */
export async function probeFrameTimes(
  ffprobePath: string,
  file: string,
  opts: { signal?: AbortSignal; timeoutMs: number },
): Promise<FrameTimes> {
  const result = await runOwnedProcess({
    command: ffprobePath,
    label: 'ffprobe',
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    collectStdout: true,
    args: [
      '-v', 'error', '-hide_banner',
      '-select_streams', 'V:0',
      '-show_entries', 'packet=pts_time,duration_time:format=start_time',
      '-of', 'csv=p=1',
      `file:${file}`,
    ], // prettier-ignore
  });
  if (result.signal !== null) throw ffmpegExitError(result, 'ffprobe')!;
  if (result.exitCode !== 0) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.invalidMedia,
      `ffprobe cannot read the frame times of ${path.basename(file)}`,
      { exitCode: result.exitCode, stderrTail: result.stderr.text() },
    );
  }
  return parseFrameTimesCsv(result.stdout);
}

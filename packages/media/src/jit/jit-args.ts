import path from 'node:path';
import { gridEnd, isUniformGrid, type SegmentGrid } from './segment-grid.js';

/** Video of a JIT run: copied (every grid segment must start on a source keyframe) or encoded to H.264. */
export type JitVideo =
  | { mode: 'copy' }
  | {
      mode: 'encode';
      height: number;
      /** bits per second; maxrate 1.1x and bufsize 2x, as the ladder's rungs */
      bitrate: number;
      /** A client's cap (PlaybackPlan video.maxrate): the VBV peak, with half a second of it as the buffer. */
      maxrate?: number | null;
      /** x264 preset: ultrafast, veryfast... */
      preset: string;
      codec: 'h264';
      /** H.264 level_idc written into the SPS (31 is 3.1), so the master playlist's CODECS is known in advance. */
      level?: number;
      /** yadif before scaling, for interlaced sources */
      deinterlace?: boolean;
    };

/** Audio of a JIT run; encode: AAC at `bitrate` (default 128 kb/s), mono/stereo kept, more downmixed. */
export interface JitAudio {
  mode: 'copy' | 'encode' | 'none';
  bitrate?: number;
}

/** What {@link buildJitArgs} needs. */
export interface JitArgsInput {
  source: string;
  outDir: string;
  grid: SegmentGrid;
  startIndex: number;
  video: JitVideo;
  audio: JitAudio;
  /** Unique per run: names its temporary files, so a run being killed never collides with its successor. */
  token: string;
  /** Source stream indexes; default the first non-cover-art video and first audio stream, if any. */
  streams?: { video?: number; audio?: number };
}

/** The argv of one run and the facts needed to follow its output. */
export interface JitRunPlan {
  args: string[];
  /** Absolute path of the CSV segment list FFmpeg appends to as each segment is closed. */
  listFile: string;
  /** Basename prefix of the temporary segment files: `<prefix><number padded to 5>.ts`. */
  partPrefix: string;
  /** Number of FFmpeg's first segment: startIndex - 1 when a copy run begins with a pre-roll to discard. */
  firstNumber: number;
  /** The last grid index this run writes. */
  lastIndex: number;
  /** Input seek (`-ss`), seconds; 0 when none. */
  seekSeconds: number;
  /** Media seconds the run writes from its seek point (its `-t`). */
  durationSeconds: number;
}

/**
 * Segments one run may cover. Cut times are passed explicitly (`-segment_times`), and one argv
 * string is limited to 128 KiB on Linux: 3000 times of 13 characters stay far below. A run that
 * reaches its last segment ends as completed; the caller starts the next one there.
 */
export const MAX_SEGMENTS_PER_RUN = 3000;
/**
 * How far before the wanted keyframe a copy run seeks. FFmpeg's input seek lands on the keyframe at
 * or before the target, and for sources with B-frames first backs off another 3/23 s unless the
 * demuxer seeks by PTS: seeking at the keyframe itself can land one GOP early, and where is not
 * knowable in advance. So the run always seeks early and discards the segment before the first cut.
 */
const COPY_PREROLL_SECONDS = 0.5;
/** Cut tolerance: a keyframe this close before a cut time still starts the segment (6-decimal rounding). */
const CUT_DELTA_SECONDS = 0.001;
const MAXRATE_RATIO = 1.1;
const BUFSIZE_RATIO = 2;
const DEFAULT_AUDIO_BITRATE = 128_000;
/** Packets FFmpeg may queue per stream; copied audio races ahead of x264's lookahead (see ladder-args.ts). */
const MUXING_QUEUE_PACKETS = '4096';

/** The encoder's VBV, bits and bits per second: what bounds any segment's size (see jit-bandwidth.ts). */
export function jitVbv(video: Extract<JitVideo, { mode: 'encode' }>): { maxrate: number; bufsize: number } {
  return {
    maxrate: Math.round(video.maxrate ?? video.bitrate * MAXRATE_RATIO),
    bufsize: Math.round(video.maxrate ? video.maxrate / 2 : video.bitrate * BUFSIZE_RATIO),
  };
}

/** `seg_00042.ts`: the name of the grid's segment 42 once complete. */
export function jitSegmentName(index: number): string {
  return `seg_${String(index).padStart(5, '0')}.ts`;
}

/** Basename prefix of a run's temporary files; hidden, so a listing of `seg_*` never shows them. */
function jitTempPrefix(token: string): string {
  return `.jit-${token}-`;
}

/** Seconds as FFmpeg reads them: up to 6 decimals, no exponent. */
function ffSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}

function videoArgs(input: JitArgsInput, cuts: number[], durationLimit: number): string[] {
  const { video, grid } = input;
  const map = ['-map', input.streams?.video === undefined ? '0:V:0' : `0:${input.streams.video}`];
  if (video.mode === 'copy') return [...map, '-c:v', 'copy'];
  const h = Math.max(2, Math.round(video.height / 2) * 2);
  // Width from the display aspect (dar), square pixels: an anamorphic source comes out the right shape.
  // tpad clones the last frame up to the grid's end: with audio longer than video, the tail
  // segments would otherwise have no video keyframe to be cut on, and never appear.
  const filters = [
    ...(video.deinterlace ? ['yadif'] : []),
    `scale=w=trunc(dar*${h}/2)*2:h=${h}`,
    'setsar=1',
    'format=yuv420p',
    `tpad=stop_mode=clone:stop_duration=${ffSeconds(durationLimit)}`,
  ];
  const seek = grid.segments[input.startIndex]!.start;
  // Keyframes on the grid, relative to the seek point (the encoder's clock starts there); the
  // 1 µs slack keeps float error in t from pushing a keyframe one frame late.
  const forced = isUniformGrid(grid)
    ? `expr:gte(t,n_forced*${ffSeconds(grid.segmentSeconds)}-0.000001)`
    : cuts.map((t) => ffSeconds(t - seek)).join(',');
  const vbv = jitVbv(video);
  return [
    ...map,
    '-vf', filters.join(','),
    '-c:v', 'libx264',
    '-preset', video.preset,
    ...(video.level ? ['-level:v', (video.level / 10).toFixed(1)] : []),
    '-b:v', String(Math.round(video.bitrate)),
    '-maxrate', String(vbv.maxrate),
    '-bufsize', String(vbv.bufsize),
    // Source timestamps through to the muxer untouched (no CFR re-timing to the first frame's
    // rounding): a restarted run then stamps a frame exactly as the first run did.
    '-fps_mode', 'vfr',
    '-enc_time_base', '-1',
    '-force_key_frames', forced,
  ]; // prettier-ignore
}

function audioArgs(input: JitArgsInput): string[] {
  const { audio } = input;
  if (audio.mode === 'none') return ['-an'];
  const map = ['-map', input.streams?.audio === undefined ? '0:a:0?' : `0:${input.streams.audio}`];
  // Copied audio starts where the demuxer's seek landed, on the video keyframe before -ss (up to a
  // GOP early); with the video encoded there is no pre-roll to absorb it, so drop what precedes -ss.
  if (audio.mode === 'copy')
    return [...map, '-c:a', 'copy', ...(input.video.mode === 'encode' ? ['-copypriorss:a', '0'] : [])];
  return [
    ...map,
    '-af', 'aformat=channel_layouts=mono|stereo',
    '-c:a', 'aac',
    '-b:a', String(Math.round(audio.bitrate ?? DEFAULT_AUDIO_BITRATE)),
  ]; // prettier-ignore
}

/**
 * Where the run cuts: the grid's start times after `startIndex` up to `lastIndex`, then the end of
 * `lastIndex` (nothing reaches it but a keyframe copied by DTS at `-t`; it then never joins the last
 * segment). Never empty: without times, the segment muxer would cut every 2 s.
 */
function cutTimes(grid: SegmentGrid, startIndex: number, lastIndex: number): number[] {
  const end = lastIndex === grid.count - 1 ? gridEnd(grid) : grid.segments[lastIndex + 1]!.start;
  return [...grid.segments.slice(startIndex + 1, lastIndex + 1).map((s) => s.start), end];
}

/**
 * Pure: the argv (without the binary) of one JIT run from `startIndex`, with its output's names.
 * The segment muxer (not the HLS one) cuts at explicit times, so a copy run follows an irregular
 * keyframe grid and every run cuts where any other would; `-output_ts_offset` puts the output on
 * the source's timeline, so segments of different runs join without a timestamp jump.
 */
export function buildJitArgs(input: JitArgsInput): JitRunPlan {
  const { grid, startIndex, video } = input;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex >= grid.count) {
    throw new RangeError(`startIndex ${startIndex} is outside the grid (0..${grid.count - 1})`);
  }
  const lastIndex = Math.min(grid.count - 1, startIndex + MAX_SEGMENTS_PER_RUN - 1);
  const start = grid.segments[startIndex]!.start;
  const preroll = video.mode === 'copy' && startIndex > 0;
  const seekSeconds = preroll ? Math.max(0, start - COPY_PREROLL_SECONDS) : start;
  const cuts = cutTimes(grid, startIndex, lastIndex);
  const durationLimit = cuts[cuts.length - 1]! - seekSeconds;
  const prefix = jitTempPrefix(input.token);
  const listFile = path.join(input.outDir, `${prefix}list.csv`);
  // The segment muxer expands printf patterns in the whole path; %% is a literal %.
  const pattern = path.join(input.outDir.replaceAll('%', '%%'), `${prefix}%05d.ts`);

  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1'];
  if (seekSeconds > 0) args.push('-ss', ffSeconds(seekSeconds));
  args.push('-i', `file:${input.source}`);
  args.push(...videoArgs(input, cuts, durationLimit), ...audioArgs(input));
  args.push('-map_metadata', '-1', '-map_chapters', '-1');
  args.push('-t', ffSeconds(durationLimit), '-max_muxing_queue_size', MUXING_QUEUE_PACKETS);
  args.push(
    '-f', 'segment',
    '-segment_format', 'mpegts',
    // No shift of the first packets to zero (AAC priming starts at -21 ms), in the segment muxer
    // nor in each segment's MPEG-TS muxer: a shift would depend on where the run started.
    '-avoid_negative_ts', 'disabled',
    '-segment_format_options', 'avoid_negative_ts=disabled',
    ...(seekSeconds > 0 ? ['-output_ts_offset', ffSeconds(seekSeconds)] : []),
    '-segment_times', [...(preroll ? [start] : []), ...cuts].map(ffSeconds).join(','),
    '-segment_time_delta', ffSeconds(CUT_DELTA_SECONDS),
    '-segment_start_number', String(preroll ? startIndex - 1 : startIndex),
    '-segment_list', listFile,
    '-segment_list_type', 'csv',
    pattern,
  ); // prettier-ignore
  return {
    args,
    listFile,
    partPrefix: prefix,
    firstNumber: preroll ? startIndex - 1 : startIndex,
    lastIndex,
    seekSeconds,
    durationSeconds: durationLimit,
  };
}

import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { MediaError } from '../media-error.js';
import { ffmpegExitError, runOwnedProcess } from '../owned-process.js';
import { readTsSegmentCodecs, type TsSegmentCodecs } from '../ts-segment-codecs.js';

/**
 * H.264 levels (Rec. ITU-T H.264 Table A-1, as x264 lists them, without level 1b): level_idc, macroblocks per
 * second, frame size in macroblocks, and the VBV's bit rate and buffer in kbit(/s) for Baseline and Main.
 */
const H264_LEVELS: readonly (readonly [number, number, number, number, number])[] = [
  [10, 1485, 99, 64, 175],
  [11, 3000, 396, 192, 500],
  [12, 6000, 396, 384, 1000],
  [13, 11880, 396, 768, 2000],
  [20, 11880, 396, 2000, 2000],
  [21, 19800, 792, 4000, 4000],
  [22, 20250, 1620, 4000, 4000],
  [30, 40500, 1620, 10000, 10000],
  [31, 108000, 3600, 14000, 14000],
  [32, 216000, 5120, 20000, 20000],
  [40, 245760, 8192, 20000, 25000],
  [41, 245760, 8192, 50000, 62500],
  [42, 522240, 8704, 50000, 62500],
  [50, 589824, 22080, 135000, 135000],
  [51, 983040, 36864, 240000, 240000],
  [52, 2073600, 36864, 240000, 240000],
  [60, 4177920, 139264, 240000, 240000],
  [61, 8355840, 139264, 480000, 480000],
  [62, 16711680, 139264, 800000, 800000],
];

/** What a JIT encode writes, known before its first frame: the size of its frames and its codec string. */
export interface EncodedVideo {
  width: number;
  height: number;
  /** level_idc to pin on the encoder (31 is 3.1). */
  level: number;
  /** RFC 6381, e.g. `avc1.64001f`. */
  codec: string;
}

/** The frame size of a JIT encode at `height` from a display size, as jit-args' scale filter computes it. */
export function encodedSize(
  display: { width: number; height: number },
  height: number,
): {
  width: number;
  height: number;
} {
  const h = Math.max(2, Math.round(height / 2) * 2);
  // FFmpeg evaluates `trunc(dar*h/2)*2` in doubles: the same operations in the same order give the same width.
  const dar = display.width / display.height;
  return { width: Math.max(2, Math.trunc((dar * h) / 2) * 2), height: h };
}

/**
 * x264's profile for a preset. x264 names the profile after the tools it uses: ultrafast turns off CABAC,
 * B-frames and the 8x8 transform (Constrained Baseline: constraint_set0 and 1), every other preset keeps the
 * 8x8 transform (High, no constraint flags). 8-bit 4:2:0 always (jit-args converts to yuv420p).
 */
function x264Profile(preset: string): { idc: number; constraints: number; high: boolean } {
  return preset === 'ultrafast'
    ? { idc: 66, constraints: 0xc0, high: false }
    : { idc: 100, constraints: 0x00, high: true };
}

/**
 * The lowest level whose limits the encode keeps (frame size, macroblock rate, VBV rate and buffer; High may
 * use 1.25x the bit rates), as x264 picks it. DPB size is not checked: x264 writes the level it is given.
 */
export function h264Level(o: {
  width: number;
  height: number;
  frameRate: number;
  maxrate: number;
  bufsize: number;
  high: boolean;
}): number {
  const mbW = Math.ceil(o.width / 16);
  const mbH = Math.ceil(o.height / 16);
  const mbs = mbW * mbH;
  const factor = o.high ? 5 / 4 : 1;
  for (const [idc, mbps, frameSize, bitrate, cpb] of H264_LEVELS) {
    if (frameSize < mbs || frameSize * 8 < mbW * mbW || frameSize * 8 < mbH * mbH) continue;
    if (o.frameRate > 0 && mbs * o.frameRate > mbps) continue;
    if (o.maxrate / 1000 > bitrate * factor || o.bufsize / 1000 > cpb * factor) continue;
    return idc;
  }
  return H264_LEVELS[H264_LEVELS.length - 1]![0];
}

/**
 * Pure: what an H.264 JIT encode of a `display`-sized source writes. `level` is the one pinned on the encoder
 * (jit-args' `-level:v`); without it, the one {@link h264Level} picks, which is what to pin.
 */
export function encodedVideo(o: {
  display: { width: number; height: number };
  height: number;
  frameRate: number;
  preset: string;
  maxrate: number;
  bufsize: number;
  level?: number | undefined;
}): EncodedVideo {
  const size = encodedSize(o.display, o.height);
  const profile = x264Profile(o.preset);
  const level = o.level ?? h264Level({ ...o, ...size, high: profile.high });
  const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
  return { ...size, level, codec: `avc1.${hex2(profile.idc)}${hex2(profile.constraints)}${hex2(level)}` };
}

const PROBE_TIMEOUT_MS = 15_000;
/** Seconds of copied audio measured when the source does not say its rate (Matroska rarely does). */
const AUDIO_SAMPLE_SECONDS = 10;

/** What a session's copied streams are, read from FFmpeg's own output. */
export interface CopiedStreams extends TsSegmentCodecs {
  /** Bits per second of the copied audio over its first seconds; null when no audio is copied. */
  audioBitrate: number | null;
}

/**
 * The codecs of the streams a JIT session copies, read from what FFmpeg really writes: the first video frame
 * remuxed into MPEG-TS as a session does it, and the first seconds of audio (as MPEG-TS, and as bare packets,
 * whose size is the audio's rate). Temporary files are hidden in `dir` and removed. Rejects with MediaError when
 * FFmpeg cannot read the source or a copied codec has no RFC 6381 name here.
 */
export async function probeCopiedStreams(o: {
  ffmpegPath: string;
  source: string;
  dir: string;
  durationSeconds: number;
  video: boolean;
  audio: boolean;
  signal?: AbortSignal;
}): Promise<CopiedStreams> {
  const base = path.join(o.dir, `.probe-${process.pid}-${Date.now().toString(36)}`);
  const seconds = Math.min(AUDIO_SAMPLE_SECONDS, o.durationSeconds);
  const t = ['-t', String(seconds)];
  const outputs = [
    ...(o.video ? ['-map', '0:V:0', '-c:v', 'copy', '-frames:v', '1', '-f', 'mpegts', `${base}-v.ts`] : []),
    ...(o.audio ? ['-map', '0:a:0', '-c:a', 'copy', '-t', '0.5', '-f', 'mpegts', `${base}-a.ts`] : []),
    ...(o.audio ? ['-map', '0:a:0', '-c:a', 'copy', ...t, '-f', 'data', `${base}-a.bin`] : []),
  ];
  try {
    const result = await runOwnedProcess({
      command: o.ffmpegPath,
      label: 'ffmpeg',
      timeoutMs: PROBE_TIMEOUT_MS,
      signal: o.signal,
      args: ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', `file:${o.source}`, ...outputs],
    });
    const failed = ffmpegExitError(result, 'ffmpeg');
    if (failed) throw failed;
    const video = o.video ? (await readTsSegmentCodecs(`${base}-v.ts`)).video : null;
    const audio = o.audio ? (await readTsSegmentCodecs(`${base}-a.ts`)).audio : null;
    if ((o.video && !video) || (o.audio && !audio)) {
      throw new MediaError(
        TRANSCODE_ERROR_TYPES.invalidMedia,
        `a copied stream of ${path.basename(o.source)} has a codec HLS cannot name here`,
      );
    }
    const audioBitrate =
      o.audio && seconds > 0 ? Math.round(((await stat(`${base}-a.bin`)).size * 8) / seconds) : null;
    return { video, audio, audioBitrate };
  } finally {
    await Promise.all(['-v.ts', '-a.ts', '-a.bin'].map((ext) => rm(`${base}${ext}`, { force: true })));
  }
}

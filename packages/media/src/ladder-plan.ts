import { TRANSCODE_ERROR_TYPES, TRANSCODE_MODES, type TranscodeMode } from '@coursecast/semconv';
import { planAudioGroup } from './audio-group-plan.js';
import { decideCopy, type CopyDecision } from './copy-decision.js';
import { targetVideoBitrate } from './ladder-bitrate.js';
import { MediaError } from './media-error.js';
import type { MediaInfo, VideoStreamInfo } from './media-info.js';

/** What the ladder is made of. */
export interface LadderOptions {
  /** Short-side heights to offer; default [1080, 720, 480, 360]. */
  heights: number[];
  /** default 4 */
  segmentSeconds: number;
  /** bps, default 128000 */
  audioBitrate: number;
  /** default true */
  allowCopy: boolean;
  /** x264 preset, default 'veryfast' */
  preset: string;
}

/** The defaults: a 4-rung ladder in 4 s segments, veryfast x264, 128 kbps AAC. */
export const DEFAULT_LADDER_OPTIONS: LadderOptions = {
  heights: [1080, 720, 480, 360],
  segmentSeconds: 4,
  audioBitrate: 128_000,
  allowCopy: true,
  preset: 'veryfast',
};

/** How encoded rungs place keyframes, so that every rung's segments start at the same instants. */
export const KEYFRAME_ALIGNMENTS = {
  /** `-force_key_frames expr:gte(t,n_forced*SEG)`: a keyframe on every segment boundary. */
  segmentGrid: 'segment-grid',
  /** `-force_key_frames source`: wherever the stream-copied top rung has one. */
  source: 'source',
} as const;
type KeyframeAlignment = (typeof KEYFRAME_ALIGNMENTS)[keyof typeof KEYFRAME_ALIGNMENTS];

/** How encoded rungs time their frames (ADR 0009). */
export const FRAME_TIMINGS = {
  /** One frame every 1/frameRate s: FFmpeg's HLS muxer duplicates or drops frames to keep the grid. */
  constant: 'constant',
  /** The source's own frames at the source's own times, keyframes on the segment grid by time. */
  variable: 'variable',
} as const;
type FrameTiming = (typeof FRAME_TIMINGS)[keyof typeof FRAME_TIMINGS];

/** One video quality of the ladder. */
export interface LadderRung {
  /** '720p' (the short side, so a portrait 720x1280 rung is also '720p') */
  name: string;
  width: number;
  height: number;
  /** bps; for a copied rung, the source's own bitrate */
  videoBitrate: number;
  maxrate: number;
  bufsize: number;
  mode: TranscodeMode;
}

/** One audio rendition of a video ladder's audio group: a stream of the source, as players list it. */
export interface PlannedAudioRendition {
  /** Its variant folder: `audio` for the first, `audio_<n>` for the others. */
  name: string;
  /** Absolute stream index in the source. */
  sourceIndex: number;
  /** BCP 47, null when the source does not say. */
  language: string | null;
  /** The name players show; unique in the group. */
  label: string;
  /** The one a player plays without being asked (the source's default stream). */
  default: boolean;
  /** An audio description of the video. */
  description: boolean;
}

/** The whole ladder, as buildLadderArgs needs it. */
export interface LadderPlan {
  /** highest first; empty for audio-only */
  rungs: LadderRung[];
  audio: { bitrate: number; channels: number; sampleRate: number } | null;
  segmentSeconds: number;
  /** The source's duration from its earliest stream's start (FFmpeg's t=0): audio is padded to it. */
  durationSeconds: number;
  /**
   * Output frame rate (the source's, halved until ≤ 60); for variable timing the fastest the output
   * runs (its nominal rate, as HLS's FRAME-RATE means it); 0 for audio-only.
   */
  frameRate: number;
  /** Constant, or the source's variable timing kept (screen recordings). */
  frameTiming: FrameTiming;
  /** Variable timing only: frames closer than this (seconds) are dropped, so bursts stay ≤ frameRate. */
  minFrameInterval: number | null;
  /** Keyframe interval in frames: a segment's worth at frameRate, so only the grid places keyframes. */
  gopFrames: number;
  /** rung names + 'audio' for an audio-only source */
  qualities: string[];
  /** why the top rung is (not) stream-copied, for logs/spans */
  copyDecision: { copy: boolean; reasons: string[] };
  preset: string;
  /** Where encoded rungs force keyframes. */
  keyframes: KeyframeAlignment;
  /** Frame rate to force with the fps filter, or null to keep the source's timing. */
  forceFrameRate: number | null;
  /** True to deinterlace (yadif) before scaling. */
  deinterlace: boolean;
  /** Absolute stream indices in the source (cover art is skipped, so not always v:0). */
  sourceStreams: { video: number | null; audio: number | null };
  /**
   * A video ladder's audio group, the first (`sourceStreams.audio`) first: every audio stream of the source, each
   * encoded once as its own rendition. Empty for an audio-only ladder (its one variant is the first stream).
   */
  audioRenditions: PlannedAudioRendition[];
}

/** Above this, the ladder halves the frame rate: lecture players gain nothing from 120 fps. */
const MAX_FRAME_RATE = 60;
/** The source's own height joins the ladder only if it is this much above the next rung. */
const SOURCE_RUNG_MARGIN = 1.15;
/** Below this, AAC-LC stereo sounds broken; a quieter source does not justify going lower. */
const MIN_AUDIO_BITRATE = 64_000;
const MAXRATE_RATIO = 1.1;
const BUFSIZE_RATIO = 2;

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
const kbps = (bps: number): number => Math.max(1000, Math.round(bps / 1000) * 1000);

/** Short-side heights to encode: configured ones that do not upscale, plus the source's own when it earns a rung. */
function chooseHeights(sourceShort: number, configured: readonly number[]): number[] {
  const heights = [...new Set(configured.filter((h) => h > 0).map(even))].sort((a, b) => b - a);
  const fitting = heights.filter((h) => h <= sourceShort);
  const own = sourceShort - (sourceShort % 2);
  const largest = heights[0] ?? 0;
  const top = fitting[0];
  if (top === undefined) return [own];
  if (own < largest && own > top * SOURCE_RUNG_MARGIN) return [own, ...fitting];
  return fitting;
}

function rungSize(video: VideoStreamInfo, short: number): { width: number; height: number } {
  const scale = short / Math.min(video.width, video.height);
  return { width: even(video.width * scale), height: even(video.height * scale) };
}

function outputFrameRate(fps: number): number {
  let rate = fps;
  while (rate > MAX_FRAME_RATE) rate /= 2;
  return Math.round(rate * 1000) / 1000;
}

/**
 * How the output times its frames. Constant-rate sources keep their rate (halved above 60). A
 * variable-rate source keeps its own frames (ADR 0009: the same quality per bit as converting it to
 * its nominal rate, at a seventh of the frames on a slide recording), capped at the halved nominal rate.
 */
function planFrameTiming(video: VideoStreamInfo): {
  frameTiming: FrameTiming;
  frameRate: number;
  averageRate: number;
  frameRateChanged: boolean;
  minFrameInterval: number | null;
} {
  const sourceFps = video.frameRate > 0 ? video.frameRate : 30;
  if (!video.variableFrameRate) {
    const frameRate = outputFrameRate(sourceFps);
    return {
      frameTiming: FRAME_TIMINGS.constant,
      frameRate,
      averageRate: frameRate,
      frameRateChanged: frameRate !== Math.round(sourceFps * 1000) / 1000,
      minFrameInterval: null,
    };
  }
  const nominal = Math.max(video.nominalFrameRate, sourceFps);
  const frameRate = outputFrameRate(nominal);
  const changed = frameRate < nominal;
  return {
    frameTiming: FRAME_TIMINGS.variable,
    frameRate,
    averageRate: Math.min(sourceFps, frameRate),
    frameRateChanged: changed,
    // A hair under the period, so frames on a jittery 1/frameRate grid are kept.
    minFrameInterval: changed ? Math.floor(1e6 / frameRate) / 1e6 - 0.0005 : null,
  };
}

/** The source's video bitrate: the stream's own, or else the container's minus the audio. */
function sourceVideoBitrate(info: MediaInfo): number | null {
  if (info.video?.bitrate) return info.video.bitrate;
  if (!info.bitrate) return null;
  const estimate = info.bitrate - (info.audio?.bitrate ?? 0);
  return estimate > 0 ? estimate : null;
}

/** Pure: plans the ladder from a probe. Throws MediaError no_streams when there is neither video nor audio. */
export function planLadder(info: MediaInfo, opts: LadderOptions): LadderPlan {
  if (!info.video && !info.audio) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.noStreams,
      'nothing to transcode: the source has neither video nor audio',
    );
  }
  const audio = info.audio
    ? {
        bitrate: kbps(
          Math.min(opts.audioBitrate, Math.max(MIN_AUDIO_BITRATE, info.audio.bitrate ?? Infinity)),
        ),
        channels: 2,
        sampleRate: 48_000,
      }
    : null;
  const base = {
    audio,
    audioRenditions: [] as PlannedAudioRendition[],
    segmentSeconds: opts.segmentSeconds,
    durationSeconds: info.durationSeconds,
    preset: opts.preset,
    sourceStreams: { video: info.video?.index ?? null, audio: info.audio?.index ?? null },
  };

  const video = info.video;
  if (!video) {
    return {
      ...base,
      rungs: [],
      frameRate: 0,
      frameTiming: FRAME_TIMINGS.constant,
      minFrameInterval: null,
      gopFrames: 0,
      qualities: ['audio'],
      copyDecision: { copy: false, reasons: ['audio-only source'] },
      keyframes: KEYFRAME_ALIGNMENTS.segmentGrid,
      forceFrameRate: null,
      deinterlace: false,
    };
  }

  const timing = planFrameTiming(video);
  const { frameRate, frameRateChanged } = timing;
  const sourceShort = Math.min(video.width, video.height);
  const sourcePixels = video.width * video.height;
  const sourceBitrate = sourceVideoBitrate(info);

  const planned = chooseHeights(sourceShort, opts.heights).map((short) => {
    const { width, height } = rungSize(video, short);
    // The average is planned on the frames the output really has; the peak on its fastest stretch,
    // so a screen recording's scroll gets the bits a 30 fps rung would (the same for constant timing).
    const target = targetVideoBitrate(width, height, timing.averageRate);
    const burst = targetVideoBitrate(width, height, frameRate);
    // No rung gets more bits than the source has. Lower rungs get the source's bits scaled by
    // (pixel ratio)^0.75, so a starved source does not give its 360p rung as many bits as its top.
    const cap = sourceBitrate === null ? Infinity : sourceBitrate * ((width * height) / sourcePixels) ** 0.75;
    const bitrate = kbps(Math.min(target, cap));
    return { name: `${short}p`, short, width, height, target, bitrate, peak: Math.max(bitrate, burst) };
  });
  const top = planned[0]!;

  const copyDecision: CopyDecision = decideCopy({
    video,
    allowCopy: opts.allowCopy,
    topHeight: top.short,
    topName: top.name,
    plannedTopBitrate: top.target,
    sourceBitrate,
    segmentSeconds: opts.segmentSeconds,
    frameRateChanged,
  });

  const rungs: LadderRung[] = planned.map((r, i) => {
    const copied = i === 0 && copyDecision.copy;
    const videoBitrate = copied && sourceBitrate !== null ? kbps(sourceBitrate) : r.bitrate;
    const peak = timing.frameTiming === FRAME_TIMINGS.variable && !copied ? r.peak : videoBitrate;
    return {
      name: r.name,
      width: r.width,
      height: r.height,
      videoBitrate,
      maxrate: kbps(peak * MAXRATE_RATIO),
      bufsize: kbps(peak * BUFSIZE_RATIO),
      mode: copied ? TRANSCODE_MODES.copy : TRANSCODE_MODES.encode,
    };
  });

  return {
    ...base,
    audioRenditions: planAudioGroup(info),
    rungs,
    frameRate,
    frameTiming: timing.frameTiming,
    minFrameInterval: timing.minFrameInterval,
    gopFrames: Math.ceil(opts.segmentSeconds * frameRate - 1e-6),
    qualities: rungs.map((r) => r.name),
    copyDecision,
    keyframes: copyDecision.copy ? KEYFRAME_ALIGNMENTS.source : KEYFRAME_ALIGNMENTS.segmentGrid,
    forceFrameRate: frameRateChanged && timing.frameTiming === FRAME_TIMINGS.constant ? frameRate : null,
    deinterlace: video.interlaced,
  };
}

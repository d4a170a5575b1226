import { targetVideoBitrate } from '../ladder-bitrate.js';
import { HLS_LAYOUT } from '../hls-layout.js';

/** What the ingest listener saw of a live input before its encoder starts. */
export interface LiveInputInfo {
  video: { codec: string; width: number; height: number; frameRate: number | null } | null;
  audio: { codec: string; sampleRate: number | null } | null;
  /** Seconds between the first two video keyframes; null when the second did not come in time. */
  keyframeInterval: number | null;
}

/** How a live lecture's ladder is made (config). */
export interface LiveLadderOptions {
  /** Short sides of the encoded rungs below the top one; default [720, 360]. */
  heights: number[];
  /** The top rung's short side at most (a bigger input is encoded down to it); default 1080. */
  maxHeight: number;
  /** Segment length in seconds; default 2. */
  segmentSeconds: number;
  /** Copy the input as the top rung when it allows; default true. */
  allowCopy: boolean;
  /** x264 preset of the encoded rungs; default 'veryfast'. */
  preset: string;
  /** AAC bitrate, bps; default 128000. */
  audioBitrate: number;
}

/** The defaults: the input (copied when it can be) over 720p and 360p, in 2 s segments. */
export const DEFAULT_LIVE_LADDER_OPTIONS: LiveLadderOptions = {
  heights: [720, 360],
  maxHeight: 1080,
  segmentSeconds: 2,
  allowCopy: true,
  preset: 'veryfast',
  audioBitrate: 128_000,
};

/** One video rung of a live ladder. */
export interface LiveRung {
  /** '720p': the short side. */
  name: string;
  width: number;
  height: number;
  /** bps; an estimate of the input's own for a copied rung. */
  bitrate: number;
  mode: 'copy' | 'encode';
}

/** A live lecture's ladder: fixed at its first publish, so every later run fills the same playlists. */
export interface LiveLadderPlan {
  /** Highest first; empty for an audio-only input. */
  rungs: LiveRung[];
  /** The audio rendition (encoded once, AAC), null for a video-only input. */
  audio: { name: string; bitrate: number } | null;
  segmentSeconds: number;
  /** The input's frame rate (null when unknown): the rungs keep it. */
  frameRate: number | null;
  /** Why the top rung is (not) the input copied, in words. */
  copyReasons: string[];
  preset: string;
}

/** A lower rung joins only when it is this much below the one above it. */
const RUNG_STEP = 1.15;
const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

function copyReasons(input: LiveInputInfo, opts: LiveLadderOptions, short: number): string[] {
  const v = input.video!;
  const reasons: string[] = [];
  if (!opts.allowCopy) reasons.push('copy disabled by configuration');
  if (v.codec !== 'h264') reasons.push(`input codec ${v.codec}, not h264`);
  if (short > opts.maxHeight) reasons.push(`input ${short}p is above the ${opts.maxHeight}p cap`);
  const gop = input.keyframeInterval;
  if (gop === null) reasons.push('input keyframe interval unknown (no second keyframe in time)');
  else if (gop > opts.segmentSeconds + 0.05) {
    reasons.push(`input keyframe interval ${gop} s is longer than the ${opts.segmentSeconds} s segments`);
  }
  return reasons;
}

/**
 * Plans a live ladder from what the listener saw: the top rung at the input's own size (never above it, at most
 * `maxHeight`), copied when the input is H.264 with keyframes at least every segment, and the configured lower
 * rungs below it, each encoded once from one decode.
 */
export function planLiveLadder(input: LiveInputInfo, opts: LiveLadderOptions): LiveLadderPlan {
  const audio = input.audio ? { name: HLS_LAYOUT.audioName, bitrate: opts.audioBitrate } : null;
  const v = input.video;
  if (!v) {
    return {
      rungs: [],
      audio,
      segmentSeconds: opts.segmentSeconds,
      frameRate: null,
      copyReasons: ['audio-only input'],
      preset: opts.preset,
    };
  }
  const short = Math.min(v.width, v.height);
  const reasons = copyReasons(input, opts, short);
  const copy = reasons.length === 0;
  const topShort = copy ? short : Math.min(even(short), opts.maxHeight);
  const fps = v.frameRate ?? 30;
  const size = (s: number): { width: number; height: number } => {
    const scale = s / short;
    return copy && s === short
      ? { width: v.width, height: v.height }
      : { width: even(v.width * scale), height: even(v.height * scale) };
  };
  const rung = (s: number, mode: 'copy' | 'encode'): LiveRung => {
    const { width, height } = size(s);
    return { name: `${s}p`, width, height, bitrate: targetVideoBitrate(width, height, fps), mode };
  };
  const rungs = [rung(topShort, copy ? 'copy' : 'encode')];
  const lower = [...new Set(opts.heights.map(even))].sort((a, b) => b - a);
  for (const h of lower) {
    if (h * RUNG_STEP <= Math.min(...rungs.map((r) => Math.min(r.width, r.height))))
      rungs.push(rung(h, 'encode'));
  }
  return {
    rungs,
    audio,
    segmentSeconds: opts.segmentSeconds,
    frameRate: v.frameRate,
    copyReasons: copy ? ['input is h264 with keyframes every segment: copied'] : reasons,
    preset: opts.preset,
  };
}

/**
 * A later run's ladder: the lecture's rungs kept (same names and sizes, so the playlists go on), the top one copied
 * only if this input could be copied into it, and only the renditions this input can fill.
 */
export function adaptLivePlan(
  fixed: LiveLadderPlan,
  input: LiveInputInfo,
  opts: LiveLadderOptions,
): LiveLadderPlan {
  const v = input.video;
  const top = fixed.rungs[0];
  const copyable =
    v !== null &&
    top !== undefined &&
    top.mode === 'copy' &&
    v.width === top.width &&
    v.height === top.height &&
    copyReasons(input, opts, Math.min(v.width, v.height)).length === 0;
  const rungs =
    v === null
      ? []
      : fixed.rungs.map((r, i) => ({ ...r, mode: i === 0 && copyable ? r.mode : ('encode' as const) }));
  const reasons =
    copyable || !top || top.mode !== 'copy'
      ? fixed.copyReasons
      : ["this input cannot be copied into the lecture's top rung: encoded"];
  return {
    ...fixed,
    rungs,
    audio: input.audio ? fixed.audio : null,
    frameRate: v?.frameRate ?? fixed.frameRate,
    copyReasons: reasons,
  };
}

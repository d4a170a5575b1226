import {
  PLAYBACK_MODES,
  PLAYBACK_REASONS,
  type PlaybackMode,
  type PlaybackReason,
} from '@coursecast/semconv';
import { cappedMaxrate, UNKNOWN_AUDIO_BITRATE } from './jit/jit-bandwidth.js';
import { segmentGrid } from './jit/segment-grid.js';
import { gridTargetDuration } from './jit/vod-media-playlist.js';
import { targetVideoBitrate } from './ladder-bitrate.js';
import type { MediaInfo } from './media-info.js';

/** What a player says it can play (the SDK probes MediaSource / canPlayType and sends this). */
export interface ClientCapabilities {
  /** File containers the browser plays as they are, e.g. `mp4`, `webm`. */
  containers: readonly string[];
  /** ffprobe codec names the browser decodes, e.g. `h264`, `hevc`, `vp9`, `av1`. */
  videoCodecs: readonly string[];
  /** e.g. `aac`, `mp3`, `opus`. */
  audioCodecs: readonly string[];
  /** Largest video height worth sending (the screen), px. */
  maxHeight: number | null;
  /** Largest bitrate worth sending (the connection), bits per second. */
  maxBitrate: number | null;
}

/** One side of a plan: what happens to a stream. */
export const STREAM_ACTIONS = { copy: 'copy', encode: 'encode', none: 'none' } as const;
type StreamAction = (typeof STREAM_ACTIONS)[keyof typeof STREAM_ACTIONS];

/**
 * How an item is played, and why. The same object drives FFmpeg's arguments, the session's telemetry
 * attributes and the dashboards, so they cannot disagree.
 */
export interface PlaybackPlan {
  mode: PlaybackMode;
  /** Empty for plain `vod`; otherwise each reason the simpler modes were ruled out. */
  reasons: PlaybackReason[];
  source: {
    container: string;
    videoCodec: string | null;
    audioCodec: string | null;
    height: number | null;
    bitrate: number | null;
  };
  video: {
    action: StreamAction;
    codec: string | null;
    height: number | null;
    bitrate: number | null;
    /** The encoder's VBV peak when the client capped the bitrate (null: the usual 1.1x of `bitrate`). */
    maxrate: number | null;
  };
  audio: { action: StreamAction; codec: string | null; bitrate: number | null };
}

/** Knobs of the decision; the defaults are what a just-in-time session can encode faster than real time. */
export interface PlanOptions {
  /** Highest height a just-in-time transcode produces. */
  maxTranscodeHeight: number;
  audioBitrate: number;
  /** Segment length of just-in-time sessions (seconds): a capped encoder's budget is measured over them. */
  segmentSeconds: number;
}

const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  maxTranscodeHeight: 720,
  audioBitrate: 128_000,
  segmentSeconds: 4,
};

// What MPEG-TS HLS segments can carry and hls.js / Safari can play from them.
const HLS_VIDEO = new Set(['h264', 'hevc']);
const HLS_AUDIO = new Set(['aac', 'mp3', 'ac3', 'eac3']);

/** The file container a browser would call this source: ffprobe says `mov` for MP4 and `matroska` for MKV/WebM. */
export function browserContainer(info: MediaInfo): string {
  if (info.container === 'mov') return 'mp4';
  if (info.container === 'matroska') {
    const webmCodecs =
      (!info.video || ['vp8', 'vp9', 'av1'].includes(info.video.codec)) &&
      (!info.audio || ['opus', 'vorbis'].includes(info.audio.codec));
    return info.formatName.includes('webm') && webmCodecs ? 'webm' : 'mkv';
  }
  return info.container;
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** The encoder's VBV buffer under a client's cap, in seconds of its maxrate (jit-args: half a second). */
const CAPPED_BUFFER_SECONDS = 0.5;

/**
 * Video that stays under a client's cap in every run of segments HLS measures, as the session's master playlist
 * promises it (jit-bandwidth.ts: the VBV's maxrate and buffer, the audio, MPEG-TS overhead, over the session's
 * grid). The average target is kept when lower.
 */
function cappedVideo(
  info: MediaInfo,
  cap: number,
  target: number,
  audioBitrate: number | null,
  options: PlanOptions,
): { bitrate: number; maxrate: number } {
  const grid = segmentGrid(info.durationSeconds, options.segmentSeconds);
  const load = {
    grid,
    targetDuration: gridTargetDuration(grid),
    audioBitrate,
    frameRate: info.video?.frameRate ?? 0,
  };
  const maxrate = Math.min(target * 1.1, cappedMaxrate(load, cap, CAPPED_BUFFER_SECONDS));
  return { bitrate: Math.min(target, maxrate / 1.1), maxrate };
}

/** Decides how `info` is played by `client`: vod, direct, remux or transcode, with the reasons. */
export function decidePlayback(
  info: MediaInfo,
  ladderReady: boolean,
  client: ClientCapabilities,
  options: PlanOptions = DEFAULT_PLAN_OPTIONS,
): PlaybackPlan {
  const { video, audio } = info;
  const source = {
    container: browserContainer(info),
    videoCodec: video?.codec ?? null,
    audioCodec: audio?.codec ?? null,
    height: video?.height ?? null,
    bitrate: info.bitrate,
  };
  const copyVideo = {
    action: STREAM_ACTIONS.copy,
    codec: source.videoCodec,
    height: source.height,
    bitrate: video?.bitrate ?? null,
    maxrate: null,
  };
  const copyAudio = {
    action: STREAM_ACTIONS.copy,
    codec: source.audioCodec,
    bitrate: audio?.bitrate ?? null,
  };
  const noVideo = { action: STREAM_ACTIONS.none, codec: null, height: null, bitrate: null, maxrate: null };
  const noAudio = { action: STREAM_ACTIONS.none, codec: null, bitrate: null };

  if (ladderReady) {
    // The published ladder is H.264/AAC in every rung; the player's ABR picks within its limits.
    return {
      mode: PLAYBACK_MODES.vod,
      reasons: [],
      source,
      video: video ? { ...copyVideo, codec: 'h264' } : noVideo,
      audio: audio ? { ...copyAudio, codec: 'aac' } : noAudio,
    };
  }
  const reasons: PlaybackReason[] = [PLAYBACK_REASONS.ladderNotReady];
  const containerOk = client.containers.includes(source.container);
  const videoOk = !video || client.videoCodecs.includes(video.codec);
  const audioOk = !audio || client.audioCodecs.includes(audio.codec);
  const heightOk = !video || client.maxHeight === null || video.height <= client.maxHeight;
  const bitrateOk = client.maxBitrate === null || info.bitrate === null || info.bitrate <= client.maxBitrate;
  if (!containerOk) reasons.push(PLAYBACK_REASONS.containerNotSupported);
  if (!videoOk) reasons.push(PLAYBACK_REASONS.videoCodecNotSupported);
  if (!audioOk) reasons.push(PLAYBACK_REASONS.audioCodecNotSupported);
  if (!heightOk) reasons.push(PLAYBACK_REASONS.resolutionTooHigh);
  if (!bitrateOk) reasons.push(PLAYBACK_REASONS.bitrateTooHigh);

  const base = { reasons, source };
  if (containerOk && videoOk && audioOk && heightOk && bitrateOk) {
    return {
      ...base,
      mode: PLAYBACK_MODES.direct,
      video: video ? copyVideo : noVideo,
      audio: audio ? copyAudio : noAudio,
    };
  }
  const videoCopyable = !video || (videoOk && heightOk && HLS_VIDEO.has(video.codec));
  const audioCopyable = !audio || (audioOk && HLS_AUDIO.has(audio.codec));
  if (videoCopyable && audioCopyable && bitrateOk) {
    return {
      ...base,
      mode: PLAYBACK_MODES.remux,
      video: video ? copyVideo : noVideo,
      audio: audio ? copyAudio : noAudio,
    };
  }
  // Something must be encoded; keep whatever can still be copied (an H.264 MKV with DTS audio only
  // needs its audio encoded).
  // Under a cap, audio whose rate the probe did not tell (Matroska rarely does) is encoded: its rate is then known.
  const audioRateKnown = client.maxBitrate === null || audio?.bitrate != null;
  const audioPlan: PlaybackPlan['audio'] = !audio
    ? noAudio
    : audioCopyable && client.audioCodecs.includes(audio.codec) && audioRateKnown
      ? copyAudio
      : { action: STREAM_ACTIONS.encode, codec: 'aac', bitrate: options.audioBitrate };
  let videoPlan: PlaybackPlan['video'] = noVideo;
  if (video && videoCopyable && bitrateOk) videoPlan = copyVideo;
  else if (video) {
    const height = even(Math.min(video.height, client.maxHeight ?? Infinity, options.maxTranscodeHeight));
    const width = even((video.width * height) / video.height);
    const target = targetVideoBitrate(width, height, video.frameRate || 30);
    // A copied audio stream counts at its own rate (a source's 320 kb/s is not the 128 an encode would be).
    const audioRate =
      audioPlan.action === STREAM_ACTIONS.none ? null : (audioPlan.bitrate ?? UNKNOWN_AUDIO_BITRATE);
    const cap =
      client.maxBitrate === null ? null : cappedVideo(info, client.maxBitrate, target, audioRate, options);
    videoPlan = {
      action: STREAM_ACTIONS.encode,
      codec: 'h264',
      height,
      bitrate: Math.max(100_000, Math.round(cap?.bitrate ?? target)),
      maxrate: cap ? Math.max(110_000, Math.round(cap.maxrate)) : null,
    };
  }
  return { ...base, mode: PLAYBACK_MODES.transcode, video: videoPlan, audio: audioPlan };
}

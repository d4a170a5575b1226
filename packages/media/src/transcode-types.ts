import type { TranscodeMode } from '@coursecast/semconv';
import type { LadderPlan } from './ladder-plan.js';
import type { RungRetime } from './ladder-retime.js';

/** Per-rung progress, derived from the variant's playlist on disk. */
interface RungProgress {
  name: string;
  segments: number;
  /** Sum of the listed segments' EXTINF durations. */
  mediaSeconds: number;
  /** Bytes of the listed segments. */
  bytes: number;
}

/** One progress report (at most every 0.5 s, FFmpeg's `-stats_period`). */
export interface TranscodeProgress {
  outTimeSeconds: number;
  /** 0..100 */
  percent: number;
  /** media s per wall s */
  speed: number | null;
  fps: number | null;
  etaSeconds: number | null;
  /** In `plan.qualities` order. */
  rungs: RungProgress[];
}

/** A finished rung (or the audio rendition), measured from its files. */
export interface RungResult {
  name: string;
  /** From the init segment's track header; 0 for audio. */
  width: number;
  height: number;
  mode: TranscodeMode;
  /** epoch ms: when the encoder started (all rungs share one FFmpeg process) */
  startedAt: number;
  /** epoch ms: when FFmpeg wrote this rung's playlist with `#EXT-X-ENDLIST` (the playlist's mtime) */
  finishedAt: number;
  segmentCount: number;
  /** Media segments plus the init segment. */
  bytes: number;
  mediaSeconds: number;
  /** bps of this rung's own segments (a shared audio rendition is not included) */
  averageBitrate: number;
  /** bps of its largest segment, see measureVariant for the short-tail rule */
  peakBitrate: number;
  /** RFC 6381, e.g. 'avc1.64001f,mp4a.40.2' (the audio it plays with included) */
  codecs: string;
  /** path relative to outDir, e.g. '720p/index.m3u8' */
  playlist: string;
}

/** A finished ladder. */
export interface TranscodeResult {
  outDir: string;
  /** relative: 'master.m3u8' */
  masterPlaylist: string;
  /** relative: 'poster.jpg'; null for audio-only */
  poster: string | null;
  /** The video rungs, highest first; for an audio-only source, the one 'audio' rendition. */
  rungs: RungResult[];
  /** The audio rendition (shared by all video rungs), null when the source has no audio. */
  audio: RungResult | null;
  mediaSeconds: number;
  /** From the call to the result, poster and playlist rewrite included. */
  wallSeconds: number;
  /** spawn -> first progress (FFmpeg reports its first encoded frame at once) */
  encoderStartupSeconds: number;
  /** mediaSeconds / wallSeconds */
  speed: number;
  /** Variable-frame-rate sources: per encoded rung, whether its frames got the source's timing back. */
  retimed: RungRetime[];
}

/** How to run a ladder. */
export interface TranscodeOptions {
  input: string;
  /** Owned by the transcode: emptied first, removed entirely on failure. Must not contain '%'. */
  outDir: string;
  plan: LadderPlan;
  /** From the probe; the base of percent and ETA. */
  durationSeconds: number;
  ffmpegPath: string;
  /** For a variable-frame-rate source's frame times; default: the ffprobe beside ffmpegPath. */
  ffprobePath?: string;
  /** For the ladder process; the poster gets what is left of it. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: TranscodeProgress) => void;
  onRungComplete?: (r: RungResult) => void;
  /** The ladder FFmpeg's pid (the poster's run is not reported). */
  onSpawn?: (pid: number) => void;
  /** Told when one of the callbacks above threw (the transcode carries on regardless). */
  onCallbackError?: (callback: string, err: unknown) => void;
  /** Between SIGTERM and SIGKILL when stopping FFmpeg; default 2000 ms. */
  killGraceMs?: number;
}

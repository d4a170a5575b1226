// The pipeline's public entry: exactly what the server, the benchmarks and the end-to-end tests use. Everything
// else stays internal to the package (sample clips have their own entry, `@coursecast/media/samples`).
export { MediaError } from './media-error.js';
export type { AudioTrackInfo, MediaInfo, SubtitleStreamInfo } from './media-info.js';
export { runOwnedProcess, ffmpegExitError } from './owned-process.js';
export { probeMedia } from './ffprobe-probe.js';
export { checkIsoBmffIntegrity } from './isobmff-integrity.js';
export {
  DEFAULT_LADDER_OPTIONS,
  FRAME_TIMINGS,
  planLadder,
  type LadderOptions,
  type LadderPlan,
} from './ladder-plan.js';
export { buildLadderArgs } from './ladder-args.js';
export { parseVariantPlaylist } from './hls-playlist-parse.js';
export type { RungResult } from './transcode-types.js';
export { transcodeVodHls } from './transcode-vod-hls.js';
export {
  STREAM_ACTIONS,
  browserContainer,
  decidePlayback,
  type ClientCapabilities,
  type PlaybackPlan,
  type PlanOptions,
} from './playback-plan.js';
export { segmentGrid, keyframeGrid, bytesPerSegment, type SegmentGrid } from './jit/segment-grid.js';
export { probeKeyframes, type KeyframeIndex } from './jit/keyframe-probe.js';
export { vodMediaPlaylist, gridTargetDuration } from './jit/vod-media-playlist.js';
export { encodedVideo, probeCopiedStreams, type CopiedStreams } from './jit/jit-codecs.js';
export { jitMasterPlaylist } from './jit/jit-master-playlist.js';
export {
  buildJitArgs,
  jitSegmentName,
  jitVbv,
  type JitAudio,
  type JitRunPlan,
  type JitVideo,
} from './jit/jit-args.js';
export { parseSegmentList } from './jit/segment-publisher.js';
export { startJitEncoder } from './jit/jit-encoder.js';
export { measureVariant } from './rung-measure.js';
export { readTsSegmentCodecs, type TsSegmentCodecs } from './ts-segment-codecs.js';
export { CaptionError } from './captions/caption-error.js';
export { captionLanguage } from './captions/caption-language.js';
export {
  formatCueTime,
  normalizeCaptions,
  type CaptionOptions,
  type NormalizedCaptions,
} from './captions/caption-normalize.js';
export {
  segmentCaptions,
  SUBTITLES_MPEGTS_START,
  subtitleMediaTag,
  type CaptionKind,
  type SubtitleRendition,
  type SubtitleRenditionFiles,
  type SubtitleSegment,
} from './captions/caption-segments.js';
export { extractCaptions, type ExtractCaptionsOptions } from './captions/caption-extract.js';
export { HLS_LAYOUT } from './hls-layout.js';
export { gridOfMediaPlaylist, SUBTITLES_GROUP_ID, withSubtitles } from './captions/caption-master.js';
export {
  DEFAULT_LIVE_LADDER_OPTIONS,
  planLiveLadder,
  type LiveInputInfo,
  type LiveLadderOptions,
  type LiveLadderPlan,
  type LiveRung,
} from './live/live-ladder-plan.js';
export { composeLivePlaylist, type LiveRunPlaylist } from './live/live-playlist.js';
export type { LiveListen } from './live/live-args.js';
export type { LiveInputHealth } from './live/live-input-stats.js';
export type { LiveRunRungPlaylist } from './live/live-run-watch.js';
export {
  startLiveRun,
  type LiveRunEndReason,
  type LiveRunEvents,
  type LiveRunHandle,
  type LiveRunHealth,
  type LiveRunOptions,
  type LiveRunResult,
} from './live/live-run.js';
export { spawnLiveChild, type LiveChild, type LiveChildExit } from './live/live-child.js';
export { waitForTcpListen } from './live/tcp-listen-wait.js';
export { buildLiveMaster } from './live/live-master.js';
export { liveRunFiles } from './live/live-args.js';

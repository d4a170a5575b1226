/** Bounded value sets used as metric attributes or stored states. */

/** Lifecycle of a transcode job. */
export const JOB_STATES = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type JobState = (typeof JOB_STATES)[keyof typeof JOB_STATES];
// Pure: a bundle that does not use it (the player SDK) can drop it, and JOB_STATES with it.
export const JOB_STATE_VALUES = /* @__PURE__ */ Object.values(JOB_STATES);

/** How a rung is produced. */
export const TRANSCODE_MODES = { copy: 'copy', encode: 'encode' } as const;
export type TranscodeMode = (typeof TRANSCODE_MODES)[keyof typeof TRANSCODE_MODES];

// Shared by the two tables below as a constant, not read from one by the other: a property read keeps both
// tables in a bundle that uses neither (the player SDK).
const FFMPEG_EXIT = 'ffmpeg_exit';

/**
 * Low-cardinality classes for `error.type` on transcode failures. The job's error message
 * carries the specifics; the class is what dashboards group by.
 */
export const TRANSCODE_ERROR_TYPES = {
  invalidMedia: 'invalid_media',
  noStreams: 'no_streams',
  timeout: 'timeout',
  killed: 'killed',
  diskFull: 'disk_full',
  ffmpegExit: FFMPEG_EXIT,
  spawnFailed: 'spawn_failed',
  cancelled: 'cancelled',
  /** Every attempt spent, the last ones cut short by crashes of the server. */
  interrupted: 'interrupted',
  internal: 'internal',
} as const;
export type TranscodeErrorType = (typeof TRANSCODE_ERROR_TYPES)[keyof typeof TRANSCODE_ERROR_TYPES];

/**
 * `error.type` of a just-in-time encoder failure (`hls.transcode.errors`). Kept apart from
 * TRANSCODE_ERROR_TYPES, which classifies MediaErrors: only a session knows whether its FFmpeg run got as far
 * as a segment. A run that exits before its first segment never got going (unreadable input, arguments the
 * build refuses) and fails the same way again; one that exits later crashed mid-stream.
 */
export const JIT_TRANSCODE_ERROR_TYPES = {
  ffmpegStartup: 'ffmpeg_startup',
  ffmpegExit: FFMPEG_EXIT,
} as const;

/** Kinds of catalog items. */
export const ITEM_KINDS = { video: 'video', document: 'document', interactive: 'interactive' } as const;
export type ItemKind = (typeof ITEM_KINDS)[keyof typeof ITEM_KINDS];

/** Lifecycle of a catalog item. */
export const ITEM_STATUSES = {
  processing: 'processing',
  ready: 'ready',
  failed: 'failed',
} as const;
export type ItemStatus = (typeof ITEM_STATUSES)[keyof typeof ITEM_STATUSES];

/** Classes of delivered objects: the `content.type` attribute of delivery spans and metrics. */
export const CONTENT_OBJECT_TYPES = {
  playlist: 'playlist',
  init: 'init',
  videoSegment: 'video_segment',
  audioSegment: 'audio_segment',
  image: 'image',
  captions: 'captions',
  document: 'document',
  interactive: 'interactive',
  /** An uploaded source file played directly (playback plan `direct`). */
  source: 'source',
  other: 'other',
} as const;
export type ContentObjectType = (typeof CONTENT_OBJECT_TYPES)[keyof typeof CONTENT_OBJECT_TYPES];

/** Edge cache outcome of a request (`cdn.cache_status`; the seed's HIT/MISS/EXPIRED plus STALE). */
export const CDN_CACHE_STATUSES = {
  /** Fresh in the edge's memory. */
  hit: 'HIT',
  /** Not in the cache: fetched from the origin. */
  miss: 'MISS',
  /** In the cache but expired: revalidated or refetched from the origin. */
  expired: 'EXPIRED',
  /** Expired and served anyway (stale-while-revalidate, or the origin failed: stale-if-error). */
  stale: 'STALE',
} as const;
export type CdnCacheStatus = (typeof CDN_CACHE_STATUSES)[keyof typeof CDN_CACHE_STATUSES];

/** Where a response body came from (`cdn.served_from`). */
export const CDN_SERVED_FROM = { edge: 'edge', origin: 'origin' } as const;

/** Why an object left the edge cache. */
export const CDN_EVICTION_REASONS = { capacity: 'capacity', purge: 'purge' } as const;
export type CdnEvictionReason = (typeof CDN_EVICTION_REASONS)[keyof typeof CDN_EVICTION_REASONS];

/** `error.type` classes of a failed origin fetch. */
export const CDN_ORIGIN_ERROR_TYPES = {
  /** No answer in time (the edge answers 504). */
  timeout: 'timeout',
  /** Connection refused or reset, DNS failure (502). */
  unreachable: 'unreachable',
  /** The origin answered 5xx (passed on). */
  serverError: 'origin_5xx',
  /** The response broke off or was malformed (502). */
  badResponse: 'bad_response',
} as const;
export type CdnOriginErrorType = (typeof CDN_ORIGIN_ERROR_TYPES)[keyof typeof CDN_ORIGIN_ERROR_TYPES];

/** How CMCD reached the server (`cdn.cmcd.source`). */
export const CMCD_SOURCES = { query: 'query', header: 'header' } as const;
export type CmcdSource = (typeof CMCD_SOURCES)[keyof typeof CMCD_SOURCES];

/** How an item is played (`hls.plan.mode`). */
export const PLAYBACK_MODES = {
  /** The ladder is published: play it. */
  vod: 'vod',
  /** The browser plays the source file as it is, with range requests. */
  direct: 'direct',
  /** Codecs fine, container not: `-c copy` into HLS just in time. */
  remux: 'remux',
  /** HLS encoded just in time. */
  transcode: 'transcode',
  /** A live lecture, as it is given (its recording plays as `vod` once it ends). */
  live: 'live',
} as const;
export type PlaybackMode = (typeof PLAYBACK_MODES)[keyof typeof PLAYBACK_MODES];

/** Why a plan is not the plain one (`hls.plan.reasons`). */
export const PLAYBACK_REASONS = {
  containerNotSupported: 'container_not_supported',
  videoCodecNotSupported: 'video_codec_not_supported',
  audioCodecNotSupported: 'audio_codec_not_supported',
  bitrateTooHigh: 'bitrate_too_high',
  resolutionTooHigh: 'resolution_too_high',
  ladderNotReady: 'ladder_not_ready',
} as const;
export type PlaybackReason = (typeof PLAYBACK_REASONS)[keyof typeof PLAYBACK_REASONS];

/** Why a just-in-time session ended (`hls.session.end_reason`); the timeout rate is `timeout` / all. */
export const HLS_SESSION_END_REASONS = {
  completed: 'completed',
  timeout: 'timeout',
  clientClosed: 'client_closed',
  replaced: 'replaced',
  error: 'error',
  /** The server stopped. */
  shutdown: 'shutdown',
  /** Its item was deleted. */
  itemDeleted: 'item_deleted',
} as const;
export type HlsSessionEndReason = (typeof HLS_SESSION_END_REASONS)[keyof typeof HLS_SESSION_END_REASONS];

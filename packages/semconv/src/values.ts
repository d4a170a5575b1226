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
export const JOB_STATE_VALUES = Object.values(JOB_STATES);

/** How a rung is produced. */
export const TRANSCODE_MODES = { copy: 'copy', encode: 'encode' } as const;
export type TranscodeMode = (typeof TRANSCODE_MODES)[keyof typeof TRANSCODE_MODES];

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
  ffmpegExit: 'ffmpeg_exit',
  spawnFailed: 'spawn_failed',
  cancelled: 'cancelled',
  internal: 'internal',
} as const;
export type TranscodeErrorType = (typeof TRANSCODE_ERROR_TYPES)[keyof typeof TRANSCODE_ERROR_TYPES];

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

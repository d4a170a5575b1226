/**
 * Attribute keys. OTel has no media conventions, so coursecast's live here in OTel style
 * (dotted lowercase). Standard OTel keys are re-spelled here only where we use them, so a
 * grep for a name lands in one place.
 */

// --- content.* : the pipeline (seed: content.transcode_video) -------------------------------
/** Catalog id of the video item being transcoded or played (spans/events only: unbounded). */
export const ATTR_CONTENT_VIDEO_ID = 'content.video_id';
/** Catalog id of the course (spans/events only: unbounded). */
export const ATTR_CONTENT_COURSE_ID = 'content.course_id';
/** Comma-separated rung names planned for a transcode, e.g. `1080p,720p,360p`. */
export const ATTR_CONTENT_TARGET_QUALITIES = 'content.target_qualities';
/** One rung's name on a per-quality span, e.g. `720p`. */
export const ATTR_CONTENT_TARGET_QUALITY = 'content.target_quality';
/** One rung's resolution, `WIDTHxHEIGHT`. */
export const ATTR_CONTENT_TARGET_RESOLUTION = 'content.target_resolution';
/** One rung's planned video bitrate in bits per second. */
export const ATTR_CONTENT_TARGET_BITRATE = 'content.target_bitrate';
/** Bitrate actually produced by a rung (bytes on disk * 8 / media seconds), bits per second. */
export const ATTR_CONTENT_OUTPUT_BITRATE = 'content.output_bitrate';
/** Peak segment bitrate actually produced by a rung, bits per second. */
export const ATTR_CONTENT_OUTPUT_PEAK_BITRATE = 'content.output_peak_bitrate';
/** Segments written by a rung. */
export const ATTR_CONTENT_SEGMENT_COUNT = 'content.segment_count';
/** Quality label on metrics (bounded: the ladder's rung names or `audio`). */
export const ATTR_CONTENT_QUALITY = 'content.quality';
/** `copy` when a rung is stream-copied from the source, `encode` otherwise. */
export const ATTR_CONTENT_TRANSCODE_MODE = 'content.transcode_mode';
/** Number of rungs completed when a transcode span ends. */
export const ATTR_CONTENT_QUALITIES_COMPLETED = 'content.qualities_completed';
/** Source video codec (ffprobe codec_name, e.g. `h264`), or `none` for audio-only. */
export const ATTR_CONTENT_SOURCE_CODEC = 'content.source.codec';
/** Source audio codec, or `none`. */
export const ATTR_CONTENT_SOURCE_AUDIO_CODEC = 'content.source.audio_codec';
/** Source container (first ffprobe format_name, e.g. `mov`, `matroska`). */
export const ATTR_CONTENT_SOURCE_CONTAINER = 'content.source.container';
/** Source resolution `WIDTHxHEIGHT`. */
export const ATTR_CONTENT_SOURCE_RESOLUTION = 'content.source.resolution';
/** Source duration in seconds. */
export const ATTR_CONTENT_SOURCE_DURATION = 'content.source.duration';
/** Transcode job id (spans only). */
export const ATTR_CONTENT_JOB_ID = 'content.job.id';
/** Attempt number of a job, starting at 1. */
export const ATTR_CONTENT_JOB_ATTEMPT = 'content.job.attempt';
/** Job state label on metrics (bounded: see JOB_STATES). */
export const ATTR_CONTENT_JOB_STATE = 'content.job.state';
/** Media seconds transcoded per wall second for a job. */
export const ATTR_CONTENT_TRANSCODE_SPEED = 'content.transcode.speed';
/** `constant` or `variable`: how a job's encoded rungs time their frames (ADR 0009). */
export const ATTR_CONTENT_FRAME_TIMING = 'content.frame_timing';
/** Why a variable-frame-rate rung kept the encoder's timing rather than the source's (span events). */
export const ATTR_CONTENT_RETIME_SKIPPED = 'content.retime.skipped_reason';
/** How long the encoder took before reporting its first progress (s). */
export const ATTR_CONTENT_ENCODER_STARTUP = 'content.encoder.startup_s';

// --- standard OTel keys we use ---------------------------------------------------------------
/** OTel `error.type`: a low-cardinality error class. */
export const ATTR_ERROR_TYPE = 'error.type';

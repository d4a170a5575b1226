/**
 * Attribute keys of just-in-time HLS sessions (the seed's `[:mydia, :hls, ...]` events, in OTel style).
 * Source codec and container reuse `content.source.*`.
 */

/** Session id (spans and events only: unbounded). */
export const ATTR_HLS_SESSION_ID = 'hls.session.id';
/** How the item is played: vod, direct, remux or transcode (bounded: PLAYBACK_MODES). */
export const ATTR_HLS_PLAN_MODE = 'hls.plan.mode';
/** Why the plan is not `vod`/`direct`, as a list of PLAYBACK_REASONS (spans only). */
export const ATTR_HLS_PLAN_REASONS = 'hls.plan.reasons';
/** Video height the session produces, px. */
export const ATTR_HLS_TARGET_HEIGHT = 'hls.target.height';
/** Video bitrate the session produces, bits per second. */
export const ATTR_HLS_TARGET_BITRATE = 'hls.target.bitrate';
/** `copy` or `encode` for the video of a session. */
export const ATTR_HLS_VIDEO_ACTION = 'hls.video.action';
/** `copy`, `encode` or `none` for the audio of a session. */
export const ATTR_HLS_AUDIO_ACTION = 'hls.audio.action';
/** Index of a segment in the session's grid. */
export const ATTR_HLS_SEGMENT_INDEX = 'hls.segment.index';
/** Segment an encoder (re)started at. */
export const ATTR_HLS_ENCODER_START_SEGMENT = 'hls.encoder.start_segment';
/** Counter of encoder starts in a session; reports from an older generation are dropped. */
export const ATTR_HLS_ENCODER_GENERATION = 'hls.encoder.generation';
/** Why a session ended (bounded: HLS_SESSION_END_REASONS). */
export const ATTR_HLS_END_REASON = 'hls.session.end_reason';

import { z } from 'zod';
import { ATTR_CONTENT_COURSE_ID, ATTR_CONTENT_QUALITY, ATTR_ERROR_TYPE } from './attributes.js';
import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_CONTENT_ITEM_ID,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from './cdn-attributes.js';
import { ATTR_HLS_PLAN_MODE } from './hls-attributes.js';
import {
  ATTR_AUDIO_LANGUAGE,
  ATTR_CAPTIONS_LANGUAGE,
  ATTR_CAPTIONS_ON_MS,
  ATTR_TRACK_SWITCHES,
  CAPTIONS_OFF,
  TRACK_USAGE_EVENT,
} from './track-events.js';
import {
  ATTR_LIVE_CATCH_UPS,
  ATTR_LIVE_CLOCK_OFFSET_MS,
  ATTR_LIVE_DVR_SEEKS,
  ATTR_LIVE_JOIN_MS,
  ATTR_LIVE_LATENCY_MS,
  ATTR_LIVE_LATENCY_P50_MS,
  ATTR_LIVE_LATENCY_P95_MS,
  ATTR_LIVE_LATENCY_SAMPLES,
  ATTR_LIVE_STALLS,
  LIVE_LATENCY_EVENT,
} from './live-events.js';
import {
  ATTR_ASSET_COUNT,
  ATTR_BANDWIDTH_BPS,
  ATTR_BUFFER_LENGTH_S,
  ATTR_BUFFERING_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_DROPPED_FRAMES,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_FATAL,
  ATTR_LOAD_DURATION_MS,
  ATTR_MODULE_ID,
  ATTR_PLAYER_DPR,
  ATTR_PLAYER_HEIGHT,
  ATTR_PLAYER_WIDTH,
  ATTR_PLAYING_MS,
  ATTR_POSITION_S,
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_REQUEST_BYTES,
  ATTR_REQUEST_DOWNLOAD_MS,
  ATTR_REQUEST_OUTCOME,
  ATTR_REQUEST_RETRIES,
  ATTR_REQUEST_TTFB_MS,
  ATTR_REQUEST_TYPE,
  ATTR_SCORM_ATTEMPT_ID,
  ATTR_SCORM_ACTIVITY_ID,
  ATTR_SCORM_CALL,
  ATTR_SCORM_COMPLETION_STATUS,
  ATTR_SCORM_LESSON_STATUS,
  ATTR_SCORM_SCORE_SCALED,
  ATTR_SCORM_SESSION_TIME_S,
  ATTR_SCORM_SUCCESS_STATUS,
  ATTR_SCORM_VERSION,
  ATTR_SDK_ERRORS,
  ATTR_SEEK_MS,
  ATTR_SERVER_TRACE_ID,
  ATTR_STALL_MS,
  ATTR_STARTUP_MS,
  ATTR_SWITCH_REASON,
  ATTR_TOTAL_SIZE_KB,
  ATTR_VIEW_END_REASON,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_WATCH_MS,
  BUFFERING_PHASES,
  PLAYBACK_EVENTS,
  REQUEST_OUTCOMES,
  REQUEST_TYPES,
  SCORM_CALLS,
  SCORM_COMPLETION_STATUSES,
  SCORM_LESSON_STATUSES,
  SCORM_SESSION_TIME_MAX_S,
  SCORM_SUCCESS_STATUSES,
  SCORM_VERSIONS,
  VIEW_END_REASONS,
} from './playback-events.js';
import { ATTR_DOCUMENT_FORMAT, ATTR_PACKAGE_TYPE, ATTR_LOAD_PROBLEM } from './package-attributes.js';
import { PLAYBACK_MODES } from './values.js';

// Wire schemas of browser events' attributes. Unknown extra attributes are allowed (scalars only, checked
// by the ingest's generic limits); the ones named here must have these types, or the record is rejected.
const id = z.string().min(1).max(128);
const label = z.string().min(1).max(64);
// A day in ms: anything longer is a broken clock, not a measurement.
const ms = z.number().finite().min(0).max(86_400_000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const values = <T extends Record<string, string>>(o: T) => z.enum(Object.values(o) as [string, ...string[]]);

/** Attributes every view event carries. */
const ViewEventAttributes = z.object({
  [ATTR_VIEW_ID]: id,
  [ATTR_VIEW_SEQ]: z.number().int().min(0).max(10_000_000),
  [ATTR_CONTENT_COURSE_ID]: id.optional(),
  [ATTR_CONTENT_ITEM_ID]: id.optional(),
  [ATTR_HLS_PLAN_MODE]: values(PLAYBACK_MODES).optional(),
  [ATTR_POSITION_S]: z.number().finite().min(0).optional(),
  [ATTR_CONTENT_QUALITY]: label.optional(),
});

/** A BCP 47 language tag, as players name a track's language (`en`, `pt-BR`, `zh-Hant`). */
const languageTag = z.string().regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,6}$/);

// Views are derived from every event with a view id: an event that is not about a video view must not carry one.
const notAView = z.never({ error: 'not a view event: it has no view id' }).optional();

const viewEvent = <S extends z.ZodRawShape>(shape: S) => ViewEventAttributes.extend(shape);
const cumulative = {
  [ATTR_PLAYING_MS]: ms,
  [ATTR_STALL_MS]: ms,
  [ATTR_WATCH_MS]: ms,
};

/** The attribute schema of each known event; the ingest validates a record against its event's schema. */
export const PLAYBACK_EVENT_SCHEMAS = {
  [PLAYBACK_EVENTS.viewStart]: viewEvent({}),
  [PLAYBACK_EVENTS.videoStartup]: viewEvent({ [ATTR_STARTUP_MS]: ms }),
  [PLAYBACK_EVENTS.buffering]: viewEvent({
    [ATTR_BUFFERING_PHASE]: values(BUFFERING_PHASES),
    [ATTR_BUFFERING_MS]: ms.optional(),
  }).refine((a) => a[ATTR_BUFFERING_PHASE] !== BUFFERING_PHASES.end || a[ATTR_BUFFERING_MS] !== undefined, {
    message: `${ATTR_BUFFERING_MS} is required on a buffering end`,
    path: [ATTR_BUFFERING_MS],
  }),
  [PLAYBACK_EVENTS.qualitySwitch]: viewEvent({
    [ATTR_QUALITY_FROM]: label.optional(),
    [ATTR_QUALITY_TO]: label,
    [ATTR_SWITCH_REASON]: label.optional(),
  }),
  [PLAYBACK_EVENTS.seek]: viewEvent({ [ATTR_SEEK_MS]: ms }),
  [PLAYBACK_EVENTS.request]: viewEvent({
    [ATTR_REQUEST_TYPE]: values(REQUEST_TYPES),
    [ATTR_REQUEST_OUTCOME]: values(REQUEST_OUTCOMES),
    [ATTR_REQUEST_TTFB_MS]: ms.optional(),
    [ATTR_REQUEST_DOWNLOAD_MS]: ms.optional(),
    [ATTR_REQUEST_BYTES]: count.optional(),
    [ATTR_REQUEST_RETRIES]: z.number().int().min(0).max(1000).optional(),
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: z.number().int().min(0).max(999).optional(),
    [ATTR_CDN_CACHE_STATUS]: label.optional(),
    [ATTR_SERVER_TRACE_ID]: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
  }),
  [PLAYBACK_EVENTS.playbackError]: viewEvent({
    [ATTR_ERROR_TYPE]: label,
    [ATTR_ERROR_DETAILS]: z.string().max(256).optional(),
    [ATTR_ERROR_FATAL]: z.boolean(),
  }),
  [PLAYBACK_EVENTS.heartbeat]: viewEvent({
    ...cumulative,
    [ATTR_DROPPED_FRAMES]: count.optional(),
    [ATTR_BANDWIDTH_BPS]: z.number().finite().min(0).optional(),
    [ATTR_BUFFER_LENGTH_S]: z.number().finite().min(0).optional(),
    [ATTR_PLAYER_WIDTH]: z.number().finite().min(0).max(100_000).optional(),
    [ATTR_PLAYER_HEIGHT]: z.number().finite().min(0).max(100_000).optional(),
    [ATTR_PLAYER_DPR]: z.number().finite().min(0).max(16).optional(),
  }),
  [PLAYBACK_EVENTS.viewEnd]: viewEvent({
    [ATTR_VIEW_END_REASON]: values(VIEW_END_REASONS),
    [ATTR_PLAYING_MS]: ms.optional(),
    [ATTR_STALL_MS]: ms.optional(),
    [ATTR_WATCH_MS]: ms.optional(),
  }),
  [LIVE_LATENCY_EVENT]: viewEvent({
    [ATTR_LIVE_LATENCY_MS]: z.number().finite().min(-60_000).max(86_400_000),
    [ATTR_LIVE_LATENCY_P50_MS]: z.number().finite().min(-60_000).max(86_400_000),
    [ATTR_LIVE_LATENCY_P95_MS]: z.number().finite().min(-60_000).max(86_400_000),
    [ATTR_LIVE_LATENCY_SAMPLES]: count,
    [ATTR_LIVE_CLOCK_OFFSET_MS]: z.number().finite().min(-86_400_000).max(86_400_000),
    [ATTR_LIVE_CATCH_UPS]: count,
    [ATTR_LIVE_DVR_SEEKS]: count,
    [ATTR_LIVE_STALLS]: count,
    [ATTR_LIVE_JOIN_MS]: ms.optional(),
  }),
  [TRACK_USAGE_EVENT]: viewEvent({
    [ATTR_CAPTIONS_ON_MS]: ms,
    [ATTR_CAPTIONS_LANGUAGE]: z.union([z.literal(CAPTIONS_OFF), languageTag]),
    [ATTR_AUDIO_LANGUAGE]: languageTag.optional(),
    [ATTR_TRACK_SWITCHES]: z.number().int().min(0).max(100_000),
  }),
  // Loads are not view events either (see scormCall below).
  [PLAYBACK_EVENTS.loadInteractive]: z.object({
    [ATTR_MODULE_ID]: id,
    [ATTR_CONTENT_COURSE_ID]: id.optional(),
    [ATTR_ASSET_COUNT]: count.optional(),
    [ATTR_TOTAL_SIZE_KB]: z.number().finite().min(0).optional(),
    [ATTR_LOAD_DURATION_MS]: ms,
    // Free labels (a newer launch page may know more types); the metrics bound them.
    [ATTR_PACKAGE_TYPE]: label.optional(),
    [ATTR_ERROR_TYPE]: label.optional(),
    // What the package's page reported (a script error, a refused file), as the launch frame relayed it.
    [ATTR_LOAD_PROBLEM]: z.string().max(256).optional(),
    [ATTR_VIEW_ID]: notAView,
  }),
  [PLAYBACK_EVENTS.sdkError]: z.object({
    [ATTR_SDK_ERRORS]: z.number().int().min(1).max(1_000_000),
    [ATTR_ERROR_TYPE]: label,
    [ATTR_ERROR_DETAILS]: z.string().max(256).optional(),
  }),
  [PLAYBACK_EVENTS.documentLoad]: z.object({
    [ATTR_MODULE_ID]: id,
    [ATTR_CONTENT_COURSE_ID]: id.optional(),
    [ATTR_LOAD_DURATION_MS]: ms,
    [ATTR_TOTAL_SIZE_KB]: z.number().finite().min(0).optional(),
    [ATTR_DOCUMENT_FORMAT]: label.optional(),
    [ATTR_ERROR_TYPE]: label.optional(),
    [ATTR_VIEW_ID]: notAView,
  }),
  // Not a view event: the server derives views from any event with a view id, so one is refused here.
  [PLAYBACK_EVENTS.scormCall]: z.object({
    [ATTR_MODULE_ID]: id,
    [ATTR_CONTENT_COURSE_ID]: id.optional(),
    [ATTR_SCORM_CALL]: values(SCORM_CALLS),
    [ATTR_SCORM_VERSION]: values(SCORM_VERSIONS),
    [ATTR_SCORM_ATTEMPT_ID]: id.optional(),
    [ATTR_SCORM_ACTIVITY_ID]: z.string().min(1).max(255).optional(),
    [ATTR_SCORM_COMPLETION_STATUS]: values(SCORM_COMPLETION_STATUSES).optional(),
    [ATTR_SCORM_SUCCESS_STATUS]: values(SCORM_SUCCESS_STATUSES).optional(),
    [ATTR_SCORM_LESSON_STATUS]: values(SCORM_LESSON_STATUSES).optional(),
    [ATTR_SCORM_SCORE_SCALED]: z.number().finite().min(-1).max(1).optional(),
    [ATTR_SCORM_SESSION_TIME_S]: z.number().finite().min(0).max(SCORM_SESSION_TIME_MAX_S).optional(),
    [ATTR_VIEW_ID]: notAView,
  }),
} as const satisfies Record<string, z.ZodType>;

/**
 * Browser playback events: OTLP log records whose `event.name` is one of PLAYBACK_EVENTS (the seed's
 * `content.video_startup`, `content.buffering`, `content.quality_switch`, ...). Every one carries the view
 * id and a per-view sequence number, so a re-sent beacon is stored once.
 */

/** Event names. */
export const PLAYBACK_EVENTS = {
  /** Play intent: a view starts (Mux `viewstart`). */
  viewStart: 'content.view_start',
  /** First frame with the playhead moving; carries the startup time. */
  videoStartup: 'content.video_startup',
  /** A rebuffer started or ended (never startup or seek waits). */
  buffering: 'content.buffering',
  /** The player changed rendition. */
  qualitySwitch: 'content.quality_switch',
  /** A seek finished; carries its latency. */
  seek: 'content.seek',
  /** A request the player made completed or failed (playlist, segment, ...). */
  request: 'content.request',
  /** A player error, fatal or not. */
  playbackError: 'content.playback_error',
  /** Every 10 s while a view lives: cumulative playing/stall/watch time and player state. */
  heartbeat: 'content.heartbeat',
  /** The view ended (page hidden, player destroyed, source changed, inactivity, ended). */
  viewEnd: 'content.view_end',
  /** An interactive module loaded (seed: content.load_interactive). */
  loadInteractive: 'content.load_interactive',
  /** A document (PDF, slides) loaded. */
  documentLoad: 'content.document_load',
  /** The SDK caught errors of its own (counted, never thrown into the player). */
  sdkError: 'content.sdk_error',
  /**
   * A SCORM package called the runtime API: initialize, commit or finish (LMSInitialize/Initialize,
   * LMSCommit/Commit, LMSFinish/Terminate). Not a view event: it carries the module and a per-launch attempt id.
   */
  scormCall: 'content.scorm_call',
} as const;

/**
 * CMCD v2 event-mode records are stored as `cmcd.<event>` (e.g. `cmcd.play_state`) with their keys as `cmcd.*`
 * attributes, the CMCD session id as the view id and `sn` as the sequence number.
 */
export const CMCD_EVENT_PREFIX = 'cmcd.';

/** Stored in place of an event name the server does not know (the original is kept as an attribute). */
export const UNKNOWN_EVENT_NAME = 'unknown';

// --- attribute keys of browser events --------------------------------------------------------------
/** OTel `event.name` (log record attribute, or the LogRecord's own event_name field). */
export const ATTR_EVENT_NAME = 'event.name';
/** The original name of an event stored as `unknown`. */
export const ATTR_EVENT_ORIGINAL_NAME = 'event.original_name';
/** One attempt to play (a view), random per view (events only: unbounded). */
export const ATTR_VIEW_ID = 'content.view.id';
/** Sequence number of an event within its view, from 0; (view id, seq) is unique. */
export const ATTR_VIEW_SEQ = 'content.view.seq';
/** A random id per viewer (no cookie: the page keeps it), for per-viewer sampling. */
export const ATTR_VIEWER_ID = 'content.viewer.id';
/** Startup time of a view, ms: play intent → first frame with the playhead moving. */
export const ATTR_STARTUP_MS = 'content.startup.duration_ms';
/** `start` or `end` of a rebuffer (BUFFERING_PHASES). */
export const ATTR_BUFFERING_PHASE = 'content.buffering.phase';
/** Duration of a rebuffer, ms (on its `end`). */
export const ATTR_BUFFERING_MS = 'content.buffering.duration_ms';
/** Playhead position, seconds. */
export const ATTR_POSITION_S = 'content.position_s';
/** Rendition before a switch (seed name). */
export const ATTR_QUALITY_FROM = 'content.quality_from';
/** Rendition after a switch (seed name). */
export const ATTR_QUALITY_TO = 'content.quality_to';
/** Why the player switched (seed name). */
export const ATTR_SWITCH_REASON = 'content.switch_reason';
/** Seek latency, ms: seeking → playing again. */
export const ATTR_SEEK_MS = 'content.seek.duration_ms';
/** What a request fetched (REQUEST_TYPES). */
export const ATTR_REQUEST_TYPE = 'content.request.type';
/** `completed`, `failed` or `aborted` (REQUEST_OUTCOMES). */
export const ATTR_REQUEST_OUTCOME = 'content.request.outcome';
/** Request start → first byte, ms. */
export const ATTR_REQUEST_TTFB_MS = 'content.request.ttfb_ms';
/** First byte → last byte, ms. */
export const ATTR_REQUEST_DOWNLOAD_MS = 'content.request.download_ms';
/** Bytes received. */
export const ATTR_REQUEST_BYTES = 'content.request.bytes';
/** Failed attempts before this request succeeded (the seed's playlist 404 retry count). */
export const ATTR_REQUEST_RETRIES = 'content.request.retries';
/** The server's trace id from the response (`traceresponse`/`Server-Timing`), joining both sides. */
export const ATTR_SERVER_TRACE_ID = 'content.server.trace_id';
/** Player error detail (e.g. hls.js `fragLoadError`); the class goes in `error.type`. */
export const ATTR_ERROR_DETAILS = 'content.error.details';
/** Whether an error ended playback. */
export const ATTR_ERROR_FATAL = 'content.error.fatal';
/** Cumulative ms the playhead moved in this view (heartbeat, view end). */
export const ATTR_PLAYING_MS = 'content.view.playing_ms';
/** Cumulative ms of rebuffering in this view (heartbeat, view end). */
export const ATTR_STALL_MS = 'content.view.stall_ms';
/** Cumulative watch time, ms: play intent → now, minus paused time (Mux watch time). */
export const ATTR_WATCH_MS = 'content.view.watch_ms';
/** Frames the browser dropped so far in this view. */
export const ATTR_DROPPED_FRAMES = 'content.dropped_frames';
/** The player's bandwidth estimate, bits per second. */
export const ATTR_BANDWIDTH_BPS = 'content.bandwidth_bps';
/** Seconds buffered ahead of the playhead. */
export const ATTR_BUFFER_LENGTH_S = 'content.buffer_length_s';
/** Player width and height in CSS px, and the device pixel ratio. */
export const ATTR_PLAYER_WIDTH = 'content.player.width';
export const ATTR_PLAYER_HEIGHT = 'content.player.height';
export const ATTR_PLAYER_DPR = 'content.player.dpr';
/** Why a view ended (VIEW_END_REASONS). */
export const ATTR_VIEW_END_REASON = 'content.view.end_reason';
/** Interactive module or document id (seed: content.module_id). */
export const ATTR_MODULE_ID = 'content.module_id';
/** The SCORM API call recorded (SCORM_CALLS). */
export const ATTR_SCORM_CALL = 'content.scorm.call';
/** SCORM edition of the package (SCORM_VERSIONS). */
export const ATTR_SCORM_VERSION = 'content.scorm.version';
/** One launch of a SCORM package, random per launch page (events only: unbounded). */
export const ATTR_SCORM_ATTEMPT_ID = 'content.scorm.attempt_id';
/** The SCO of a multi-SCO course the call came from: its manifest item identifier (events only: unbounded). */
export const ATTR_SCORM_ACTIVITY_ID = 'content.scorm.activity_id';
/**
 * Completion (SCORM_COMPLETION_STATUSES): 2004's cmi.completion_status; for 1.2, from cmi.core.lesson_status:
 * passed, completed, failed → completed; incomplete → incomplete; browsed, not attempted → not_attempted.
 */
export const ATTR_SCORM_COMPLETION_STATUS = 'content.scorm.completion_status';
/** Success (SCORM_SUCCESS_STATUSES): 2004's cmi.success_status; for 1.2, passed/failed, else unknown. */
export const ATTR_SCORM_SUCCESS_STATUS = 'content.scorm.success_status';
/** 1.2 only: cmi.core.lesson_status as the package set it (SCORM_LESSON_STATUSES), before the mapping above. */
export const ATTR_SCORM_LESSON_STATUS = 'content.scorm.lesson_status';
/** Score in -1..1: 2004's cmi.score.scaled; for 1.2, (raw − min) / (max − min), min 0 and max 100 by default. */
export const ATTR_SCORM_SCORE_SCALED = 'content.scorm.score_scaled';
/** The session time the package reported, seconds (1.2 `HHHH:MM:SS.SS`, 2004 ISO 8601 `PT1H2M3.5S`). */
export const ATTR_SCORM_SESSION_TIME_S = 'content.scorm.session_time_s';
/** The longest session time accepted, s (a year): a longer one is a broken clock in the package. */
export const SCORM_SESSION_TIME_MAX_S = 31_536_000;
/** Assets of an interactive module (seed). */
export const ATTR_ASSET_COUNT = 'content.asset_count';
/** Total size of a module's assets, KB (seed). */
export const ATTR_TOTAL_SIZE_KB = 'content.total_size_kb';
/** Player software name and version (`hls.js` 1.7.4, `html5`). */
export const ATTR_PLAYER_NAME = 'content.player.name';
export const ATTR_PLAYER_VERSION = 'content.player.version';
/** Errors the SDK caught since the last report (on `content.sdk_error`). */
export const ATTR_SDK_ERRORS = 'content.sdk.errors';
/** Load duration of a module or document, ms (seed). */
export const ATTR_LOAD_DURATION_MS = 'content.load_duration_ms';

// --- bounded values ------------------------------------------------------------------------------
export const BUFFERING_PHASES = { start: 'start', end: 'end' } as const;
export const REQUEST_TYPES = {
  manifest: 'manifest',
  playlist: 'playlist',
  segment: 'segment',
  init: 'init',
  key: 'key',
  document: 'document',
  other: 'other',
} as const;
/** Why the player changed rendition (SWITCH_REASONS). */
export const SWITCH_REASONS = {
  /** The ABR picked a higher rendition. */
  abrUp: 'abr_up',
  /** The ABR picked a lower rendition (bandwidth dropped, or frames were dropped). */
  abrDown: 'abr_down',
  /** The application or the learner chose it. */
  manual: 'manual',
} as const;
/** The SCORM API calls recorded as `content.scorm_call` (1.2's LMSFinish and 2004's Terminate are `finish`). */
export const SCORM_CALLS = { initialize: 'initialize', commit: 'commit', finish: 'finish' } as const;
export type ScormCall = (typeof SCORM_CALLS)[keyof typeof SCORM_CALLS];
/** SCORM editions: 1.2, and 2004 (any edition: the runtime API is the same). */
export const SCORM_VERSIONS = { scorm12: '1.2', scorm2004: '2004' } as const;
export type ScormVersion = (typeof SCORM_VERSIONS)[keyof typeof SCORM_VERSIONS];
/** `content.scorm.completion_status`: 2004's vocabulary, snake_cased. */
export const SCORM_COMPLETION_STATUSES = {
  completed: 'completed',
  incomplete: 'incomplete',
  notAttempted: 'not_attempted',
  unknown: 'unknown',
} as const;
export type ScormCompletionStatus =
  (typeof SCORM_COMPLETION_STATUSES)[keyof typeof SCORM_COMPLETION_STATUSES];
/** `content.scorm.success_status`: 2004's vocabulary. */
export const SCORM_SUCCESS_STATUSES = { passed: 'passed', failed: 'failed', unknown: 'unknown' } as const;
export type ScormSuccessStatus = (typeof SCORM_SUCCESS_STATUSES)[keyof typeof SCORM_SUCCESS_STATUSES];
/** `content.scorm.lesson_status`: 1.2's cmi.core.lesson_status vocabulary, snake_cased. */
export const SCORM_LESSON_STATUSES = {
  passed: 'passed',
  completed: 'completed',
  failed: 'failed',
  incomplete: 'incomplete',
  browsed: 'browsed',
  notAttempted: 'not_attempted',
} as const;
export type ScormLessonStatus = (typeof SCORM_LESSON_STATUSES)[keyof typeof SCORM_LESSON_STATUSES];
export const REQUEST_OUTCOMES = { completed: 'completed', failed: 'failed', aborted: 'aborted' } as const;
export const VIEW_END_REASONS = {
  pagehide: 'pagehide',
  destroy: 'destroy',
  sourceChange: 'source_change',
  inactivity: 'inactivity',
  ended: 'ended',
} as const;

/**
 * What became of a view (computed by the server from its events; docs/metrics.md has the rules).
 * `pending`: no first frame yet, no fatal error, and the view is still live.
 */
export const VIEW_OUTCOMES = {
  played: 'played',
  failedBeforeStart: 'failed_before_start',
  failedDuringPlay: 'failed_during_play',
  exitedBeforeStart: 'exited_before_start',
  pending: 'pending',
} as const;

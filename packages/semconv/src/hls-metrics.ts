import { ATTR_CONTENT_SOURCE_CODEC, ATTR_CONTENT_SOURCE_CONTAINER, ATTR_ERROR_TYPE } from './attributes.js';
import { ATTR_HLS_END_REASON, ATTR_HLS_PLAN_MODE } from './hls-attributes.js';
import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

// Seconds-scale boundaries for things a viewer waits on: 50 ms … 30 s.
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30];

/** Session request → its playlist served (the seed's session start time). */
export const METRIC_HLS_SESSION_START_DURATION = {
  name: 'hls.session.start.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time from a playback request that needs a just-in-time session to its playlist being served',
  attributes: [ATTR_HLS_PLAN_MODE],
  buckets: WAIT_BUCKETS,
} as const satisfies MetricDefinition;

/** Session created → its first segment on disk. */
export const METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION = {
  name: 'hls.session.first_segment.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time from a session’s creation to its first segment being ready',
  attributes: [ATTR_HLS_PLAN_MODE],
  buckets: WAIT_BUCKETS,
} as const satisfies MetricDefinition;

/** FFmpeg spawn → its first progress report. */
export const METRIC_HLS_FFMPEG_STARTUP_DURATION = {
  name: 'hls.ffmpeg.startup.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time from spawning FFmpeg for a session (first start or a move) to its first progress report',
  attributes: [ATTR_HLS_PLAN_MODE],
  buckets: WAIT_BUCKETS,
} as const satisfies MetricDefinition;

/** Time to produce one segment. */
export const METRIC_HLS_SEGMENT_GENERATION_DURATION = {
  name: 'hls.segment.generation.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time between consecutive segments of one encoder (the first: since its spawn)',
  attributes: [ATTR_HLS_PLAN_MODE],
  buckets: WAIT_BUCKETS,
} as const satisfies MetricDefinition;

/** How long a segment request waited for the encoder. */
export const METRIC_HLS_SEGMENT_WAIT_DURATION = {
  name: 'hls.segment.wait.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time a segment request waited for its segment (0 when it was already written)',
  attributes: [ATTR_HLS_PLAN_MODE],
  buckets: [0, ...WAIT_BUCKETS],
} as const satisfies MetricDefinition;

/** Sessions alive now. */
export const METRIC_HLS_SESSIONS_ACTIVE = {
  name: 'hls.sessions.active',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{session}',
  description: 'Just-in-time sessions currently alive',
  attributes: [ATTR_HLS_PLAN_MODE],
} as const satisfies MetricDefinition;

/** Sessions created: the denominator of the JIT failure rate, by the same codec and container as its errors. */
export const METRIC_HLS_SESSIONS_STARTED = {
  name: 'hls.sessions.started',
  instrument: INSTRUMENTS.counter,
  unit: '{session}',
  description:
    'Just-in-time sessions started, by plan, source codec and container (JIT failure rate = hls.transcode.errors / this)',
  attributes: [ATTR_HLS_PLAN_MODE, ATTR_CONTENT_SOURCE_CODEC, ATTR_CONTENT_SOURCE_CONTAINER],
} as const satisfies MetricDefinition;

/** Sessions ended, by why: the session timeout rate is `timeout` over all. */
export const METRIC_HLS_SESSIONS_ENDED = {
  name: 'hls.sessions.ended',
  instrument: INSTRUMENTS.counter,
  unit: '{session}',
  description: 'Just-in-time sessions ended, by reason (timeout rate = timeout / all) and plan',
  attributes: [ATTR_HLS_END_REASON, ATTR_HLS_PLAN_MODE],
} as const satisfies MetricDefinition;

/** Encoder failures in sessions. */
export const METRIC_HLS_TRANSCODE_ERRORS = {
  name: 'hls.transcode.errors',
  instrument: INSTRUMENTS.counter,
  unit: '{error}',
  description:
    'Just-in-time encoder failures, by source codec and container; error.type ffmpeg_startup (exited before its first segment) or ffmpeg_exit (after)',
  attributes: [ATTR_CONTENT_SOURCE_CODEC, ATTR_CONTENT_SOURCE_CONTAINER, ATTR_ERROR_TYPE],
} as const satisfies MetricDefinition;

/** Every just-in-time session metric, in catalog order. */
export const HLS_METRICS: readonly MetricDefinition[] = [
  METRIC_HLS_SESSION_START_DURATION,
  METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION,
  METRIC_HLS_FFMPEG_STARTUP_DURATION,
  METRIC_HLS_SEGMENT_GENERATION_DURATION,
  METRIC_HLS_SEGMENT_WAIT_DURATION,
  METRIC_HLS_SESSIONS_ACTIVE,
  METRIC_HLS_SESSIONS_STARTED,
  METRIC_HLS_SESSIONS_ENDED,
  METRIC_HLS_TRANSCODE_ERRORS,
];

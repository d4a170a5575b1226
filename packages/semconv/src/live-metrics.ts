import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

// Live lectures (issue 21): the publisher's input as it arrives, the encoder keeping up, and the publisher's
// connections. The per-lecture figures (which lecture, its learners) go on the `content.live.session` span and in the
// lecture's own answer; metrics carry the ingest protocol only.

/** The span of one publisher connection of a live lecture, from its first packet to its leaving. */
export const SPAN_CONTENT_LIVE_SESSION = 'content.live.session';

/** `rtmp` or `srt` (bounded). */
export const ATTR_LIVE_PROTOCOL = 'content.live.protocol';
/** The input's video codec (`h264`, `hevc`...) or `none` (bounded by FFmpeg's codec names). */
export const ATTR_LIVE_INPUT_CODEC = 'content.live.input.codec';
/** The input's picture size, `1280x720` (spans only). */
export const ATTR_LIVE_INPUT_RESOLUTION = 'content.live.input.resolution';
/** The input's frames per second (spans only). */
export const ATTR_LIVE_INPUT_FRAME_RATE = 'content.live.input.frame_rate';
/** The input's bitrate, bits per second (spans only). */
export const ATTR_LIVE_INPUT_BITRATE = 'content.live.input.bitrate';
/** Seconds between the input's keyframes (spans only). */
export const ATTR_LIVE_KEYFRAME_INTERVAL = 'content.live.input.keyframe_interval';
/** The publisher's reconnections before this connection (spans only). */
export const ATTR_LIVE_RECONNECTS = 'content.live.reconnects';
/** `copy` when the top rung is the input itself, else `encode` (bounded). */
export const ATTR_LIVE_TOP_RUNG_MODE = 'content.live.top_rung.mode';
/** Why a publisher connection ended (bounded: LIVE_END_REASONS). */
export const ATTR_LIVE_END_REASON = 'content.live.end_reason';

/** Why a connection ended: the run's reasons (the publisher left or stalled, the encoder or listener failed...). */
export const LIVE_END_REASONS = {
  publisherLeft: 'publisher_left',
  publisherStalled: 'publisher_stalled',
  noInput: 'no_input',
  stopped: 'stopped',
  encoderFailed: 'encoder_failed',
  ingestFailed: 'ingest_failed',
  /** The picture size changed under a copied top rung: a new connection (run) encodes it. */
  inputChanged: 'input_changed',
} as const;

const RATE_BUCKETS = [250e3, 500e3, 1e6, 2e6, 3e6, 4.5e6, 6e6, 8e6, 12e6, 20e6];
const FPS_BUCKETS = [5, 10, 15, 20, 24, 25, 30, 50, 60];
const INTERVAL_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
const SPEED_BUCKETS = [0.5, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 2, 4];

/** The input's bitrate, sampled once a second per lecture. */
export const METRIC_LIVE_INPUT_BITRATE = {
  name: 'content.live.input.bitrate',
  instrument: INSTRUMENTS.histogram,
  unit: 'bit/s',
  description: 'Bitrate of live lectures’ input as it arrives, sampled once a second per publishing lecture',
  attributes: [ATTR_LIVE_PROTOCOL],
  buckets: RATE_BUCKETS,
} as const satisfies MetricDefinition;

/** The input's frame rate, sampled once a second per lecture. */
export const METRIC_LIVE_INPUT_FRAME_RATE = {
  name: 'content.live.input.frame_rate',
  instrument: INSTRUMENTS.histogram,
  unit: '{frame}/s',
  description:
    'Frame rate of live lectures’ input as it arrives, sampled once a second per publishing lecture',
  attributes: [ATTR_LIVE_PROTOCOL],
  buckets: FPS_BUCKETS,
} as const satisfies MetricDefinition;

/** Seconds between the input's keyframes, recorded at each keyframe interval measured (once a second at most). */
export const METRIC_LIVE_KEYFRAME_INTERVAL = {
  name: 'content.live.input.keyframe_interval',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Seconds between live inputs’ keyframes, sampled once a second per publishing lecture (above the segment length, the top rung cannot be copied)',
  attributes: [ATTR_LIVE_PROTOCOL],
  buckets: INTERVAL_BUCKETS,
} as const satisfies MetricDefinition;

/** Media seconds the live encoder makes per second: below 1.0 it falls behind (an alert condition). */
export const METRIC_LIVE_ENCODER_SPEED = {
  name: 'content.live.encoder.speed',
  instrument: INSTRUMENTS.histogram,
  unit: '1',
  description:
    'Speed of live encoders (media seconds per wall second), once a second per lecture; below 1.0 the lecture falls behind',
  attributes: [ATTR_LIVE_TOP_RUNG_MODE],
  buckets: SPEED_BUCKETS,
} as const satisfies MetricDefinition;

/** A segment written more than half a segment later than its length after the previous one. */
export const METRIC_LIVE_SEGMENTS_LATE = {
  name: 'content.live.segments.late',
  instrument: INSTRUMENTS.counter,
  unit: '{segment}',
  description:
    'Live segments that came more than 1.5 segment lengths after the previous one of their rendition',
  attributes: [ATTR_LIVE_PROTOCOL],
} as const satisfies MetricDefinition;

/** Live segments written. */
export const METRIC_LIVE_SEGMENTS = {
  name: 'content.live.segments',
  instrument: INSTRUMENTS.counter,
  unit: '{segment}',
  description: 'Live segments written, every rendition counted',
  attributes: [ATTR_LIVE_PROTOCOL],
} as const satisfies MetricDefinition;

/** A publisher came back to a lecture within its grace period. */
export const METRIC_LIVE_RECONNECTS = {
  name: 'content.live.publisher.reconnects',
  instrument: INSTRUMENTS.counter,
  unit: '{reconnect}',
  description: 'Publishers that came back to their live lecture within the grace period',
  attributes: [ATTR_LIVE_PROTOCOL],
} as const satisfies MetricDefinition;

/** Publisher connections that ended, by why. */
export const METRIC_LIVE_SESSIONS_ENDED = {
  name: 'content.live.sessions.ended',
  instrument: INSTRUMENTS.counter,
  unit: '{session}',
  description: 'Publisher connections of live lectures that ended, by protocol and reason',
  attributes: [ATTR_LIVE_PROTOCOL, ATTR_LIVE_END_REASON],
} as const satisfies MetricDefinition;

/** Publishers connected now. */
export const METRIC_LIVE_SESSIONS_ACTIVE = {
  name: 'content.live.sessions.active',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{session}',
  description: 'Live lectures with a publisher connected now',
  attributes: [],
} as const satisfies MetricDefinition;

/** Every live metric, in catalog order. */
export const LIVE_METRICS: readonly MetricDefinition[] = [
  METRIC_LIVE_INPUT_BITRATE,
  METRIC_LIVE_INPUT_FRAME_RATE,
  METRIC_LIVE_KEYFRAME_INTERVAL,
  METRIC_LIVE_ENCODER_SPEED,
  METRIC_LIVE_SEGMENTS,
  METRIC_LIVE_SEGMENTS_LATE,
  METRIC_LIVE_RECONNECTS,
  METRIC_LIVE_SESSIONS_ENDED,
  METRIC_LIVE_SESSIONS_ACTIVE,
];

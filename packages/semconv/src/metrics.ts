import {
  ATTR_CONTENT_JOB_STATE,
  ATTR_CONTENT_QUALITY,
  ATTR_CONTENT_TRANSCODE_MODE,
  ATTR_ERROR_TYPE,
} from './attributes.js';
import { CDN_METRICS } from './cdn-metrics.js';
import { CONTENT_METRICS } from './content-metrics.js';
import { HLS_METRICS } from './hls-metrics.js';
import { LIVE_METRICS } from './live-metrics.js';
import { FORWARD_METRICS, INGEST_METRICS } from './ingest-metrics.js';
import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';
import { RUNTIME_METRICS } from './runtime-metrics.js';
import { PUBLISH_METRICS } from './publish-metrics.js';
import { LTI_METRICS } from './lti-metrics.js';

/** Wall time of one rung of a transcode, from encoder start to its last segment on disk. */
export const METRIC_CONTENT_TRANSCODE_DURATION = {
  name: 'content.transcode.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Time to transcode a video to one quality: encoder start until the rung’s last segment is on disk',
  attributes: [ATTR_CONTENT_QUALITY, ATTR_CONTENT_TRANSCODE_MODE],
  buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
} as const satisfies MetricDefinition;

/** Transcode failures. */
export const METRIC_CONTENT_TRANSCODE_ERRORS = {
  name: 'content.transcode.errors',
  instrument: INSTRUMENTS.counter,
  unit: '{error}',
  description: 'Transcoding failures, by quality and error type (every attempt counts)',
  attributes: [ATTR_CONTENT_QUALITY, ATTR_ERROR_TYPE],
} as const satisfies MetricDefinition;

/** Media seconds per wall second of a finished transcode job. */
export const METRIC_CONTENT_TRANSCODE_SPEED = {
  name: 'content.transcode.speed',
  instrument: INSTRUMENTS.histogram,
  unit: '1',
  description: 'Media seconds transcoded per wall-clock second, per job (1 = realtime)',
  attributes: [ATTR_CONTENT_TRANSCODE_MODE],
  buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10, 20, 50],
} as const satisfies MetricDefinition;

/** Current number of jobs in each state. */
export const METRIC_CONTENT_TRANSCODE_JOBS = {
  name: 'content.transcode.jobs',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{job}',
  description: 'Transcode jobs currently in each state',
  attributes: [ATTR_CONTENT_JOB_STATE],
} as const satisfies MetricDefinition;

/** Jobs waiting to run (queued and due, or waiting for a retry). */
export const METRIC_CONTENT_TRANSCODE_QUEUE_DEPTH = {
  name: 'content.transcode.queue.depth',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{job}',
  description: 'Transcode jobs waiting for a worker, including those waiting for a retry',
  attributes: [],
} as const satisfies MetricDefinition;

/** Every metric coursecast emits, in catalog order (docs/metric-catalog.md is generated from it). */
export const METRIC_CATALOG: readonly MetricDefinition[] = [
  METRIC_CONTENT_TRANSCODE_DURATION,
  METRIC_CONTENT_TRANSCODE_ERRORS,
  METRIC_CONTENT_TRANSCODE_SPEED,
  METRIC_CONTENT_TRANSCODE_JOBS,
  METRIC_CONTENT_TRANSCODE_QUEUE_DEPTH,
  ...CDN_METRICS,
  ...HLS_METRICS,
  ...LIVE_METRICS,
  ...INGEST_METRICS,
  ...FORWARD_METRICS,
  ...CONTENT_METRICS,
  ...PUBLISH_METRICS,
  ...LTI_METRICS,
  ...RUNTIME_METRICS,
];

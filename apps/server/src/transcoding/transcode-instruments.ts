import type { Meter } from '@opentelemetry/api';
import {
  ATTR_CONTENT_JOB_STATE,
  ATTR_CONTENT_QUALITY,
  ATTR_CONTENT_TRANSCODE_MODE,
  ATTR_ERROR_TYPE,
  JOB_STATE_VALUES,
  METRIC_CONTENT_TRANSCODE_DURATION,
  METRIC_CONTENT_TRANSCODE_ERRORS,
  METRIC_CONTENT_TRANSCODE_JOBS,
  METRIC_CONTENT_TRANSCODE_QUEUE_DEPTH,
  METRIC_CONTENT_TRANSCODE_SPEED,
  type JobState,
  type TranscodeMode,
} from '@coursecast/semconv';
import { createCounter, createHistogram, createObservableGauge } from '../instrumentation/instruments.js';
import { createPublishInstruments } from './publish-instruments.js';

/** The transcode pipeline's instruments, recorded once per rung or per job (never per frame). */
export interface TranscodeMetrics {
  rungDone(quality: string, mode: TranscodeMode, seconds: number): void;
  error(quality: string, errorType: string): void;
  jobSpeed(mode: TranscodeMode, speed: number): void;
  /** An uploaded lecture's first ladder is published, `seconds` after its upload completed. */
  ladderReady(sourceSeconds: number | null, seconds: number): void;
}

/** Where the gauges read job counts from; the queue keeps this snapshot current. */
export interface JobCountsSource {
  counts(): Readonly<Record<JobState, number>>;
  queueDepth(): number;
}

/** Creates the transcode instruments on a meter. */
export function createTranscodeMetrics(meter: Meter, source: JobCountsSource): TranscodeMetrics {
  const duration = createHistogram(meter, METRIC_CONTENT_TRANSCODE_DURATION);
  const errors = createCounter(meter, METRIC_CONTENT_TRANSCODE_ERRORS);
  const speed = createHistogram(meter, METRIC_CONTENT_TRANSCODE_SPEED);
  const publish = createPublishInstruments(meter);
  createObservableGauge(meter, METRIC_CONTENT_TRANSCODE_JOBS).addCallback((result) => {
    const counts = source.counts();
    for (const state of JOB_STATE_VALUES) result.observe(counts[state], { [ATTR_CONTENT_JOB_STATE]: state });
  });
  createObservableGauge(meter, METRIC_CONTENT_TRANSCODE_QUEUE_DEPTH).addCallback((result) => {
    result.observe(source.queueDepth());
  });
  return {
    rungDone(quality, mode, seconds) {
      duration.record(seconds, { [ATTR_CONTENT_QUALITY]: quality, [ATTR_CONTENT_TRANSCODE_MODE]: mode });
    },
    error(quality, errorType) {
      errors.add(1, { [ATTR_CONTENT_QUALITY]: quality, [ATTR_ERROR_TYPE]: errorType });
    },
    jobSpeed(mode, value) {
      speed.record(value, { [ATTR_CONTENT_TRANSCODE_MODE]: mode });
    },
    ladderReady: (source, seconds) => publish.ladderReady(source, seconds),
  };
}

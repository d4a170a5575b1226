import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

/** Which moment a publish time ends at (PUBLISH_STAGES). */
export const ATTR_PUBLISH_STAGE = 'content.publish.stage';

/** The moments of publishing a lecture, each measured from the upload's last byte. */
export const PUBLISH_STAGES = {
  /** The upload is validated and its item committed: learners can play it (just in time) from now on. */
  playable: 'playable',
  /** Its first ladder is published: learners get the prepared stream. */
  ladderReady: 'ladder_ready',
} as const;
/** One of PUBLISH_STAGES. */
export type PublishStage = (typeof PUBLISH_STAGES)[keyof typeof PUBLISH_STAGES];

/** How long the source is, in a few classes (bounded; Mux publishes its figures for 5-20 minute videos). */
export const ATTR_SOURCE_DURATION_BUCKET = 'content.source.duration_bucket';

/** The source duration classes. */
export const SOURCE_DURATION_BUCKETS = {
  under5m: 'under_5m',
  from5to20m: '5m_to_20m',
  from20to60m: '20m_to_60m',
  over60m: 'over_60m',
  unknown: 'unknown',
} as const;
/** One of SOURCE_DURATION_BUCKETS. */
export type SourceDurationBucket = (typeof SOURCE_DURATION_BUCKETS)[keyof typeof SOURCE_DURATION_BUCKETS];

/** The class of a source of `seconds`. */
export function sourceDurationBucket(seconds: number | null | undefined): SourceDurationBucket {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds))
    return SOURCE_DURATION_BUCKETS.unknown;
  if (seconds < 5 * 60) return SOURCE_DURATION_BUCKETS.under5m;
  if (seconds < 20 * 60) return SOURCE_DURATION_BUCKETS.from5to20m;
  if (seconds <= 60 * 60) return SOURCE_DURATION_BUCKETS.from20to60m;
  return SOURCE_DURATION_BUCKETS.over60m;
}

/** Upload complete → playable, and → ladder ready, of each uploaded lecture. */
export const METRIC_CONTENT_PUBLISH_DURATION = {
  name: 'content.publish.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Time from an uploaded lecture’s last byte to the moment it is playable (validated, just in time) and to its first ladder being published, by source duration class',
  attributes: [ATTR_PUBLISH_STAGE, ATTR_SOURCE_DURATION_BUCKET],
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 9, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400],
} as const satisfies MetricDefinition;

/** The publish metrics. */
export const PUBLISH_METRICS: readonly MetricDefinition[] = [METRIC_CONTENT_PUBLISH_DURATION];

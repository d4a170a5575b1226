import { z } from 'zod';

// The `data` of each dashboard panel (apps/server/src/dashboards/*-queries.ts compute them). Rates, quantiles
// and sums are null where nothing was measured; snake_case names are the SQL columns of docs/metrics.md.

/** An object of `number | null` fields named by `keys` (panels whose rows are SQL aggregates). */
function nullableNumbers<const K extends string>(keys: readonly K[]) {
  const shape = {} as Record<K, z.ZodNullable<z.ZodNumber>>;
  for (const key of keys) shape[key] = z.number().nullable();
  return z.object(shape);
}

/** Views by outcome (pending views left out), in every playback panel. */
export const OUTCOME_FIELDS = [
  'views',
  'played',
  'failed_before_start',
  'failed_during_play',
  'exited_before_start',
] as const;
/** The playback rates built on the outcome counts. */
export const RATE_FIELDS = [
  'success_rate',
  'playback_failure_rate',
  'startup_failure_rate',
  'exits_before_start_rate',
] as const;

/** The `summary` panel's fields: outcomes, rates, startup percentiles, rebuffering, seeking, watch time. */
export const PLAYBACK_SUMMARY_FIELDS = [
  ...OUTCOME_FIELDS,
  'startup_p50_ms',
  'startup_p95_ms',
  'startup_p99_ms',
  'rebuffer_ms',
  'rebuffers',
  'watch_ms',
  'seek_ms',
  'seeks',
  ...RATE_FIELDS,
  'rebuffer_ratio',
  'rebuffers_per_minute',
  'seek_latency_ms',
] as const;
/** `summary`: headline figures over the range. */
export const PlaybackSummarySchema = nullableNumbers(PLAYBACK_SUMMARY_FIELDS);
/** The `summary` panel's data. */
export type PlaybackSummary = z.infer<typeof PlaybackSummarySchema>;

/** The figures of one `success-by-*` row. */
export const SUCCESS_BY_FIELDS = [...OUTCOME_FIELDS, ...RATE_FIELDS] as const;
/** One row of `success-by-*`: a codec, container or browser (`unknown` when the view named none). */
export const SuccessByRowSchema = nullableNumbers(SUCCESS_BY_FIELDS).extend({ key: z.string() });
/** A playback-success row. */
export type SuccessByRow = z.infer<typeof SuccessByRowSchema>;

/** The figures of one `playback-over-time` bucket. */
export const PLAYBACK_BUCKET_FIELDS = [
  'views',
  'startup_p50_ms',
  'startup_p95_ms',
  'rebuffer_ratio',
  'rebuffers_per_minute',
  'playback_failure_rate',
] as const;
/** One bucket of `playback-over-time` (by view start; `t` is the bucket start, epoch ms). */
export const PlaybackBucketSchema = nullableNumbers(PLAYBACK_BUCKET_FIELDS).extend({ t: z.number() });
/** A playback-over-time bucket. */
export type PlaybackBucket = z.infer<typeof PlaybackBucketSchema>;

/** `startup-histogram`: `counts[i]` views ≤ `bounds[i]` ms, the last count above every bound. */
export const StartupHistogramSchema = z.object({
  bounds: z.array(z.number()),
  counts: z.array(z.number()),
  count: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
/** The startup histogram. */
export type StartupHistogram = z.infer<typeof StartupHistogramSchema>;

/** A metric series point: bucket start (epoch ms), group (an attribute's value, or `all`), value. */
export const SeriesPointSchema = z.object({ t: z.number(), group: z.string(), value: z.number() });
/** A series point. */
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

/** Per bucket: one group's share of all (null where the bucket has nothing), and the bucket's total. */
export const RatioPointSchema = z.object({ t: z.number(), ratio: z.number().nullable(), total: z.number() });
/** A ratio point. */
export type RatioPoint = z.infer<typeof RatioPointSchema>;

/** A counter's total over the range for one group. */
export const GroupTotalSchema = z.object({ group: z.string(), value: z.number() });
/** A group total. */
export type GroupTotal = z.infer<typeof GroupTotalSchema>;

/** Range quantiles of a histogram metric. */
export const QuantileSummarySchema = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
/** A histogram metric's summary. */
export type QuantileSummary = z.infer<typeof QuantileSummarySchema>;

/** A histogram metric panel: the range's quantiles, and p50/p95 per bucket. */
export const QuantileDataSchema = z.object({
  summary: QuantileSummarySchema,
  series: z.array(
    z.object({ t: z.number(), count: z.number(), p50: z.number().nullable(), p95: z.number().nullable() }),
  ),
});
/** A histogram metric panel's data. */
export type QuantileData = z.infer<typeof QuantileDataSchema>;

/** `publish-time`: one row per publish stage and source duration class that has lectures in the range. */
export const PublishTimeRowSchema = z.object({
  /** `playable` (validated, plays just in time) or `ladder_ready` (its first ladder published). */
  stage: z.string(),
  /** The source's duration class (`under_5m`, `5m_to_20m`, `20m_to_60m`, `over_60m`, `unknown`). */
  bucket: z.string(),
  count: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
/** One row of the publish-time panel. */
export type PublishTimeRow = z.infer<typeof PublishTimeRowSchema>;

/** `session-timeouts`: just-in-time sessions ended per bucket by reason, and the timeout rate. */
export const SessionTimeoutsSchema = z.object({
  ends: z.array(SeriesPointSchema),
  rate: z.array(RatioPointSchema),
});
/** The session-timeouts panel's data. */
export type SessionTimeouts = z.infer<typeof SessionTimeoutsSchema>;

/** `cdn-hit-ratio`: delivery requests per bucket by cache status, and the hit ratio. */
export const CdnHitRatioSchema = z.object({
  byStatus: z.array(SeriesPointSchema),
  ratio: z.array(RatioPointSchema),
});
/** The cdn-hit-ratio panel's data. */
export type CdnHitRatio = z.infer<typeof CdnHitRatioSchema>;

/** What a course-material load was: an interactive module (`content.load_interactive`) or a document. */
export const LOAD_KINDS = { module: 'module', document: 'document' } as const;
/** One of LOAD_KINDS. */
export type LoadKind = (typeof LOAD_KINDS)[keyof typeof LOAD_KINDS];

/** Loads of one kind and type (package type or document format, `unknown` when the event named none). */
export const LoadGroupRowSchema = z.object({
  kind: z.enum(LOAD_KINDS),
  type: z.string(),
  loads: z.number(),
  failed: z.number(),
  /** (loads − failed) / loads. */
  success_rate: z.number().nullable(),
  /** Load time of successful loads. */
  load_p50_ms: z.number().nullable(),
  load_p95_ms: z.number().nullable(),
  /** Median `content.total_size_kb` of successful loads. */
  size_p50_kb: z.number().nullable(),
});
/** A loads-by-type row. */
export type LoadGroupRow = z.infer<typeof LoadGroupRowSchema>;

/** SCORM attempts that called initialize in the range, by SCORM version (`1.2`, `2004`). */
export const ScormVersionRowSchema = z.object({
  version: z.string(),
  attempts: z.number(),
  /** Attempts with a finish call. */
  finished: z.number(),
  completed: z.number(),
  passed: z.number(),
  /** Mean of finished attempts' latest scaled score (-1..1). */
  score_avg: z.number().nullable(),
  /** Median of each attempt's latest session time, s. */
  session_time_p50_s: z.number().nullable(),
});
/** A SCORM row. */
export type ScormVersionRow = z.infer<typeof ScormVersionRowSchema>;

/** One of the documents or modules slowest to load (p95 of successful loads). */
export const SlowItemRowSchema = z.object({
  item_id: z.string(),
  kind: z.enum(LOAD_KINDS),
  type: z.string(),
  loads: z.number(),
  failed: z.number(),
  load_p95_ms: z.number().nullable(),
});
/** A slowest-items row. */
export type SlowItemRow = z.infer<typeof SlowItemRowSchema>;

/** `content-loads`: loads by type, SCORM attempts by version, and the slowest items. */
/** Failed module loads by reason (`error.type`: api_not_found, script_error, ...), most frequent first. */
export const LoadFailureRowSchema = z.object({
  reason: z.string(),
  loads: z.number(),
  /** Distinct modules that failed so. */
  items: z.number(),
  /** The latest problem text the package's page reported with this reason, if any (at most 256 characters). */
  last_problem: z.string().nullable(),
});
/** One LoadFailureRowSchema row. */
export type LoadFailureRow = z.infer<typeof LoadFailureRowSchema>;

export const ContentLoadsDataSchema = z.object({
  loads: z.array(LoadGroupRowSchema),
  scorm: z.array(ScormVersionRowSchema),
  slowest: z.array(SlowItemRowSchema),
  failures: z.array(LoadFailureRowSchema),
});
/** The content-loads panel's data. */
export type ContentLoadsData = z.infer<typeof ContentLoadsDataSchema>;

/**
 * One course's caption use: of the views whose page reported its tracks, how many had captions on at some point, and
 * the share of their playing time with captions showing (captions_ms / playing_ms).
 */
export const CaptionsByCourseRowSchema = z.object({
  course_id: z.string().nullable(),
  views: z.number(),
  views_with_captions: z.number(),
  playing_ms: z.number(),
  captions_ms: z.number(),
  share: z.number().nullable(),
});
/** One CaptionsByCourseRowSchema row. */
export type CaptionsByCourseRow = z.infer<typeof CaptionsByCourseRowSchema>;

/** The data schema of every panel, by panel id (the route's `:panel`). */
export const PANEL_DATA_SCHEMAS = {
  summary: PlaybackSummarySchema,
  'success-by-codec': z.array(SuccessByRowSchema),
  'success-by-container': z.array(SuccessByRowSchema),
  'success-by-browser': z.array(SuccessByRowSchema),
  'startup-histogram': StartupHistogramSchema,
  'playback-over-time': z.array(PlaybackBucketSchema),
  'session-timeouts': SessionTimeoutsSchema,
  'jit-first-segment': QuantileDataSchema,
  'ffmpeg-segment-generation': QuantileDataSchema,
  'transcode-speed': QuantileDataSchema,
  'transcode-errors': z.array(GroupTotalSchema),
  'publish-time': z.array(PublishTimeRowSchema),
  'cdn-hit-ratio': CdnHitRatioSchema,
  'origin-latency': QuantileDataSchema,
  'active-sessions': z.array(SeriesPointSchema),
  'content-loads': ContentLoadsDataSchema,
  'captions-by-course': z.array(CaptionsByCourseRowSchema),
} as const;

/** A dashboard panel's id. */
export type PanelId = keyof typeof PANEL_DATA_SCHEMAS;
/** Every panel id, in the dashboard's order. */
export const PANEL_IDS = Object.keys(PANEL_DATA_SCHEMAS) as PanelId[];
/** Each panel's data type, by panel id. */
export type PanelData = { [K in PanelId]: z.infer<(typeof PANEL_DATA_SCHEMAS)[K]> };

/** True when `id` names a panel of this contract (a newer server may offer others). */
export function isPanelId(id: string): id is PanelId {
  return Object.hasOwn(PANEL_DATA_SCHEMAS, id);
}

import {
  ATTR_CONTENT_QUALITY,
  ATTR_CONTENT_SOURCE_CODEC,
  ATTR_CONTENT_SOURCE_CONTAINER,
} from './attributes.js';
import { ATTR_HLS_PLAN_MODE } from './hls-attributes.js';
import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

// --- attributes of the ingest's own metrics and of the playback metrics derived from browser events -------
/** Which receiver took a record: `logs`, `traces`, `metrics` or `cmcd` (INGEST_SIGNALS). */
export const ATTR_INGEST_SIGNAL = 'ingest.signal';
/** The store table a group commit wrote: `events`, `spans` or `metric_points`. */
export const ATTR_INGEST_TABLE = 'ingest.table';
/** What became of a record (INGEST_OUTCOMES). */
export const ATTR_INGEST_OUTCOME = 'ingest.outcome';
/** Why a record or request was refused (INGEST_REJECT_REASONS). */
export const ATTR_INGEST_REASON = 'ingest.reason';
/** The error code of a refused request (the bounded ERROR_CODES of @coursecast/api). */
export const ATTR_ERROR_CODE = 'coursecast.error.code';
/** Browser family (bounded: chrome, firefox, safari, ...; see ingest/user-agent.ts). */
export const ATTR_BROWSER_FAMILY = 'browser.family';
/** OS family (bounded). */
export const ATTR_OS_FAMILY = 'os.family';
/** Device class (bounded). */
export const ATTR_DEVICE_CLASS = 'device.class';
/** The outcome of a view (VIEW_OUTCOMES). */
export const ATTR_VIEW_OUTCOME = 'content.view.outcome';

// --- values of browser.family, os.family and device.class: closed sets, since they are metric attributes
// (anything the user-agent parser names outside them is 'other') ---------------------------------------------

/** Browser families (`browser.family`-style attribute values). */
export const BROWSER_FAMILIES = {
  chrome: 'chrome',
  edge: 'edge',
  firefox: 'firefox',
  safari: 'safari',
  mobile_safari: 'mobile_safari',
  samsung_internet: 'samsung_internet',
  opera: 'opera',
  chromium: 'chromium',
  headless_chrome: 'headless_chrome',
  other: 'other',
  unknown: 'unknown',
} as const;
export type BrowserFamily = (typeof BROWSER_FAMILIES)[keyof typeof BROWSER_FAMILIES];

/** Operating-system families. */
export const OS_FAMILIES = {
  windows: 'windows',
  macos: 'macos',
  ios: 'ios',
  ipados: 'ipados',
  android: 'android',
  linux: 'linux',
  chromeos: 'chromeos',
  other: 'other',
  unknown: 'unknown',
} as const;
export type OsFamily = (typeof OS_FAMILIES)[keyof typeof OS_FAMILIES];

/** Device classes. */
export const DEVICE_CLASSES = {
  desktop: 'desktop',
  mobile: 'mobile',
  tablet: 'tablet',
  tv: 'tv',
  console: 'console',
  other: 'other',
} as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[keyof typeof DEVICE_CLASSES];

/**
 * Who produced a stored span or metric point, set by the server when it stores it (never by the sender): the
 * server's own instrumentation, or a sender outside it. Also the resource attribute that forwarded data carries.
 */
export const ATTR_TELEMETRY_ORIGIN = 'coursecast.telemetry.origin';
/** Values of ATTR_TELEMETRY_ORIGIN (the `origin` column of `spans` and `metric_points`). */
export const TELEMETRY_ORIGINS = { server: 'server', received: 'received' } as const;
export type TelemetryOrigin = (typeof TELEMETRY_ORIGINS)[keyof typeof TELEMETRY_ORIGINS];

export const INGEST_SIGNALS = { logs: 'logs', traces: 'traces', metrics: 'metrics', cmcd: 'cmcd' } as const;
export const INGEST_OUTCOMES = {
  stored: 'stored',
  /** Stored under the name `unknown`: an event name the server does not know. */
  storedUnknown: 'stored_unknown',
  duplicate: 'duplicate',
  rejected: 'rejected',
} as const;
export const INGEST_REJECT_REASONS = {
  invalidAttributes: 'invalid_attributes',
  tooManyAttributes: 'too_many_attributes',
  attributeTooLong: 'attribute_too_long',
  timestampOutOfRange: 'timestamp_out_of_range',
  missingName: 'missing_name',
  undecodable: 'undecodable',
  /** A span with more events or links than the limit. */
  tooManyEvents: 'too_many_events',
  /** A span or metric name, or a service name, longer than the limit. */
  nameTooLong: 'name_too_long',
  /** A received metric point whose kind, unit or histogram bounds differ from its instrument's first point. */
  instrumentMismatch: 'instrument_mismatch',
  /** A received metric name beyond the number of instruments the node keeps. */
  tooManyInstruments: 'too_many_instruments',
  /** A record beyond the per-request limit (the rest of the request is still stored). */
  tooManyRecords: 'too_many_records',
  /** An event whose name the server does not know (dropped unless `ingest.storeUnknownEvents`). */
  unknownEvent: 'unknown_event',
  /** A metric point the store has no form for (its type, or a value it cannot hold). */
  unsupportedPoint: 'unsupported_point',
} as const;

const MS_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
// Startup times: Mux's and openqoe's ranges, finer below 2 s where most views are.
const STARTUP_BUCKETS_S = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 10, 15, 30];

/** Records received by the ingest, by signal and outcome. */
export const METRIC_INGEST_RECORDS = {
  name: 'ingest.records',
  instrument: INSTRUMENTS.counter,
  unit: '{record}',
  description:
    'Telemetry records received, by signal and outcome (stored, stored as unknown, duplicate, rejected)',
  attributes: [ATTR_INGEST_SIGNAL, ATTR_INGEST_OUTCOME, ATTR_INGEST_REASON],
} as const satisfies MetricDefinition;

/** Requests refused whole (rate limit, overload, size, decoding). */
export const METRIC_INGEST_REFUSED = {
  name: 'ingest.requests.refused',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description:
    'Ingest requests refused whole, by signal, HTTP status and error code (rate_limited: the client; ' +
    'ingest_overloaded: the node budget or the commit queue; payload_too_large, invalid_body, ...)',
  attributes: [ATTR_INGEST_SIGNAL, 'http.response.status_code', ATTR_ERROR_CODE],
} as const satisfies MetricDefinition;

/** One group commit into the store. */
export const METRIC_INGEST_COMMIT_DURATION = {
  name: 'ingest.commit.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time of one group commit (append and durable flush) into the telemetry store, by table',
  attributes: [ATTR_INGEST_TABLE],
  buckets: MS_BUCKETS_S,
} as const satisfies MetricDefinition;

/** Views that reached an outcome (counted once, when first derived with a final outcome). */
export const METRIC_CONTENT_VIEWS = {
  name: 'content.views',
  instrument: INSTRUMENTS.counter,
  unit: '{view}',
  description:
    'Views by outcome (played, failed before start, failed during play, exited before start), browser, codec, container and plan',
  attributes: [
    ATTR_VIEW_OUTCOME,
    ATTR_BROWSER_FAMILY,
    ATTR_CONTENT_SOURCE_CODEC,
    ATTR_CONTENT_SOURCE_CONTAINER,
    ATTR_HLS_PLAN_MODE,
  ],
} as const satisfies MetricDefinition;

/** Video startup time reported by players (play intent → first frame). */
export const METRIC_CONTENT_VIDEO_STARTUP = {
  name: 'content.video_startup.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Video startup time reported by players: play intent until the first frame with the playhead moving',
  attributes: [ATTR_BROWSER_FAMILY, ATTR_HLS_PLAN_MODE],
  buckets: STARTUP_BUCKETS_S,
} as const satisfies MetricDefinition;

/** Rebuffering time reported by players. */
export const METRIC_CONTENT_REBUFFER_DURATION = {
  name: 'content.rebuffer.duration',
  instrument: INSTRUMENTS.counter,
  unit: 's',
  description: 'Time players spent rebuffering (not startup, not seeks); rebuffer % = this / watch time',
  attributes: [ATTR_BROWSER_FAMILY, ATTR_HLS_PLAN_MODE, ATTR_CONTENT_QUALITY],
} as const satisfies MetricDefinition;

/** Rebuffer events reported by players. */
export const METRIC_CONTENT_REBUFFERS = {
  name: 'content.rebuffers',
  instrument: INSTRUMENTS.counter,
  unit: '{rebuffer}',
  description: 'Rebuffer events reported by players; rebuffer frequency = this / watch minutes',
  attributes: [ATTR_BROWSER_FAMILY, ATTR_HLS_PLAN_MODE, ATTR_CONTENT_QUALITY],
} as const satisfies MetricDefinition;

/** Watch time reported by players (heartbeat deltas). */
export const METRIC_CONTENT_WATCH_DURATION = {
  name: 'content.watch.duration',
  instrument: INSTRUMENTS.counter,
  unit: 's',
  description: 'Watch time reported by players (play intent onwards, paused time excluded)',
  attributes: [ATTR_BROWSER_FAMILY, ATTR_HLS_PLAN_MODE],
} as const satisfies MetricDefinition;

/** Player errors. */
export const METRIC_CONTENT_PLAYBACK_ERRORS = {
  name: 'content.playback.errors',
  instrument: INSTRUMENTS.counter,
  unit: '{error}',
  description: 'Player errors by type and fatality, browser and plan',
  attributes: ['error.type', 'content.error.fatal', ATTR_BROWSER_FAMILY, ATTR_HLS_PLAN_MODE],
} as const satisfies MetricDefinition;

/** The ingest's metrics and the playback metrics derived from browser events. */
/** Rows the telemetry store's quota deleted (oldest received first), by table. */
export const METRIC_INGEST_STORE_PRUNED = {
  name: 'ingest.store.pruned',
  instrument: INSTRUMENTS.counter,
  unit: '{row}',
  description:
    'Rows deleted to keep the telemetry store under its quota (oldest by receive time first), by table',
  attributes: [ATTR_INGEST_TABLE],
} as const satisfies MetricDefinition;

/** Bytes the telemetry store holds (live blocks and write-ahead log), against ingest.storeQuotaBytes. */
export const METRIC_INGEST_STORE_USED = {
  name: 'ingest.store.used',
  instrument: INSTRUMENTS.observableGauge,
  unit: 'By',
  description: 'Bytes the telemetry store holds (live blocks and write-ahead log), read at each quota check',
  attributes: [],
} as const satisfies MetricDefinition;

export const INGEST_METRICS: readonly MetricDefinition[] = [
  METRIC_INGEST_RECORDS,
  METRIC_INGEST_REFUSED,
  METRIC_INGEST_COMMIT_DURATION,
  METRIC_INGEST_STORE_PRUNED,
  METRIC_INGEST_STORE_USED,
  METRIC_CONTENT_VIEWS,
  METRIC_CONTENT_VIDEO_STARTUP,
  METRIC_CONTENT_REBUFFER_DURATION,
  METRIC_CONTENT_REBUFFERS,
  METRIC_CONTENT_WATCH_DURATION,
  METRIC_CONTENT_PLAYBACK_ERRORS,
];

/** Why a relay of player telemetry to the OTLP collector did not happen: `queue_full`, `http_<status>`, `network`. */
export const ATTR_INGEST_FORWARD_REASON = 'ingest.forward.reason';

/** Player telemetry requests the server could not relay to its OTLP endpoint. */
export const METRIC_INGEST_FORWARD_DROPPED = {
  name: 'ingest.forward.dropped',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description:
    'Player telemetry requests not relayed to the configured OTLP endpoint (queue full, collector error)',
  attributes: [ATTR_INGEST_FORWARD_REASON],
} as const satisfies MetricDefinition;

/** The relay's metrics (apart from INGEST_METRICS: they exist only when an OTLP endpoint is configured). */
export const FORWARD_METRICS: readonly MetricDefinition[] = [METRIC_INGEST_FORWARD_DROPPED];

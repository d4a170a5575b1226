import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

// --- coursecast.* : the server process's own resilience (its log destination, its stores) ---------------------

/** Why a log line was dropped (LOG_DROP_REASONS). */
export const ATTR_LOG_DROP_REASON = 'coursecast.log.drop_reason';

/** Why the server dropped a log line rather than block or crash on its log destination. */
export const LOG_DROP_REASONS = {
  /** More than `COURSECAST_LOG_BUFFER_BYTES` waited for the destination (a slow or stuck reader). */
  bufferFull: 'buffer_full',
  /** The destination refused the write (ENOSPC on a full disk, EIO, a closed pipe). */
  writeError: 'write_error',
} as const;
/** One of LOG_DROP_REASONS. */
export type LogDropReason = (typeof LOG_DROP_REASONS)[keyof typeof LOG_DROP_REASONS];

/** Which store a store metric is about: `catalog` or `telemetry`. */
export const ATTR_STORE_NAME = 'coursecast.store.name';

/** The stores the server writes to. */
export const STORE_NAMES = { catalog: 'catalog', telemetry: 'telemetry' } as const;

/** Log lines dropped instead of written. */
export const METRIC_LOG_DROPPED = {
  name: 'coursecast.log.dropped',
  instrument: INSTRUMENTS.counter,
  unit: '{record}',
  description:
    'Log lines the server dropped rather than block on or crash over its log destination (stdout): buffer full or write error',
  attributes: [ATTR_LOG_DROP_REASON],
} as const satisfies MetricDefinition;

/** 1 while a store's database is open, 0 while it reopens after a fatal error. */
export const METRIC_STORE_AVAILABLE = {
  name: 'coursecast.store.available',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{store}',
  description:
    'Whether a store’s database is open (1) or reopening by itself after a fatal error such as a full disk (0)',
  attributes: [ATTR_STORE_NAME],
} as const satisfies MetricDefinition;

/** What an orphan removed from the data directory was (ORPHAN_KINDS). */
export const ATTR_ORPHAN_KIND = 'coursecast.storage.orphan_kind';

/** Files and folders on the data volume that no row points at, by what they were. */
export const ORPHAN_KINDS = {
  /** `uploads/<id>` or `media/<id>` of an item that is not in the catalog (deleted, or never committed). */
  item: 'item',
  /** A transcode's or unpack's `.staging-*` folder (an interrupted attempt). */
  staging: 'staging',
  /** A published version the item no longer points at. */
  version: 'version',
  /** A file in an item's upload folder other than its source (a half-received `upload.part`). */
  partial: 'partial',
  /** A resumable upload that expired, or bytes without their description. */
  resumable: 'resumable',
} as const;
/** One of ORPHAN_KINDS. */
export type OrphanKind = (typeof ORPHAN_KINDS)[keyof typeof ORPHAN_KINDS];

/** Orphans removed by the start-up sweep and the resumable-upload expiry. */
export const METRIC_STORAGE_ORPHANS_REMOVED = {
  name: 'coursecast.storage.orphans_removed',
  instrument: INSTRUMENTS.counter,
  unit: '{entry}',
  description:
    'Files and folders on the data volume that no catalog row points at, removed at start-up (and expired resumable uploads), by kind',
  attributes: [ATTR_ORPHAN_KIND],
} as const satisfies MetricDefinition;

/** The server process's own resilience metrics. */
export const RUNTIME_METRICS: readonly MetricDefinition[] = [
  METRIC_LOG_DROPPED,
  METRIC_STORE_AVAILABLE,
  METRIC_STORAGE_ORPHANS_REMOVED,
];

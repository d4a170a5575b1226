import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The `ingest` section: telemetry receivers, their limits, the group commit, retention and views. */
export const IngestConfigSchema = z
  .strictObject({
    /**
     * Worker threads that decode and validate OTLP logs requests, so the event loop only de-duplicates,
     * enriches and commits; 0 decodes on the event loop.
     */
    decodeWorkers: z.number().int().min(0).max(16).default(1),
    /**
     * Largest request body as sent (compressed or not): an OpenTelemetry Collector's default batch of 8,192
     * spans is about 3 MiB of uncompressed OTLP/JSON.
     */
    maxBodyBytes: z
      .number()
      .int()
      .min(KiB)
      .default(8 * MiB),
    /** Largest body after decompression (gzip bombs stop here). */
    maxDecodedBytes: z
      .number()
      .int()
      .min(KiB)
      .default(16 * MiB),
    /**
     * Records (log records, spans, data points, CMCD lines) stored from one request; those beyond are refused
     * with a partial success (an OpenTelemetry Collector's default batch is 8,192).
     */
    maxRecords: z.number().int().min(1).default(8192),
    /** Attributes per record. */
    maxAttributes: z.number().int().min(1).max(1024).default(128),
    /** Longest string attribute value, characters. */
    maxAttributeLength: z.number().int().min(16).default(4096),
    /** Events, and links, per span (the OpenTelemetry SDKs' default span limit). */
    maxSpanEvents: z.number().int().min(0).max(10_000).default(128),
    /** Longest span, metric, event, attribute key or service name, and unit. */
    maxNameLength: z.number().int().min(16).max(4096).default(256),
    /** Events whose names the server does not know are stored under `unknown`; by default they are refused. */
    storeUnknownEvents: z.boolean().default(false),
    /** Distinct received metric instruments (service and name) the node keeps; points of others are refused. */
    maxReceivedInstruments: z.number().int().min(1).default(1000),
    /** Records stamped further ahead of the server's clock than this are rejected. */
    maxFutureSeconds: z.number().int().min(0).default(300),
    /** Records older than this are rejected. */
    maxPastSeconds: z
      .number()
      .int()
      .min(60)
      .default(7 * 86_400),
    /** Requests one client may have in flight at once (a stalled body holds its place until the timeout). */
    maxInFlightPerClient: z.number().int().min(1).default(8),
    /** Bytes of request bodies the node holds at once (each counted at its declared length, or the limit). */
    maxBodyMemoryBytes: z
      .number()
      .int()
      .min(MiB)
      .default(64 * MiB),
    /** Longest a request body may take to arrive; a slower one has its connection closed. */
    bodyTimeoutSeconds: z.number().positive().default(10),
    /** Sustained requests per second per client (an IPv4 address, an IPv6 /64), and the burst above it. */
    ratePerSecond: z.number().positive().default(20),
    rateBurst: z.number().int().min(1).default(200),
    /**
     * The whole node's ingest budget, whatever the number of clients: records stored per second, and request
     * bytes per second once decompressed, each with two seconds of burst (so one request of the largest decoded
     * size fits). About what two cores commit (bench/ingest: ~22k events/s); beyond it 503 and Retry-After.
     */
    nodeRecordsPerSecond: z.number().int().min(100).default(20_000),
    nodeBytesPerSecond: z
      .number()
      .int()
      .min(64 * KiB)
      .default(8 * MiB),
    /** A batch commits after this long or at `commitBatch` records, whichever comes first. */
    commitIntervalMs: z.number().int().min(1).max(5000).default(150),
    commitBatch: z.number().int().min(1).default(20_000),
    /** With a commit lane free, a batch of this many records goes at once rather than waiting the interval. */
    commitEagerBatch: z.number().int().min(1).default(1000),
    /** Records accepted but not yet committed above which requests are shed with 503. */
    maxPendingRecords: z.number().int().min(1).default(200_000),
    /**
     * Most bytes the telemetry store may hold; beyond it the oldest received rows are deleted (counted as
     * `ingest.store.pruned`), so telemetry never outgrows its share of the data volume.
     */
    storeQuotaBytes: z
      .number()
      .int()
      .min(4 * MiB)
      .default(2 * 1024 * MiB),
    /**
     * Free space on the data volume below which the ingest refuses new records (507). Above the uploads'
     * floor (upload.minFreeBytes), so telemetry stops before the media could be short of room.
     */
    minFreeBytes: z
      .number()
      .int()
      .nonnegative()
      .default(1024 * MiB),
    /** How often the volume's free space is read and the store's quota enforced. */
    storeCheckSeconds: z.number().positive().default(5),
    /** Raw events, spans and metric points older than this are deleted. */
    retentionDays: z.number().positive().default(30),
    /** How often retention runs. */
    retentionIntervalMinutes: z.number().positive().default(60),
    /** A view with no event for this long has ended (Mux: one hour). */
    viewInactivitySeconds: z.number().int().min(10).default(3600),
    /** How often views with new events are derived again. */
    viewRefreshMs: z.number().int().min(100).default(2000),
    /** The server's own spans and metrics go into the store too (so dashboards need nothing else). */
    serverTelemetry: z.boolean().default(true),
    /** Accepted player telemetry is relayed to the OTLP endpoint (telemetry.otlpEndpoint) when one is set. */
    forwardPlayerTelemetry: z.boolean().default(true),
    /** Interval of the server's metric export into the store. */
    serverMetricIntervalMs: z.number().int().min(1000).default(10_000),
  })
  .prefault({});

type Parse = (raw: string) => unknown;

/** Environment variables of the ingest section (config.ts merges them into its table). */
export function ingestEnvVars(
  asNumber: Parse,
  asBoolean: Parse,
): Record<string, { path: string[]; parse: Parse }> {
  const n = (key: string) => ({ path: ['ingest', key], parse: asNumber });
  return {
    COURSECAST_INGEST_MAX_BODY_BYTES: n('maxBodyBytes'),
    COURSECAST_INGEST_MAX_DECODED_BYTES: n('maxDecodedBytes'),
    COURSECAST_INGEST_MAX_RECORDS: n('maxRecords'),
    COURSECAST_INGEST_DECODE_WORKERS: n('decodeWorkers'),
    COURSECAST_INGEST_RATE_PER_SECOND: n('ratePerSecond'),
    COURSECAST_INGEST_RATE_BURST: n('rateBurst'),
    COURSECAST_INGEST_MAX_SPAN_EVENTS: n('maxSpanEvents'),
    COURSECAST_INGEST_MAX_NAME_LENGTH: n('maxNameLength'),
    COURSECAST_INGEST_MAX_RECEIVED_INSTRUMENTS: n('maxReceivedInstruments'),
    COURSECAST_INGEST_MAX_IN_FLIGHT_PER_CLIENT: n('maxInFlightPerClient'),
    COURSECAST_INGEST_MAX_BODY_MEMORY_BYTES: n('maxBodyMemoryBytes'),
    COURSECAST_INGEST_BODY_TIMEOUT_SECONDS: n('bodyTimeoutSeconds'),
    COURSECAST_INGEST_NODE_RECORDS_PER_SECOND: n('nodeRecordsPerSecond'),
    COURSECAST_INGEST_NODE_BYTES_PER_SECOND: n('nodeBytesPerSecond'),
    COURSECAST_INGEST_STORE_UNKNOWN_EVENTS: { path: ['ingest', 'storeUnknownEvents'], parse: asBoolean },
    COURSECAST_INGEST_COMMIT_INTERVAL_MS: n('commitIntervalMs'),
    COURSECAST_INGEST_MAX_PENDING: n('maxPendingRecords'),
    COURSECAST_RETENTION_DAYS: n('retentionDays'),
    COURSECAST_TELEMETRY_QUOTA_BYTES: n('storeQuotaBytes'),
    COURSECAST_TELEMETRY_MIN_FREE_BYTES: n('minFreeBytes'),
    COURSECAST_SERVER_TELEMETRY: { path: ['ingest', 'serverTelemetry'], parse: asBoolean },
    COURSECAST_SERVER_METRIC_INTERVAL_MS: n('serverMetricIntervalMs'),
    COURSECAST_VIEW_REFRESH_MS: n('viewRefreshMs'),
    COURSECAST_FORWARD_PLAYER_TELEMETRY: { path: ['ingest', 'forwardPlayerTelemetry'], parse: asBoolean },
  };
}

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
    /** Largest request body as sent (compressed or not). */
    maxBodyBytes: z
      .number()
      .int()
      .min(KiB)
      .default(2 * MiB),
    /** Largest body after decompression (gzip bombs stop here). */
    maxDecodedBytes: z
      .number()
      .int()
      .min(KiB)
      .default(16 * MiB),
    /** Records (log records, spans, data points, CMCD lines) per request. */
    maxRecords: z.number().int().min(1).default(2000),
    /** Attributes per record. */
    maxAttributes: z.number().int().min(1).max(1024).default(128),
    /** Longest string attribute value, characters. */
    maxAttributeLength: z.number().int().min(16).default(4096),
    /** Records stamped further ahead of the server's clock than this are rejected. */
    maxFutureSeconds: z.number().int().min(0).default(300),
    /** Records older than this are rejected. */
    maxPastSeconds: z
      .number()
      .int()
      .min(60)
      .default(7 * 86_400),
    /** Sustained requests per second per client address, and the burst above it. */
    ratePerSecond: z.number().positive().default(20),
    rateBurst: z.number().int().min(1).default(200),
    /** A batch commits after this long or at `commitBatch` records, whichever comes first. */
    commitIntervalMs: z.number().int().min(1).max(5000).default(150),
    commitBatch: z.number().int().min(1).default(20_000),
    /** With a commit lane free, a batch of this many records goes at once rather than waiting the interval. */
    commitEagerBatch: z.number().int().min(1).default(1000),
    /** Records accepted but not yet committed above which requests are shed with 503. */
    maxPendingRecords: z.number().int().min(1).default(200_000),
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
    COURSECAST_INGEST_COMMIT_INTERVAL_MS: n('commitIntervalMs'),
    COURSECAST_INGEST_MAX_PENDING: n('maxPendingRecords'),
    COURSECAST_RETENTION_DAYS: n('retentionDays'),
    COURSECAST_SERVER_TELEMETRY: { path: ['ingest', 'serverTelemetry'], parse: asBoolean },
    COURSECAST_SERVER_METRIC_INTERVAL_MS: n('serverMetricIntervalMs'),
    COURSECAST_VIEW_REFRESH_MS: n('viewRefreshMs'),
    COURSECAST_FORWARD_PLAYER_TELEMETRY: { path: ['ingest', 'forwardPlayerTelemetry'], parse: asBoolean },
  };
}

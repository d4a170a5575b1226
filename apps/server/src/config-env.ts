import { contentEnvVars } from './config-content.js';
import { ingestEnvVars } from './config-ingest.js';
import { liveEnvVars } from './config-live.js';
import { ltiEnvVars } from './config-lti.js';

// The environment variables of the configuration (config.ts merges them over the file and defaults), and how
// each one's text is read.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Reads one variable's text into the value its setting takes (validated later by the schema). */
export type Parse = (raw: string) => unknown;
const asNumber: Parse = (raw) => (raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw));
const asBoolean: Parse = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return raw;
};
const asString: Parse = (raw) => raw;
const asList: Parse = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: MiB, g: GiB };
/** `268435456`, `256M`, `256MiB`, `1g`: binary units, as cache sizes are usually written. */
export const asBytes: Parse = (raw) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(raw);
  if (!m) return raw;
  return Math.round(Number(m[1]) * (BYTE_UNITS[m[2]!.toLowerCase()] ?? 1));
};
const asNumberList: Parse = (raw) => raw.split(',').map((s) => asNumber(s.trim().replace(/p$/i, '')));
/** OTEL_EXPORTER_OTLP_HEADERS: `k=v,k2=v2`, values percent-encoded (OTel spec). */
const asHeaders: Parse = (raw) =>
  Object.fromEntries(
    raw
      .split(',')
      .filter((p) => p.includes('='))
      .map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i).trim(), decodeURIComponent(p.slice(i + 1).trim())];
      }),
  );

/** Environment variable → config path. The `OTEL_*` ones are OpenTelemetry's standard names. */
/** Every environment variable the server reads: where it goes in the configuration and how it is parsed. */
export const ENV_VARS: Record<string, { path: string[]; parse: Parse; secret?: boolean }> = {
  COURSECAST_HOST: { path: ['host'], parse: asString },
  COURSECAST_PORT: { path: ['port'], parse: asNumber },
  COURSECAST_PUBLIC_URL: { path: ['publicUrl'], parse: asString },
  COURSECAST_TRUSTED_PROXIES: { path: ['trustedProxies'], parse: asList },
  COURSECAST_DATA_DIR: { path: ['dataDir'], parse: asString },
  COURSECAST_ADMIN_TOKEN: { path: ['adminToken'], parse: asString, secret: true },
  COURSECAST_LOG_LEVEL: { path: ['logLevel'], parse: asString },
  COURSECAST_LOG_BUFFER_BYTES: { path: ['logBufferBytes'], parse: asBytes },
  COURSECAST_SHUTDOWN_TIMEOUT_SECONDS: { path: ['shutdownTimeoutSeconds'], parse: asNumber },
  COURSECAST_READY_MIN_FREE_BYTES: { path: ['readyMinFreeBytes'], parse: asBytes },
  FFMPEG_PATH: { path: ['ffmpegPath'], parse: asString },
  FFPROBE_PATH: { path: ['ffprobePath'], parse: asString },
  COURSECAST_FFMPEG_PATH: { path: ['ffmpegPath'], parse: asString },
  COURSECAST_FFPROBE_PATH: { path: ['ffprobePath'], parse: asString },
  COURSECAST_UPLOAD_MAX_BYTES: { path: ['upload', 'maxBytes'], parse: asNumber },
  COURSECAST_UPLOAD_MIN_FREE_BYTES: { path: ['upload', 'minFreeBytes'], parse: asNumber },
  COURSECAST_UPLOAD_TIMEOUT_SECONDS: { path: ['upload', 'timeoutSeconds'], parse: asNumber },
  COURSECAST_UPLOAD_EXPIRY_SECONDS: { path: ['upload', 'resumableExpirySeconds'], parse: asNumber },
  COURSECAST_UPLOAD_MAX_OPEN: { path: ['upload', 'resumableMaxOpen'], parse: asNumber },
  COURSECAST_CAPTION_MAX_BYTES: { path: ['upload', 'captionMaxBytes'], parse: asNumber },
  COURSECAST_PACKAGE_MAX_ENTRIES: { path: ['upload', 'packageMaxEntries'], parse: asNumber },
  COURSECAST_PACKAGE_MAX_BYTES: { path: ['upload', 'packageMaxBytes'], parse: asBytes },
  COURSECAST_PACKAGE_MAX_RATIO: { path: ['upload', 'packageMaxRatio'], parse: asNumber },
  COURSECAST_TRANSCODE_CONCURRENCY: { path: ['transcode', 'concurrency'], parse: asNumber },
  COURSECAST_TRANSCODE_MAX_ATTEMPTS: { path: ['transcode', 'maxAttempts'], parse: asNumber },
  COURSECAST_TRANSCODE_RETRY_BASE_SECONDS: { path: ['transcode', 'retryBaseSeconds'], parse: asNumber },
  COURSECAST_TRANSCODE_TIMEOUT_SECONDS: { path: ['transcode', 'timeoutSeconds'], parse: asNumber },
  COURSECAST_SHUTDOWN_GRACE_SECONDS: { path: ['transcode', 'shutdownGraceSeconds'], parse: asNumber },
  COURSECAST_LADDER: { path: ['transcode', 'ladder'], parse: asNumberList },
  COURSECAST_SEGMENT_SECONDS: { path: ['transcode', 'segmentSeconds'], parse: asNumber },
  COURSECAST_AUDIO_BITRATE: { path: ['transcode', 'audioBitrate'], parse: asNumber },
  COURSECAST_ALLOW_COPY: { path: ['transcode', 'allowCopy'], parse: asBoolean },
  COURSECAST_X264_PRESET: { path: ['transcode', 'preset'], parse: asString },
  COURSECAST_EDGE: { path: ['delivery', 'edge'], parse: asBoolean },
  COURSECAST_EDGE_CACHE_BYTES: { path: ['delivery', 'cacheBytes'], parse: asBytes },
  COURSECAST_EDGE_MAX_OBJECT_BYTES: { path: ['delivery', 'maxObjectBytes'], parse: asBytes },
  COURSECAST_ORIGIN_TIMEOUT_MS: { path: ['delivery', 'originTimeoutMs'], parse: asNumber },
  COURSECAST_STALE_IF_ERROR_SECONDS: { path: ['delivery', 'staleIfErrorSeconds'], parse: asNumber },
  COURSECAST_ORIGIN_REGION: { path: ['delivery', 'originRegion'], parse: asString },
  COURSECAST_SERVER_NAME: { path: ['delivery', 'serverName'], parse: asString },
  COURSECAST_EDGE_HIT_SPAN_RATIO: { path: ['delivery', 'hitSpanRatio'], parse: asNumber },
  COURSECAST_PURGE_EDGES: { path: ['delivery', 'purgeEdges'], parse: asList },
  COURSECAST_EDGE_ORIGIN: { path: ['delivery', 'origin'], parse: asString },
  COURSECAST_JIT_MAX_SESSIONS: { path: ['jit', 'maxSessions'], parse: asNumber },
  COURSECAST_JIT_MAX_SESSIONS_PER_CLIENT: { path: ['jit', 'maxSessionsPerClient'], parse: asNumber },
  COURSECAST_JIT_PLAN_RATE_PER_SECOND: { path: ['jit', 'planRatePerSecond'], parse: asNumber },
  COURSECAST_JIT_PLAN_BURST: { path: ['jit', 'planBurst'], parse: asNumber },
  COURSECAST_JIT_IDLE_TIMEOUT_SECONDS: { path: ['jit', 'idleTimeoutSeconds'], parse: asNumber },
  COURSECAST_JIT_SEGMENT_SECONDS: { path: ['jit', 'segmentSeconds'], parse: asNumber },
  COURSECAST_JIT_LOOKAHEAD_SEGMENTS: { path: ['jit', 'lookaheadSegments'], parse: asNumber },
  COURSECAST_JIT_SEGMENT_TIMEOUT_SECONDS: { path: ['jit', 'segmentTimeoutSeconds'], parse: asNumber },
  COURSECAST_JIT_MAX_HEIGHT: { path: ['jit', 'maxHeight'], parse: asNumber },
  COURSECAST_JIT_PRESET: { path: ['jit', 'preset'], parse: asString },
  OTEL_SERVICE_NAME: { path: ['instrumentation', 'serviceName'], parse: asString },
  OTEL_SDK_DISABLED: { path: ['instrumentation', 'disabled'], parse: asBoolean },
  COURSECAST_PROMETHEUS: { path: ['instrumentation', 'prometheus'], parse: asBoolean },
  OTEL_EXPORTER_OTLP_ENDPOINT: { path: ['instrumentation', 'otlpEndpoint'], parse: asString },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { path: ['instrumentation', 'otlpTracesEndpoint'], parse: asString },
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: { path: ['instrumentation', 'otlpMetricsEndpoint'], parse: asString },
  OTEL_EXPORTER_OTLP_HEADERS: { path: ['instrumentation', 'otlpHeaders'], parse: asHeaders, secret: true },
  OTEL_TRACES_SAMPLER: { path: ['instrumentation', 'sampler'], parse: asString },
  OTEL_TRACES_SAMPLER_ARG: { path: ['instrumentation', 'samplerRatio'], parse: asNumber },
  OTEL_METRIC_EXPORT_INTERVAL: { path: ['instrumentation', 'metricExportIntervalMs'], parse: asNumber },
  COURSECAST_TEST_FAULTS: { path: ['testing', 'faults'], parse: asBoolean },
  ...ingestEnvVars(asNumber, asBoolean),
  ...contentEnvVars(asNumber, asString, asList),
  ...ltiEnvVars(asNumber, asBoolean, asList, asString),
  ...liveEnvVars(asNumber, asBoolean, asString, asNumberList),
};

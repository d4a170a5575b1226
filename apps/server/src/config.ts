import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ENV_VARS } from './config-env.js';
import { ContentConfigSchema } from './config-content.js';
import { IngestConfigSchema } from './config-ingest.js';
import { LiveConfigSchema } from './config-live.js';
import { LtiConfigSchema } from './config-lti.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** `10.0.0.1`, `10.0.0.0/8`, `2001:db8::/32`: what a trusted-proxy entry may be. */
function isAddressOrCidr(v: string): boolean {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !ip || isIP(ip) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (isIP(ip) === 4 ? 32 : 128);
}

const heights = z
  .array(z.number().int().min(64).max(4320))
  .min(1)
  .refine((h) => new Set(h).size === h.length, 'rung heights must be unique');

/** The validated configuration every part of the server receives; read once, passed down. */
export const ConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Public base URL used in links we print or return; defaults to http://host:port. */
  publicUrl: z.url().optional(),
  /**
   * Addresses or CIDR ranges of the reverse proxies and CDNs in front of the server: `X-Forwarded-For` is
   * believed from these only, so per-client limits key on the learner, not on the proxy. Empty: nobody's.
   */
  trustedProxies: z.array(z.string().refine(isAddressOrCidr, 'an IP address or CIDR range')).default([]),
  dataDir: z.string().min(1).default('./data'),
  /** Admin bearer token; when absent one is generated on first start and kept in the data dir. */
  adminToken: z.string().min(16, 'admin token must be at least 16 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Log lines waiting for stdout, bytes; beyond it lines are dropped and counted (`coursecast.log.dropped`), so a
   * stuck or full log destination never blocks or grows the server.
   */
  logBufferBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(4 * MiB),
  /**
   * After SIGTERM/SIGINT the process exits by this deadline even when the graceful shutdown hangs; default
   * `transcode.shutdownGraceSeconds` + 15. Keep it under the orchestrator's kill timeout (Kubernetes: 30 s).
   */
  shutdownTimeoutSeconds: z.number().positive().optional(),
  /** `GET /healthz/ready` answers 503 when the data volume has less free space than this. */
  readyMinFreeBytes: z
    .number()
    .int()
    .nonnegative()
    .default(64 * MiB),
  ffmpegPath: z.string().min(1).default('ffmpeg'),
  ffprobePath: z.string().min(1).default('ffprobe'),
  upload: z
    .strictObject({
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(4 * GiB),
      /** Uploads are refused when they would leave less than this free on the data volume. */
      minFreeBytes: z
        .number()
        .int()
        .nonnegative()
        .default(512 * MiB),
      /** Limits on an interactive package (zip): what a zip bomb or a runaway export would hit. */
      packageMaxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
      packageMaxBytes: z
        .number()
        .int()
        .positive()
        .default(2 * GiB),
      /** Largest expansion of one entry (uncompressed / compressed) once it is over 1 MiB. */
      packageMaxRatio: z.number().min(2).max(100_000).default(200),
      /**
       * Longest a multipart upload may take, start to end (not Node's 300 s): the default lets the 4 GiB limit in
       * at 5 Mbit/s. A slower one is answered 408 `body_timeout` and leaves nothing behind.
       */
      timeoutSeconds: z
        .number()
        .int()
        .positive()
        .max(7 * 24 * 3600)
        .default(2 * 3600),
      /** How long an unfinished resumable (tus) upload is kept after its creation before it is removed. */
      resumableExpirySeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 24 * 3600)
        .default(24 * 3600),
      /** Unfinished resumable uploads at once; a creation past it is answered 429 `too_many_uploads`. */
      resumableMaxOpen: z.number().int().min(1).max(10_000).default(100),
      /**
       * Largest caption file (WebVTT or SubRip) accepted: a three-hour lecture's captions are about 300 KB, so the
       * default leaves room for dense ones and refuses anything that is not a caption file long before it costs.
       */
      captionMaxBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * MiB)
        .default(4 * MiB),
    })
    .prefault({}),
  transcode: z
    .strictObject({
      concurrency: z.number().int().min(1).max(64).default(1),
      maxAttempts: z.number().int().min(1).max(20).default(3),
      /** First retry delay; doubles per attempt. */
      retryBaseSeconds: z.number().positive().default(5),
      timeoutSeconds: z
        .number()
        .positive()
        .default(6 * 3600),
      /** How long shutdown waits for running jobs before cancelling (they are re-queued). */
      shutdownGraceSeconds: z.number().nonnegative().default(10),
      ladder: heights.default([1080, 720, 480, 360]),
      segmentSeconds: z.number().int().min(1).max(30).default(4),
      audioBitrate: z.number().int().min(32_000).max(512_000).default(128_000),
      allowCopy: z.boolean().default(true),
      preset: z
        .enum([
          'ultrafast',
          'superfast',
          'veryfast',
          'faster',
          'fast',
          'medium',
          'slow',
          'slower',
          'veryslow',
        ])
        .default('veryfast'),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      /** Run the edge cache in this process in front of the origin on /media/ (false: the origin answers). */
      edge: z.boolean().default(true),
      /** Bound of the edge cache's memory, bytes of bodies. */
      cacheBytes: z
        .number()
        .int()
        .min(1 * MiB)
        .default(256 * MiB),
      /** Larger objects are streamed through, never held in memory. */
      maxObjectBytes: z
        .number()
        .int()
        .min(1024)
        .default(32 * MiB),
      /** An origin answer (headers and body) slower than this is a 504. */
      originTimeoutMs: z.number().int().min(100).default(10_000),
      /** How long an expired object may still be served when the origin fails. */
      staleIfErrorSeconds: z.number().int().nonnegative().default(86_400),
      /** `cdn.origin_region` on spans: where the origin runs. */
      originRegion: z.string().min(1).default('local'),
      /** This server's name in CMSD-Dynamic and Cache-Status. */
      serverName: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore only')
        .default('coursecast'),
      /** A standalone edge's origin base URL (`coursecast edge --origin`). */
      origin: z.url().optional(),
      /**
       * Share of plain edge hits that get a span when the player sent no sampled traceparent. Misses,
       * revalidations, errors and sampled player traces are always traced; metrics count every request.
       */
      hitSpanRatio: z.number().min(0).max(1).default(0.01),
      /** Remote edges told to purge an item when it is deleted or re-transcoded (they share the admin token). */
      purgeEdges: z.array(z.url()).default([]),
      /** Origin fetches in flight above which responses carry CMSD duress. */
      duressInflight: z.number().int().min(1).default(64),
    })
    .prefault({}),
  jit: z
    .strictObject({
      /** Concurrent just-in-time sessions; more get 503 with Retry-After. */
      maxSessions: z.number().int().min(1).max(256).default(4),
      /** Sessions one client (an IPv4 address, an IPv6 /64) may hold at once; more get 429. */
      maxSessionsPerClient: z.number().int().min(1).max(256).default(2),
      /** Playback (plan) requests per second per client, and the burst above it; more get 429. */
      planRatePerSecond: z.number().positive().default(1),
      planBurst: z.number().int().min(1).default(20),
      /** A session with no segment request and no heartbeat for this long is stopped and removed. */
      idleTimeoutSeconds: z.number().positive().default(60),
      /** Segment length of sessions (seconds); keyframes are forced on this grid. */
      segmentSeconds: z.number().int().min(1).max(10).default(4),
      /** A request at most this many segments ahead of the encoder waits instead of moving it. */
      lookaheadSegments: z.number().int().min(0).max(20).default(3),
      /** Longest a segment request waits for the encoder (keep it under the edge's origin timeout). */
      segmentTimeoutSeconds: z.number().positive().default(8),
      /** Highest height a just-in-time transcode produces. */
      maxHeight: z.number().int().min(144).max(2160).default(720),
      preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast']).default('veryfast'),
    })
    .prefault({}),
  ingest: IngestConfigSchema,
  live: LiveConfigSchema,
  content: ContentConfigSchema,
  lti: LtiConfigSchema,
  instrumentation: z
    .strictObject({
      serviceName: z.string().min(1).default('coursecast'),
      /** Disables every exporter but keeps the API calls (they become no-ops). */
      disabled: z.boolean().default(false),
      prometheus: z.boolean().default(true),
      otlpEndpoint: z.url().optional(),
      otlpTracesEndpoint: z.url().optional(),
      otlpMetricsEndpoint: z.url().optional(),
      otlpHeaders: z.record(z.string(), z.string()).default({}),
      metricExportIntervalMs: z.number().int().min(1000).default(60_000),
      /** OTel's standard sampler names; the ratio is OTEL_TRACES_SAMPLER_ARG. */
      sampler: z
        .enum([
          'always_on',
          'always_off',
          'traceidratio',
          'parentbased_always_on',
          'parentbased_always_off',
          'parentbased_traceidratio',
        ])
        .default('parentbased_always_on'),
      samplerRatio: z.number().min(0).max(1).default(1),
    })
    .prefault({}),
  /** Hooks for automated tests of players against a real server. Never enable them in production. */
  testing: z
    .strictObject({
      /**
       * Admin routes (`/api/test/faults`) that make the edge fail or delay requests matching a rule.
       * Off: the routes do not exist and the edge holds no injector.
       */
      faults: z.boolean().default(false),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
/** The configuration file's shape: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** A configuration problem, with one line per invalid setting naming where it came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Where the configuration may come from; the CLI passes `process.env`, tests pass their own. */
export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** A JSON config file; `COURSECAST_CONFIG` in env names one too. */
  file?: string;
  /** Values that win over everything (CLI flags). */
  overrides?: ConfigInput;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = next && typeof next === 'object' ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([
      `config file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    ]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`config file ${file}: invalid JSON (${(err as Error).message})`]);
  }
}

/** Loads defaults < config file < environment < overrides, validates, and resolves paths. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.COURSECAST_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  const fromEnv: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(fromEnv, spec.path, spec.parse(raw));
    origin.set(spec.path.join('.'), name);
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnv), sources.overrides ?? {});
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const from = origin.get(key) ?? [...origin].find(([k]) => key.startsWith(`${k}.`))?.[1];
        const where = from ? `${from} (${key})` : file ? `${key} (config file ${file})` : key || 'config';
        return `${where}: ${issue.message}`;
      }),
    );
  }
  const config = result.data;
  const base = file ? path.dirname(path.resolve(file)) : process.cwd();
  return { ...config, dataDir: path.resolve(base, config.dataDir) };
}

/** How long after SIGTERM/SIGINT the process exits whatever its shutdown is doing. */
export function shutdownDeadlineMs(config: Config): number {
  return (config.shutdownTimeoutSeconds ?? config.transcode.shutdownGraceSeconds + 15) * 1000;
}

/** The base URL clients should use. */
export function publicBaseUrl(config: Config, boundPort?: number): string {
  return baseUrlOf(config.publicUrl, config.host, boundPort ?? config.port);
}

/** A configured public URL (without its trailing slash), else http://host:port of the listener. */
function baseUrlOf(publicUrl: string | undefined, listenHost: string, port: number): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  const host = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The content origin's base URL (where packages run): its public URL, else http://host:port of its listener. */
export function contentBaseUrl(config: Config, boundPort?: number): string {
  return baseUrlOf(config.content.publicUrl, config.host, boundPort ?? contentPort(config));
}

/** The content origin's listening port: its own setting, else the app's + 1 (0 stays 0: any free port). */
export function contentPort(config: Config): number {
  return config.content.port ?? (config.port === 0 ? 0 : config.port + 1);
}

function mask(secret: string): string {
  return secret.length <= 8 ? '****' : `****${secret.slice(-4)}`;
}

/** The configuration as printed by `coursecast config`: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    adminToken: config.adminToken
      ? mask(config.adminToken)
      : '(generated on first start, kept in the data dir)',
    lti: { ...config.lti, mediaKey: config.lti.mediaKey === null ? null : '****' },
    instrumentation: {
      ...config.instrumentation,
      otlpHeaders: Object.fromEntries(
        Object.keys(config.instrumentation.otlpHeaders).map((k) => [k, '****']),
      ),
    },
  };
}

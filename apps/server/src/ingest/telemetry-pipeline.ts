import type { Meter } from '@opentelemetry/api';
import type { Config } from '../config.js';
import { createViewRefresher, type ViewRefresher } from '../views/view-refresher.js';
import type { CatalogStore } from '../store/index.js';
import { enforceRetention } from '../store/telemetry-retention.js';
import { openTelemetryStore, telemetryDbPath, type TelemetryStore } from '../store/telemetry-store.js';
import { createIngestService, type IngestService } from './ingest-service.js';
import { createIngestInstruments, type IngestInstruments } from './ingest-instruments.js';
import { createItemFactsCache } from './item-facts.js';
import { createDecodePool, type DecodePool } from './otlp/decode-pool.js';
import { createOtlpForwarder, type OtlpForwarder } from './otlp-forwarder.js';
import { createRateLimiter, type RateLimiter } from '../auth/rate-limiter.js';
import { createReceivedMetrics, type ReceivedMetrics } from './received-metrics.js';
import { createStoreGuard, type StoreGuard } from './store-guard.js';
import { createUserAgentParser } from './user-agent.js';

/** The telemetry store and everything that feeds and maintains it. */
export interface TelemetryPipeline {
  store: TelemetryStore;
  ingest: IngestService;
  views: ViewRefresher;
  rateLimiter: RateLimiter;
  /** The node's budget: `take('records', n)` and `take('bytes', n)` (ingest.nodeRecordsPerSecond, …BytesPerSecond). */
  nodeBudget: NodeBudget;
  instruments: IngestInstruments;
  /** Received metric points: instrument checks and cumulative-to-delta, before the store. */
  receivedMetrics: ReceivedMetrics;
  /** Relays accepted player telemetry to the OTLP endpoint; null when none is configured. */
  forwarder: OtlpForwarder | null;
  /** Keeps the store under its quota and the volume above the media's floor. */
  guard: StoreGuard;
  /** Decodes OTLP requests off the event loop; null when `ingest.decodeWorkers` is 0. */
  decoders: DecodePool | null;
  /** Commits what is queued, stops the timers, closes the store. */
  close(): Promise<void>;
}

/** The whole node's ingest budget, records and bytes per second. */
export interface NodeBudget {
  /** Null when allowed, else the seconds until there is room. */
  take(what: 'records' | 'bytes', n: number): number | null;
}

/** Two token buckets for the node: records and request bytes per second, two seconds of burst each. */
function createNodeBudget(c: Config['ingest']): NodeBudget {
  const records = createRateLimiter({
    perSecond: c.nodeRecordsPerSecond,
    burst: 2 * c.nodeRecordsPerSecond,
    maxClients: 1,
  });
  const bytes = createRateLimiter({
    perSecond: c.nodeBytesPerSecond,
    burst: 2 * c.nodeBytesPerSecond,
    maxClients: 1,
  });
  return { take: (what, n) => (what === 'records' ? records : bytes).take('node', n) };
}

/** A feed of the server's own spans and metrics into the ingest, attached and detached by the pipeline. */
export interface ServerSignalFeed {
  attach(sink: Pick<IngestService, 'spans' | 'points'>): void;
  detach(): void;
}

export interface TelemetryPipelineDeps {
  config: Config;
  catalog: Pick<CatalogStore, 'getItem'>;
  meter: Meter;
  /** The server's own spans and metrics (its store exporters), attached once the store is open. */
  exporters: ServerSignalFeed | null;
  /** Where maintenance failures are reported (they never stop the server). */
  onError(err: unknown, what: string): void;
  /** Free bytes of the volume holding a directory (statfs; tests simulate a full disk). */
  freeBytes(dir: string): Promise<number>;
}

/** Opens the telemetry store, builds the ingest service, and runs the views refresh and retention timers. */
export async function createTelemetryPipeline(d: TelemetryPipelineDeps): Promise<TelemetryPipeline> {
  const c = d.config.ingest;
  const store = await openTelemetryStore(telemetryDbPath(d.config.dataDir));
  const instruments = createIngestInstruments(d.meter);
  const views = createViewRefresher({
    db: store.db,
    inactiveMs: c.viewInactivitySeconds * 1000,
    onEnded: (ended) => instruments.viewsEnded(ended),
  });
  // Views a previous process had events for but had not derived yet are derived at the first refresh.
  await views.catchUp();
  const ingest = createIngestService({
    config: c,
    store,
    items: createItemFactsCache(d.catalog, { ttlMs: 60_000, maxItems: 10_000 }),
    userAgents: createUserAgentParser({ cacheSize: 1000 }),
    views,
    instruments,
  });
  d.exporters?.attach(ingest);
  const receivedMetrics = createReceivedMetrics({
    db: store.db,
    maxInstruments: c.maxReceivedInstruments,
    maxStreams: 100_000,
    startedAt: Date.now(),
  });
  await receivedMetrics.load();
  const t = d.config.instrumentation;
  const decoders = c.decodeWorkers > 0 ? createDecodePool(c.decodeWorkers) : null;
  const forwarder =
    c.forwardPlayerTelemetry && t.otlpEndpoint && !t.disabled
      ? createOtlpForwarder({
          endpoint: t.otlpEndpoint,
          headers: t.otlpHeaders,
          maxQueued: 256,
          maxQueuedBytes: 64 * 1024 * 1024,
          concurrency: 4,
          timeoutMs: 10_000,
          onDrop: (reason) => instruments.forwardDropped(reason),
        })
      : null;

  const dbFile = telemetryDbPath(d.config.dataDir);
  const guard = createStoreGuard({
    db: store.db,
    file: dbFile,
    dataDir: d.config.dataDir,
    quotaBytes: c.storeQuotaBytes,
    minFreeBytes: c.minFreeBytes,
    checkMs: c.storeCheckSeconds * 1000,
    freeBytes: (dir) => d.freeBytes(dir),
    onPruned: (r) => {
      instruments.pruned(r.pruned);
      void receivedMetrics.load().catch((err: unknown) => d.onError(err, 'received instruments'));
    },
    onError: (err) => d.onError(err, 'telemetry quota'),
  });
  instruments.observeStoreUsed(() => guard.usedBytes());
  await guard.check();

  const refresh = setInterval(() => {
    views.refresh().catch((err: unknown) => d.onError(err, 'views refresh'));
  }, c.viewRefreshMs);
  const retain = (): void => {
    enforceRetention(store.db, c.retentionDays * 86_400_000, Date.now())
      .then(() => receivedMetrics.load())
      .catch((err: unknown) => d.onError(err, 'telemetry retention'));
  };
  const retention = setInterval(retain, c.retentionIntervalMinutes * 60_000);
  refresh.unref();
  retention.unref();
  retain();

  return {
    store,
    ingest,
    views,
    rateLimiter: createRateLimiter({ perSecond: c.ratePerSecond, burst: c.rateBurst, maxClients: 100_000 }),
    nodeBudget: createNodeBudget(c),
    instruments,
    receivedMetrics,
    forwarder,
    decoders,
    guard,
    async close() {
      guard.stop();
      await decoders?.close();
      clearInterval(refresh);
      await forwarder?.drain(2000);
      clearInterval(retention);
      d.exporters?.detach();
      await ingest.close();
      await views.refresh().catch((err: unknown) => d.onError(err, 'views refresh'));
      await store.close();
    },
  };
}

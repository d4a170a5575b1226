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
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createUserAgentParser } from './user-agent.js';

/** The telemetry store and everything that feeds and maintains it. */
export interface TelemetryPipeline {
  store: TelemetryStore;
  ingest: IngestService;
  views: ViewRefresher;
  rateLimiter: RateLimiter;
  instruments: IngestInstruments;
  /** Relays accepted player telemetry to the OTLP endpoint; null when none is configured. */
  forwarder: OtlpForwarder | null;
  /** Decodes logs requests off the event loop; null when `ingest.decodeWorkers` is 0. */
  decoders: DecodePool | null;
  /** Commits what is queued, stops the timers, closes the store. */
  close(): Promise<void>;
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

  const refresh = setInterval(() => {
    views.refresh().catch((err: unknown) => d.onError(err, 'views refresh'));
  }, c.viewRefreshMs);
  const retain = (): void => {
    enforceRetention(store.db, c.retentionDays * 86_400_000, Date.now()).catch((err: unknown) =>
      d.onError(err, 'telemetry retention'),
    );
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
    instruments,
    forwarder,
    decoders,
    async close() {
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

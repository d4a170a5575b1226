import { mkdir, readFile, rm } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { READINESS_CHECK_NAMES } from '@coursecast/api';
import { METRIC_STORAGE_ORPHANS_REMOVED, STORE_NAMES } from '@coursecast/semconv';
import { boundPort, buildApp } from './app.js';
import { resolveAdminToken, type ResolvedAdminToken } from './auth/admin-auth.js';
import { createMediaPaths, type MediaPaths } from './catalog/media-paths.js';
import { ConfigError, contentBaseUrl, contentPort, publicBaseUrl, type Config } from './config.js';
import { appOriginsOf } from './interactive/launch/app-origins.js';
import { createLtiTool, type LtiTool } from './lti/lti-tool.js';
import { buildContentApp } from './content-app.js';
import { defaultLaunchFrameFile, defaultScormRuntimeFile } from './web/sdk.routes.js';
import { createDeliveryInstruments, type DeliveryInstruments } from './delivery/delivery-instruments.js';
import { createEdgeNode, type EdgeNode } from './delivery/edge/edge-node.js';
import { mediaLinksFor } from './catalog/media-links.js';
import { createFaultInjector } from './delivery/faults/fault-injector.js';
import { createInProcessOriginClient } from './delivery/edge/origin-client.js';
import { createPurgeNotifier } from './delivery/edge/purge-notifier.js';
import { createJitService, type JitService, type PrepareSession } from './jit/jit-service.js';
import { createJitMedia, jitRoot } from './jit/jit-media.js';
import { createCaptionPublisher, type CaptionPublisher } from './captions/caption-publish.js';
import { createLiveService } from './live/live-wiring.js';
import type { LiveService } from './live/live-service.js';
import { KEYFRAMES_FILE } from './jit/keyframe-cache.js';
import { sweepAtStartup } from './catalog/orphan-sweep.js';
import { createCounter } from './instrumentation/instruments.js';
import { createJitInstruments } from './jit/jit-instruments.js';
import { createTelemetryPipeline, type TelemetryPipeline } from './ingest/telemetry-pipeline.js';
import { isStoreError, openDuckDbCatalogStore, type CatalogStore } from './store/index.js';
import type { StoreHealthSource } from './store/store-health.js';
import type { LogDrops } from './instrumentation/log-destination.js';
import { createRuntimeInstruments } from './instrumentation/runtime-instruments.js';
import { createStoreExporters } from './instrumentation/store-exporters.js';
import {
  createInstrumentation,
  type Instrumentation,
  type InstrumentationExtras,
} from './instrumentation/instrumentation.js';
import { createJobEventBus, type JobEventBus } from './transcoding/job-events.js';
import type { JobQueue, QueueLogger } from './transcoding/job-queue.js';
import { createTranscodeQueue } from './transcoding/transcode-queue.js';
import { createReadinessCheck, type ReadinessCheck } from './readiness-check.js';
import { volumeFreeBytes } from './uploads/upload-receiver.js';

/** A running coursecast: every part, so the CLI and tests can reach in, and one way to stop it. */
export interface Coursecast {
  config: Config;
  app: FastifyInstance;
  store: CatalogStore;
  queue: JobQueue;
  events: JobEventBus;
  instrumentation: Instrumentation;
  /** The telemetry store, its ingest and derived views. */
  pipeline: TelemetryPipeline;
  paths: MediaPaths;
  admin: ResolvedAdminToken;
  /** Just-in-time sessions; null when none are offered. */
  jit: JitService | null;
  /** The embedded edge cache; null when `delivery.edge` is off and the origin answers /media/ itself. */
  edge: EdgeNode | null;
  /** The content origin's server, where packages run (ADR 0010). */
  content: FastifyInstance;
  /** Live lectures; null when `live.enabled` is off. */
  live: LiveService | null;
  /** Base URL once listening. */
  url(): string;
  /** The content origin's base URL once listening. */
  contentUrl(): string;
  listen(): Promise<string>;
  /** Graceful: stop accepting, let jobs finish within the grace period (else re-queue them), close the store. */
  close(): Promise<void>;
}

export interface CreateOptions {
  logger?: FastifyServerOptions['logger'];
  instrumentationExtras?: InstrumentationExtras;
  freeBytes?: (dir: string) => Promise<number>;
  /** Tests start the queue themselves to control timing. */
  startQueue?: boolean;
  /** Builds the media side of a just-in-time session (tests pass a fake); default: FFmpeg. */
  prepareSession?: PrepareSession;
  /** The log destination's drop counts (`coursecast.log.dropped`), when `logger` writes through one. */
  logDrops?: () => LogDrops;
}

/** The version in the server's package.json (reported as service.version). */
export async function serverVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Wires every part from one validated config. */
export async function createCoursecast(config: Config, options: CreateOptions = {}): Promise<Coursecast> {
  if (config.testing.faults && !config.delivery.edge) {
    // Faults are injected by the embedded edge; without one the routes would accept rules that do nothing.
    throw new ConfigError(['testing.faults: fault injection needs the embedded edge (delivery.edge)']);
  }
  const paths = createMediaPaths(config.dataDir);
  await mkdir(paths.mediaRoot, { recursive: true });
  const admin = await resolveAdminToken(config.adminToken, config.dataDir);
  // Parts made before the app log through it (and the in-process origin reaches it) once it is built.
  const slot: AppSlot = { app: null };
  const exporters = serverExporters(config, slot);
  const extras = options.instrumentationExtras ?? {};
  const instrumentation = createInstrumentation(config.instrumentation, await serverVersion(), {
    spanProcessors: extras.spanProcessors ?? [],
    batchedSpanExporters: [
      ...(extras.batchedSpanExporters ?? []),
      ...(exporters ? [exporters.spanExporter] : []),
    ],
    metricReaders: [...(extras.metricReaders ?? []), ...(exporters ? [exporters.metricReader] : [])],
  });
  const store = await openDuckDbCatalogStore({ path: `${config.dataDir}/coursecast.duckdb` });
  const events = createJobEventBus();
  const logger = slotLogger(slot);
  const pipeline = await createTelemetryPipeline({
    config,
    catalog: store,
    meter: instrumentation.meter,
    exporters,
    freeBytes: options.freeBytes ?? volumeFreeBytes,
    onError: (err, what) => {
      // A store that is reopening fails every pass of the views and retention timers: its outage is logged
      // once when it starts and once when it ends (watchStoreHealth), not every two seconds.
      if (isStoreError(err, 'unavailable')) return;
      slot.app?.log.error({ err }, `${what} failed`);
    },
  });
  const stores = [
    { name: STORE_NAMES.catalog, check: READINESS_CHECK_NAMES.catalogStore, store },
    { name: STORE_NAMES.telemetry, check: READINESS_CHECK_NAMES.telemetryStore, store: pipeline.store },
  ];
  for (const s of stores) watchStoreHealth(s.name, s.store, slot);
  createRuntimeInstruments(instrumentation.meter, { logDrops: options.logDrops ?? null, stores });
  const readiness = createReadinessCheck({
    stores: stores.map((s) => ({ name: s.check, store: s.store })),
    dataDir: config.dataDir,
    freeBytes: options.freeBytes ?? volumeFreeBytes,
    minFreeBytes: config.readyMinFreeBytes,
  });
  const delivery: DeliveryInstruments = createDeliveryInstruments(
    instrumentation.tracer,
    instrumentation.meter,
  );
  const edge = embeddedEdge(config, delivery, slot);
  const notifyEdges = createPurgeNotifier(config.delivery.purgeEdges, admin.token, logger);
  const purge = (itemId: string): void => {
    edge?.purgeItem(itemId);
    notifyEdges(itemId);
  };
  // Sessions live in memory: whatever a previous run left in the sessions dir belongs to no one.
  await rm(jitRoot(paths), { recursive: true, force: true });
  const captions = createCaptionPublisher({ store, paths, onPublished: purge });
  const jit = jitService(
    config,
    paths,
    instrumentation,
    options.prepareSession ?? createJitMedia(paths, config, (id) => captions.sessionCaptions(id)),
  );
  const queue = createTranscodeQueue(config, {
    store,
    events,
    logger,
    paths,
    instrumentation,
    purge,
    captions,
  });
  const live = config.live.enabled
    ? createLiveService({
        store,
        paths,
        config,
        tracer: instrumentation.tracer,
        meter: instrumentation.meter,
        publicHost: () =>
          config.live.publicHost ??
          new URL(publicBaseUrl(config, slot.app ? boundPort(slot.app) : undefined)).hostname,
        log: (message) => slot.app?.log.warn(message),
        onEnded: purge,
      })
    : null;
  const parts = { config, store, queue, events, instrumentation, pipeline, paths, admin, edge, jit, live };
  const contentSlot: AppSlot = { app: null };
  const contentUrl = (): string =>
    contentBaseUrl(config, contentSlot.app ? boundPort(contentSlot.app) : undefined);
  // One LTI tool for both origins: the registered LMSs frame the learner's pages on each, and a score a module
  // earns on the content origin goes out through the same outbox as the app's.
  const lti = await createLtiTool({
    store,
    config: config.lti,
    meter: instrumentation.meter,
    log: (message) => slot.app?.log.warn(message),
  });
  const app = await buildAppOrRelease(
    parts,
    { delivery, purge, readiness, contentUrl, lti, captions },
    options,
  );
  slot.app = app;
  const content = await buildContentApp({
    config,
    store,
    paths,
    instruments: delivery,
    appOrigins: () => appOriginsOf(config, boundPort(app)),
    platformOrigins: () => lti.origins.list(),
    onScore: () => lti.outbox.kick(),
    launchScriptFile: defaultLaunchFrameFile(),
    runtimeFile: defaultScormRuntimeFile(),
  });
  contentSlot.app = content;
  if (edge?.faults) {
    app.log.warn('test fault injection is on (/api/test/faults): never run this in production');
  }
  // Before any job or upload runs: what a crash or a delete left behind goes (docs/operations.md).
  await sweepAtStartup(
    { store, paths, sidecars: [KEYFRAMES_FILE] },
    app.log,
    createCounter(instrumentation.meter, METRIC_STORAGE_ORPHANS_REMOVED),
  );
  if (options.startQueue !== false) await queue.start();
  await live?.start();
  return coursecastOf({ ...parts, app, content });
}

/** Where the app will be: parts built before it reach it through this once it exists. */
interface AppSlot {
  app: FastifyInstance | null;
}

/** Every part of a coursecast but the app and its handle's methods. */
type CoursecastParts = Omit<Coursecast, 'app' | 'content' | 'url' | 'contentUrl' | 'listen' | 'close'>;

/** The server's own spans and metrics into the telemetry store, so dashboards need nothing else; or null. */
function serverExporters(config: Config, slot: AppSlot): ReturnType<typeof createStoreExporters> | null {
  if (!config.ingest.serverTelemetry || config.instrumentation.disabled) return null;
  let lastExportWarning = 0;
  return createStoreExporters({
    metricIntervalMs: config.ingest.serverMetricIntervalMs,
    // At most one warning a minute: a broken store must be visible without flooding the log.
    onFailure(what, err) {
      if (Date.now() - lastExportWarning < 60_000) return;
      lastExportWarning = Date.now();
      slot.app?.log.warn({ err }, `the server's ${what} could not be stored in the telemetry store`);
    },
  });
}

/** Logs when a store fails fatally and starts reopening, and when it is back (through the app's logger). */
function watchStoreHealth(name: string, store: StoreHealthSource, slot: AppSlot): void {
  store.onHealthChange((h) => {
    if (h.state === 'reopening') {
      slot.app?.log.error(
        { store: name, error: h.error },
        `the ${name} store failed and is reopening; writes answer 503 until it is back`,
      );
    } else if (h.state === 'open') {
      slot.app?.log.warn({ store: name, reopens: h.reopens }, `the ${name} store reopened and writes again`);
    }
  });
}

/** The queue's logger: the app's, which exists only once the app is built. */
function slotLogger(slot: AppSlot): QueueLogger {
  return {
    info: (o, m) => slot.app?.log.info(o, m),
    warn: (o, m) => slot.app?.log.warn(o, m),
    error: (o, m) => slot.app?.log.error(o, m),
  };
}

/** The embedded edge, when `delivery.edge` is on; it reaches this app's origin routes by inject. */
function embeddedEdge(config: Config, delivery: DeliveryInstruments, slot: AppSlot): EdgeNode | null {
  if (!config.delivery.edge) return null;
  // No socket, and the same code path as a remote edge's fetch.
  return createEdgeNode(
    config.delivery,
    delivery,
    createInProcessOriginClient((o) => {
      if (!slot.app) throw new Error('the app is not built yet');
      return slot.app.inject(o);
    }),
    (err) => slot.app?.log.error({ err }, 'edge request failed'),
    config.testing.faults ? createFaultInjector() : null,
    mediaLinksFor(config.lti),
  );
}

/** Just-in-time sessions, when `jit.maxSessions` allows any. */
function jitService(
  config: Config,
  paths: MediaPaths,
  instrumentation: Instrumentation,
  prepare: PrepareSession,
): JitService | null {
  if (config.jit.maxSessions <= 0) return null;
  return createJitService({
    prepare,
    instruments: createJitInstruments(instrumentation.tracer, instrumentation.meter),
    maxSessions: config.jit.maxSessions,
    maxSessionsPerClient: config.jit.maxSessionsPerClient,
    idleTimeoutMs: config.jit.idleTimeoutSeconds * 1000,
    reapIntervalMs: Math.min(5000, (config.jit.idleTimeoutSeconds * 1000) / 4),
    lookahead: config.jit.lookaheadSegments,
    segmentTimeoutMs: config.jit.segmentTimeoutSeconds * 1000,
  });
}

/** Builds the Fastify app; if that fails, releases what was opened for it (stores, instrumentation). */
async function buildAppOrRelease(
  parts: CoursecastParts,
  wiring: {
    delivery: DeliveryInstruments;
    purge: (itemId: string) => void;
    readiness: ReadinessCheck;
    contentUrl: () => string;
    lti: LtiTool;
    captions: CaptionPublisher;
  },
  options: CreateOptions,
): Promise<FastifyInstance> {
  const { delivery, purge, readiness, contentUrl, lti, captions } = wiring;
  const { config, store, queue, events, instrumentation, paths, admin, edge, jit, pipeline, live } = parts;
  try {
    return await buildApp({
      live,
      config,
      store,
      queue,
      events,
      instrumentation,
      paths,
      adminToken: admin.token,
      delivery,
      edge,
      purge,
      jit,
      pipeline,
      readiness,
      contentUrl,
      lti,
      captions,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.freeBytes ? { freeBytes: options.freeBytes } : {}),
    });
  } catch (err) {
    await pipeline.close();
    await store.close();
    await instrumentation.shutdown();
    throw err;
  }
}

/** The running coursecast's handle: its parts, its URL, and one graceful close however often it is called. */
function coursecastOf(
  parts: CoursecastParts & { app: FastifyInstance; content: FastifyInstance },
): Coursecast {
  const { config, app, content, queue, jit, edge, instrumentation, pipeline, store, live } = parts;
  let closing: Promise<void> | null = null;
  return {
    ...parts,
    url: () => publicBaseUrl(config, boundPort(app)),
    contentUrl: () => contentBaseUrl(config, boundPort(content)),
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      await content.listen({ host: config.host, port: contentPort(config) });
      return publicBaseUrl(config, boundPort(app));
    },
    close() {
      closing ??= (async () => {
        // Every FFmpeg a session owns dies with the server; a live lecture ends into its recording.
        await jit?.shutdown();
        await live?.close();
        await queue.shutdown(config.transcode.shutdownGraceSeconds * 1000);
        await app.close();
        await content.close();
        edge?.close();
        // The last spans and metrics reach the telemetry store before it closes.
        await instrumentation.forceFlush();
        await pipeline.close();
        await store.close();
        await instrumentation.shutdown();
      })();
      return closing;
    },
  };
}

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ATTR_ORPHAN_KIND, METRIC_STORAGE_ORPHANS_REMOVED, ORPHAN_KINDS } from '@coursecast/semconv';
import { createCounter } from './instrumentation/instruments.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { publicCatalogRoutes } from './catalog/public-catalog.routes.js';
import { createMediaAccess } from './catalog/media-access.js';
import { mediaLinksFor } from './catalog/media-links.js';
import { learnerAccess } from './lti/learner-auth.js';
import { createLtiTool, type LtiTool } from './lti/lti-tool.js';
import { ltiRoutes } from './lti/lti.routes.js';
import { lectureProgressRoutes } from './learners/lecture-progress.routes.js';
import { scormTicketRoutes } from './learners/scorm-ticket.routes.js';
import { itemLearnersRoutes } from './learners/item-learners.routes.js';
import { startLearnerRetention } from './learners/learner-retention.js';
import { scormTickets } from './learners/scorm-tickets.js';
import { dashboardRoutes } from './dashboards/dashboards.routes.js';
import type { MediaPaths } from './catalog/media-paths.js';
import { contentBaseUrl, publicBaseUrl, type Config } from './config.js';
import type { DeliveryInstruments } from './delivery/delivery-instruments.js';
import type { EdgeNode } from './delivery/edge/edge-node.js';
import { edgeRoutes, edgeServerFactory } from './delivery/edge/edge.routes.js';
import { faultRoutes } from './delivery/faults/fault.routes.js';
import { originRoutes } from './delivery/origin/origin.routes.js';
import { ingestRoutes } from './ingest/ingest.routes.js';
import type { TelemetryPipeline } from './ingest/telemetry-pipeline.js';
import type { JitService } from './jit/jit-service.js';
import { createRateLimiter } from './auth/rate-limiter.js';
import { jitRoutes } from './jit/jit.routes.js';
import { frameworkErrors, installErrorHandler } from './error-handler.js';
import { AppError } from './errors.js';
import { healthRoutes } from './health.routes.js';
import type { ReadinessCheck } from './readiness-check.js';
import type { CatalogStore } from './store/index.js';
import { instrumentationRoutes } from './instrumentation/instrumentation.routes.js';
import type { Instrumentation } from './instrumentation/instrumentation.js';
import type { JobEventBus } from './transcoding/job-events.js';
import type { JobQueue } from './transcoding/job-queue.js';
import { jobRoutes } from './transcoding/jobs.routes.js';
import { resumableRoutes } from './uploads/resumable.routes.js';
import { uploadRoutes } from './uploads/upload.routes.js';
import { createCaptionPublisher, type CaptionPublisher } from './captions/caption-publish.js';
import { createCaptionService } from './captions/caption-service.js';
import { captionRoutes } from './captions/captions.routes.js';
import type { LiveService } from './live/live-service.js';
import { liveRoutes } from './live/live.routes.js';
import { createPublishInstruments } from './transcoding/publish-instruments.js';
import { createPackageInstruments } from './interactive/package-instruments.js';
import { defaultScormRuntimeFile, sdkRoutes } from './web/sdk.routes.js';
import { webRoutes } from './web/web.routes.js';

/** Everything the HTTP app needs, built by main.ts (or by a test with fakes). */
/** Longest FFmpeg may take to read a subtitle stream out of a source (it reads the whole file). */
const CAPTION_EXTRACT_TIMEOUT_MS = 120_000;

export interface AppDeps {
  config: Config;
  store: CatalogStore;
  queue: JobQueue;
  events: JobEventBus;
  instrumentation: Instrumentation;
  paths: MediaPaths;
  adminToken: string;
  delivery: DeliveryInstruments;
  /** The embedded edge on /media/; null: the origin answers /media/ directly. */
  edge: EdgeNode | null;
  /** Just-in-time sessions; null when this server does not run them. */
  jit: JitService | null;
  /** Telemetry ingest, store and views; null in tests that don't need them. */
  pipeline: TelemetryPipeline | null;
  /** Drops an item from every edge (embedded and remote). */
  purge: (itemId: string) => void;
  logger?: FastifyServerOptions['logger'];
  /** The SCORM runtime copied into SCORM packages (default: the player SDK's build). */
  scormRuntimeFile?: string;
  /** Overrides the volume free-space probe (tests simulate a full disk with it). */
  freeBytes?: (dir: string) => Promise<number>;
  /** What `GET /healthz/ready` answers: whether the stores can write. */
  readiness: ReadinessCheck;
  /** The content origin's base URL, once its listener is bound (default: from the config). */
  contentUrl?: () => string;
  /** The LTI tool, shared with the content origin (default: the app's own). */
  lti?: LtiTool;
  /** Publishes caption changes into the ladder, shared with the transcode runner (default: the app's own). */
  captions?: CaptionPublisher;
  /** Live lectures; null or absent: none (their routes answer 404 live_disabled). */
  live?: LiveService | null;
}

/** Builds the Fastify app; it does not listen (tests use inject()). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Uploads are multipart streams and bypass this; it bounds JSON bodies only.
    bodyLimit: 1024 * 1024,
    // Fastify's own 503 while closing is not in our error format: the hook below answers `shutting_down`.
    return503OnClosing: false,
    frameworkErrors,
    // The upload's own limit answers first (a JSON 408); Node's, a minute later, is the backstop.
    serverFactory: edgeServerFactory(
      deps.edge?.handler ?? null,
      (deps.config.upload.timeoutSeconds + 60) * 1000,
    ),
    // `request.ip` follows X-Forwarded-For through these hops only: a stranger cannot name their own address.
    trustProxy: deps.config.trustedProxies.length > 0 ? deps.config.trustedProxies : false,
  });
  installErrorHandler(app);
  refuseWhileClosing(app);
  const baseUrl = (): string => publicBaseUrl(deps.config, boundPort(app));
  const contentUrl = deps.contentUrl ?? (() => contentBaseUrl(deps.config));
  const lti =
    deps.lti ??
    (await createLtiTool({
      store: deps.store,
      config: deps.config.lti,
      meter: deps.instrumentation.meter,
      log: (message) => app.log.warn(message),
    }));
  const retention = startLearnerRetention({
    store: deps.store,
    days: deps.config.lti.learnerRetentionDays,
    log: (message) => app.log.info(message),
  });
  app.addHook('onClose', async () => {
    retention.stop();
    await lti.outbox.stop();
  });
  const links = mediaLinksFor(deps.config.lti);
  const live = deps.live ?? null;
  const access = createMediaAccess({
    enrolled: deps.config.lti.access === 'enrolled',
    links,
    adminToken: deps.adminToken,
    learner: learnerAccess(lti.sessions),
  });
  const common = {
    store: deps.store,
    queue: deps.queue,
    paths: deps.paths,
    adminToken: deps.adminToken,
    baseUrl,
    contentUrl,
    access,
  };

  // API routes share one duration hook; delivery routes record their own (with cache status) on the hot path.
  await app.register(async (api) => {
    api.addHook('onResponse', async (request, reply) => {
      deps.delivery.http.record(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        null,
        reply.elapsedTime / 1000,
      );
    });
    await api.register(healthRoutes, { readiness: deps.readiness });
    await api.register(instrumentationRoutes, { instrumentation: deps.instrumentation });
    await api.register(catalogRoutes, {
      ...common,
      jobs: deps.queue,
      maxAttempts: deps.config.transcode.maxAttempts,
      onContentRemoved: deps.purge,
      endSessions: async (itemId: string) => deps.jit?.endItem(itemId),
    });
    const uploadDeps = {
      ...common,
      config: deps.config,
      packageInstruments: createPackageInstruments(deps.instrumentation.tracer, deps.instrumentation.meter),
      publish: createPublishInstruments(deps.instrumentation.meter),
      scormRuntimeFile: deps.scormRuntimeFile ?? defaultScormRuntimeFile(),
      ...(deps.freeBytes ? { freeBytes: deps.freeBytes } : {}),
    };
    await api.register(uploadRoutes, uploadDeps);
    const orphans = createCounter(deps.instrumentation.meter, METRIC_STORAGE_ORPHANS_REMOVED);
    await api.register(resumableRoutes, {
      ...uploadDeps,
      onRemoved: (n) => orphans.add(n, { [ATTR_ORPHAN_KIND]: ORPHAN_KINDS.resumable }),
    });
    await api.register(publicCatalogRoutes, common);
    await api.register(ltiRoutes, {
      store: deps.store,
      config: deps.config.lti,
      adminToken: deps.adminToken,
      baseUrl,
      contentUrl,
      tool: lti,
    });
    await api.register(lectureProgressRoutes, {
      store: deps.store,
      sessions: lti.sessions,
      threshold: deps.config.lti.completionThreshold,
      limiter: createRateLimiter({ perSecond: 1, burst: 30, maxClients: 100_000 }),
      onScore: () => lti.outbox.kick(),
    });
    await api.register(scormTicketRoutes, { sessions: lti.sessions, tickets: scormTickets(deps.store) });
    await api.register(itemLearnersRoutes, { store: deps.store, adminToken: deps.adminToken });
    const publisher =
      deps.captions ??
      createCaptionPublisher({ store: deps.store, paths: deps.paths, onPublished: deps.purge });
    await api.register(captionRoutes, {
      captions: createCaptionService({
        store: deps.store,
        paths: deps.paths,
        publisher,
        ffmpegPath: deps.config.ffmpegPath,
        maxBytes: deps.config.upload.captionMaxBytes,
        extractTimeoutMs: CAPTION_EXTRACT_TIMEOUT_MS,
      }),
      coverage: (limit) => deps.store.captionCoverage(limit),
      adminToken: deps.adminToken,
      baseUrl,
      maxBytes: deps.config.upload.captionMaxBytes,
    });
    await api.register(jobRoutes, { ...common, events: deps.events });
    if (deps.live) {
      await api.register(liveRoutes, {
        live: deps.live,
        adminToken: deps.adminToken,
        baseUrl,
        access,
        segmentSeconds: deps.config.live.segmentSeconds,
      });
    }
    if (deps.pipeline) {
      await api.register(dashboardRoutes, {
        reader: deps.pipeline.store.reader,
        views: deps.pipeline.views,
        adminToken: deps.adminToken,
      });
    }
    // Test-only (testing.faults): absent unless the edge was built with an injector.
    if (deps.edge?.faults) {
      await api.register(faultRoutes, { faults: deps.edge.faults, adminToken: deps.adminToken });
    }
    if (deps.jit) {
      await api.register(jitRoutes, {
        ...common,
        jit: deps.jit,
        planLimiter: createRateLimiter({
          perSecond: deps.config.jit.planRatePerSecond,
          burst: deps.config.jit.planBurst,
          maxClients: 100_000,
        }),
        planOptions: {
          maxTranscodeHeight: deps.config.jit.maxHeight,
          audioBitrate: deps.config.transcode.audioBitrate,
          segmentSeconds: deps.config.jit.segmentSeconds,
        },
        live: live ? { plan: (id: string) => live.plan(id) } : null,
      });
    }
  });
  await app.register(originRoutes, {
    store: deps.store,
    paths: deps.paths,
    instruments: deps.delivery,
    region: deps.config.delivery.originRegion,
    servePublic: deps.edge === null,
    jit: deps.jit,
    links,
    live: live
      ? { isOpen: (id: string) => live.isOpen(id), segmentSeconds: deps.config.live.segmentSeconds }
      : null,
  });
  if (deps.edge) await app.register(edgeRoutes, { handler: deps.edge.handler });
  await app.register(webRoutes, {
    contentOrigin: () => new URL(contentUrl()).origin,
    frameAncestors: () => lti.origins.list(),
  });
  // The runtime served at /sdk/ is the one copied into packages.
  await app.register(sdkRoutes, { scormRuntimeFile: deps.scormRuntimeFile ?? defaultScormRuntimeFile() });
  if (deps.pipeline)
    await app.register(ingestRoutes, { config: deps.config.ingest, pipeline: deps.pipeline });
  return app;
}

/**
 * Requests that arrive while the app closes (on kept-alive connections) are answered 503 `shutting_down`
 * and told to close the connection, instead of starting work the shutdown would cut short.
 */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback style: on the origin's hot path a boolean check costs no promise.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply.header('connection', 'close');
    done(new AppError('shutting_down'));
  });
}

/** The port the app listens on, once it does. */
export function boundPort(app: FastifyInstance): number | undefined {
  const address = app.server.address();
  return address && typeof address === 'object' ? address.port : undefined;
}

import Fastify, { type FastifyInstance } from 'fastify';
import type { MediaPaths } from './catalog/media-paths.js';
import type { Config } from './config.js';
import type { DeliveryInstruments } from './delivery/delivery-instruments.js';
import { contentDeliveryHeaders } from './delivery/http/package-headers.js';
import { originRoutes } from './delivery/origin/origin.routes.js';
import { frameworkErrors, installErrorHandler } from './error-handler.js';
import type { CatalogStore } from './store/index.js';
import { mediaLinksFor } from './catalog/media-links.js';
import { launchRoutes } from './interactive/launch/launch.routes.js';
import { createRateLimiter } from './auth/rate-limiter.js';
import { scormAttemptsRoutes } from './learners/scorm-attempts.routes.js';
import { scormTickets } from './learners/scorm-tickets.js';

export interface ContentAppDeps {
  config: Config;
  store: CatalogStore;
  paths: MediaPaths;
  instruments: DeliveryInstruments;
  /** The origins the learner's page may have (appOriginsOf, once the app's port is known). */
  appOrigins: () => string[];
  /** The registered LMSs' origins: they frame the learn page, so the launch and the package must let them. */
  platformOrigins?: () => readonly string[];
  /** A module's attempt queued a score for an LMS gradebook (the outbox delivers it). */
  onScore?: () => void;
  launchScriptFile: string;
  runtimeFile: string;
}

/**
 * The content origin's server (ADR 0010): published packages' files (nothing else: no API, no pages, no
 * videos) under a policy without `sandbox`, and their launch frames. A listener of its own, so no route of the
 * app's can ever answer on the origin where packages run their code.
 */
export async function buildContentApp(deps: ContentAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024,
    frameworkErrors,
    trustProxy: deps.config.trustedProxies.length > 0 ? deps.config.trustedProxies : false,
  });
  installErrorHandler(app);
  const links = mediaLinksFor(deps.config.lti);
  await app.register(originRoutes, {
    store: deps.store,
    paths: deps.paths,
    instruments: deps.instruments,
    region: deps.config.delivery.originRegion,
    servePublic: true,
    jit: null,
    links,
    headersFor: contentDeliveryHeaders(deps.config.content.packageSources, () => [
      ...deps.appOrigins(),
      ...(deps.platformOrigins?.() ?? []),
    ]),
  });
  await app.register(launchRoutes, {
    store: deps.store,
    appOrigins: deps.appOrigins,
    ...(deps.platformOrigins ? { framers: deps.platformOrigins } : {}),
    timeoutMs: deps.config.content.loadTimeoutSeconds * 1000,
    launchScriptFile: deps.launchScriptFile,
    runtimeFile: deps.runtimeFile,
    links,
  });
  // A learner's SCORM attempt, kept from the launch frame on this origin with the learn page's ticket.
  await app.register(scormAttemptsRoutes, {
    store: deps.store,
    tickets: scormTickets(deps.store),
    limiter: createRateLimiter({ perSecond: 2, burst: 30, maxClients: 100_000 }),
    ...(deps.onScore ? { onScore: deps.onScore } : {}),
  });
  return app;
}

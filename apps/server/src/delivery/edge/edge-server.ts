import { EdgeHealthResponseSchema, type EdgeHealthResponse } from '@coursecast/api';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../../auth/admin-auth.js';
import { ConfigError, publicBaseUrl, type Config } from '../../config.js';
import { frameworkErrors, installErrorHandler } from '../../error-handler.js';
import { healthRoutes } from '../../health.routes.js';
import type { LogDrops } from '../../instrumentation/log-destination.js';
import { createRuntimeInstruments } from '../../instrumentation/runtime-instruments.js';
import { alwaysReady } from '../../readiness-check.js';
import {
  createInstrumentation,
  type Instrumentation,
  type InstrumentationExtras,
} from '../../instrumentation/instrumentation.js';
import { instrumentationRoutes } from '../../instrumentation/instrumentation.routes.js';
import { parseInput } from '../../validation.js';
import { createDeliveryInstruments } from '../delivery-instruments.js';
import { createEdgeNode, type EdgeNode } from './edge-node.js';
import { edgeRoutes, edgeServerFactory } from './edge.routes.js';
import { createFaultInjector } from '../faults/fault-injector.js';
import { faultRoutes } from '../faults/fault.routes.js';
import { createHttpOriginClient } from './origin-client.js';
import { mediaLinksFor } from '../../catalog/media-links.js';

/** A standalone edge: a CDN node in front of a coursecast origin over HTTP. */
export interface EdgeServer {
  readonly app: FastifyInstance;
  readonly edge: EdgeNode;
  readonly instrumentation: Instrumentation;
  listen(): Promise<string>;
  close(): Promise<void>;
}

const PurgeBody = z.strictObject({ itemId: z.string().min(1).max(64) });

/** Options of createEdgeServer. */
export interface EdgeServerOptions {
  logger?: FastifyServerOptions['logger'];
  instrumentationExtras?: InstrumentationExtras;
  /** The log destination's drop counts (`coursecast.log.dropped`), when `logger` writes through one. */
  logDrops?: () => LogDrops;
}

/**
 * Builds `coursecast edge`: /media/ through the cache, /metrics, /healthz (liveness, with the cache's size),
 * /healthz/ready (an edge writes nothing: ready while it runs) and, when an admin token is configured,
 * `POST /edge/purge` for the origin to call when an item is deleted or re-transcoded.
 */
export async function createEdgeServer(
  config: Config,
  version: string,
  options: EdgeServerOptions = {},
): Promise<EdgeServer> {
  const originUrl = config.delivery.origin;
  if (!originUrl) {
    throw new ConfigError(['delivery.origin: an edge needs its origin (--origin or COURSECAST_EDGE_ORIGIN)']);
  }
  if (config.testing.faults && !config.adminToken) {
    throw new ConfigError(['testing.faults: the fault routes of an edge need an admin token']);
  }
  const serviceName =
    config.instrumentation.serviceName === 'coursecast'
      ? 'coursecast-edge'
      : config.instrumentation.serviceName;
  const instrumentation = createInstrumentation(
    { ...config.instrumentation, serviceName },
    version,
    options.instrumentationExtras,
  );
  const delivery = createDeliveryInstruments(instrumentation.tracer, instrumentation.meter);
  createRuntimeInstruments(instrumentation.meter, { logDrops: options.logDrops ?? null, stores: [] });
  let app: FastifyInstance | null = null;
  const edge = createEdgeNode(
    config.delivery,
    delivery,
    createHttpOriginClient(originUrl),
    (err) => app?.log.error({ err }, 'edge request failed'),
    config.testing.faults ? createFaultInjector() : null,
    mediaLinksFor(config.lti),
  );
  app = Fastify({
    logger: options.logger ?? false,
    return503OnClosing: true,
    bodyLimit: 64 * 1024,
    frameworkErrors,
    serverFactory: edgeServerFactory(edge.handler),
  });
  installErrorHandler(app);
  const liveness = (): EdgeHealthResponse => ({
    status: 'ok',
    origin: originUrl,
    cache: { bytes: edge.cache.bytes(), objects: edge.cache.objects(), capacity: edge.cache.capacity() },
  });
  await app.register(healthRoutes, {
    readiness: alwaysReady(),
    liveness: { schema: EdgeHealthResponseSchema, answer: liveness },
  });
  await app.register(instrumentationRoutes, { instrumentation });
  await app.register(edgeRoutes, { handler: edge.handler });
  if (config.adminToken) {
    app.post('/edge/purge', { onRequest: requireAdmin(config.adminToken) }, async (request) => {
      const { itemId } = parseInput(PurgeBody, request.body, 'body');
      return { itemId, purged: edge.purgeItem(itemId) };
    });
  }
  if (edge.faults && config.adminToken) {
    await app.register(faultRoutes, { faults: edge.faults, adminToken: config.adminToken });
    app.log.warn('test fault injection is on (/api/test/faults): never run this in production');
  }
  return {
    app,
    edge,
    instrumentation,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      return publicBaseUrl(config, address && typeof address === 'object' ? address.port : undefined);
    },
    async close() {
      await app.close();
      edge.close();
      await instrumentation.shutdown();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MEDIA_PREFIX } from '../../catalog/content-url.js';
import type { FastifyPluginAsync } from 'fastify';
import type { EdgeHandler } from './edge-handler.js';
import { EDGE_LINK_ROUTE, EDGE_ROUTE } from './edge-scope.js';
import { MEDIA_LINK_PREFIX } from '../../catalog/media-links.js';

/** The edge as Fastify routes (what `inject` reaches); real sockets usually arrive via edgeServerFactory. */
export const edgeRoutes: FastifyPluginAsync<{ handler: EdgeHandler }> = async (app, { handler }) => {
  for (const url of [EDGE_ROUTE, EDGE_LINK_ROUTE]) {
    app.route({
      method: ['GET', 'HEAD', 'OPTIONS'],
      url,
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        reply.hijack();
        await handler(request.raw, reply.raw);
      },
    });
  }
};

/**
 * A Fastify `serverFactory` that hands `/media/` and signed `/m/` links straight to the edge and everything else
 * to Fastify.
 * Skipping the framework's routing and per-request objects on hits is what keeps the edge near a bare
 * Node server's throughput (bench/edge).
 */
export function edgeServerFactory(edge: EdgeHandler | null, requestTimeoutMs?: number) {
  return (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createServer((req, res) => {
      const url = req.url;
      if (edge && url && (url.startsWith(MEDIA_PREFIX) || url.startsWith(MEDIA_LINK_PREFIX)))
        void edge(req, res);
      else fastifyHandler(req, res);
    });
    // What Fastify sets on servers it creates itself: players keep connections open between segments.
    server.keepAliveTimeout = 72_000;
    // Node's 300 s default would cut a long upload; the routes bound their own bodies below this backstop.
    if (requestTimeoutMs !== undefined) server.requestTimeout = requestTimeoutMs;
    return server;
  };
}

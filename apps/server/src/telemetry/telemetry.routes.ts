import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import type { Telemetry } from './telemetry.js';

export interface TelemetryRoutesDeps {
  telemetry: Telemetry;
}

/** `/metrics` in Prometheus text format (served by the OTel Prometheus exporter on our own port). */
export const telemetryRoutes: FastifyPluginAsync<TelemetryRoutesDeps> = async (app, deps) => {
  app.get('/metrics', async (request, reply) => {
    const handler = deps.telemetry.prometheusHandler;
    if (!handler) throw new AppError('not_found', 'Prometheus metrics are disabled (COURSECAST_PROMETHEUS=false)');
    reply.hijack();
    handler(request.raw, reply.raw);
  });
};

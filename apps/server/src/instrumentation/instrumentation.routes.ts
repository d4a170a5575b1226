import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import type { Instrumentation } from './instrumentation.js';

export interface InstrumentationRoutesDeps {
  instrumentation: Instrumentation;
}

/** `/metrics` in Prometheus text format (served by the OTel Prometheus exporter on our own port). */
export const instrumentationRoutes: FastifyPluginAsync<InstrumentationRoutesDeps> = async (app, deps) => {
  app.get('/metrics', async (_request, reply) => {
    const render = deps.instrumentation.renderPrometheus;
    if (!render)
      throw new AppError('not_found', 'Prometheus metrics are disabled (COURSECAST_PROMETHEUS=false)');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await render());
  });
};

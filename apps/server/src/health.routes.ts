import {
  HealthResponseSchema,
  ReadinessResponseSchema,
  type HealthResponse,
  type ReadinessResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { ReadinessCheck } from './readiness-check.js';
import { jsonSchemaOf, replySchema } from './reply-schema.js';

/** What the health routes answer from. */
export interface HealthRoutesDeps {
  readiness: ReadinessCheck;
  /** The liveness answer and its schema (an edge adds its cache's size); default `{ status: 'ok' }`. */
  liveness?: { schema: z.ZodType; answer(): HealthResponse };
}

const PLAIN_LIVENESS = { schema: HealthResponseSchema, answer: (): HealthResponse => ({ status: 'ok' }) };

/**
 * `GET /healthz`, liveness: the process is up and its event loop answers (restart it when this fails).
 * `GET /healthz/ready`, readiness: the stores can write; 503 with the same body naming what is not ready
 * (send it no work meanwhile; it recovers by itself). Both answer 503 `shutting_down` while the app closes.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesDeps> = async (app, deps) => {
  const liveness = deps.liveness ?? PLAIN_LIVENESS;
  app.get('/healthz', { schema: replySchema(liveness.schema) }, async () => liveness.answer());
  // One schema for both answers: a probe reads the status, a person the body.
  const ready = jsonSchemaOf(ReadinessResponseSchema);
  const schema = { response: { 200: ready, 503: structuredClone(ready) } };
  app.get('/healthz/ready', { schema }, async (_request, reply): Promise<ReadinessResponse> => {
    const answer = await deps.readiness.check();
    if (answer.status !== 'ready') void reply.status(503);
    return answer;
  });
};

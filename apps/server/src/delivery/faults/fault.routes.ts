import type { FastifyPluginAsync } from 'fastify';
import { requireAdmin } from '../../auth/admin-auth.js';
import { parseInput } from '../../validation.js';
import { FaultRulesBody, type FaultInjector } from './fault-injector.js';

export interface FaultRoutesDeps {
  faults: FaultInjector;
  adminToken: string;
}

/**
 * Test-only, admin-only: `PUT /api/test/faults` replaces the edge's fault rules, `GET` lists them with how
 * often each fired, `DELETE` clears them. Registered only when `testing.faults` is on.
 */
export const faultRoutes: FastifyPluginAsync<FaultRoutesDeps> = async (app, { faults, adminToken }) => {
  const admin = { onRequest: requireAdmin(adminToken) };
  app.put('/api/test/faults', admin, async (request) => {
    const { rules } = parseInput(FaultRulesBody, request.body ?? {}, 'body');
    faults.replace(rules);
    return { rules: faults.list() };
  });
  app.get('/api/test/faults', admin, async () => ({ rules: faults.list() }));
  app.delete('/api/test/faults', admin, async (_request, reply) => {
    faults.clear();
    return reply.status(204).send();
  });
};

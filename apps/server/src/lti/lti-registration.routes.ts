import { LtiDynamicRegistrationSchema, LtiPlatformSchema } from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { replySchema } from '../reply-schema.js';
import { newId, type LtiPlatform, type LtiStore } from '../store/index.js';
import { parseInput } from '../validation.js';
import { fetchPlatformConfiguration, registerWithPlatform } from './dynamic-registration.js';
import { toolUrls } from './lti-platforms.routes.js';

export interface LtiRegistrationRoutesDeps {
  store: Pick<LtiStore, 'createLtiPlatform'>;
  adminToken: string;
  baseUrl: () => string;
  /** The tool's name at the platform. */
  toolName: string;
  timeoutMs: number;
  onChange: (changed: LtiPlatform) => Promise<void>;
}

/**
 * `POST /api/lti/dynamic-registration` (admin): LTI Dynamic Registration, run by the registration page
 * (/lti/register) the platform opened, once the coursecast administrator confirmed it with the admin token: the
 * platform's OpenID configuration is read, the tool registers at its registration endpoint, and the answer
 * (client id, deployment) becomes a platform registration. Nothing is stored unless the platform accepted.
 */
export const ltiRegistrationRoutes: FastifyPluginAsync<LtiRegistrationRoutesDeps> = async (app, deps) => {
  app.post(
    '/api/lti/dynamic-registration',
    {
      onRequest: requireAdmin(deps.adminToken),
      schema: replySchema(z.object({ platform: LtiPlatformSchema }), 201),
    },
    async (request, reply) => {
      const body = parseInput(LtiDynamicRegistrationSchema, request.body ?? {}, 'registration');
      const config = await fetchPlatformConfiguration(
        body.openidConfiguration,
        body.registrationToken,
        deps.timeoutMs,
      );
      const base = deps.baseUrl();
      const registered = await registerWithPlatform({
        config,
        registrationToken: body.registrationToken,
        urls: toolUrls(base),
        base,
        name: deps.toolName,
        timeoutMs: deps.timeoutMs,
        id: newId('plt'),
      });
      const platform = await deps.store.createLtiPlatform(registered);
      await deps.onChange(platform);
      return reply.status(201).send({ platform: LtiPlatformSchema.parse(platform) });
    },
  );
};

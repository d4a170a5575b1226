import {
  LtiPlatformCreateSchema,
  LtiPlatformListSchema,
  LtiPlatformPatchSchema,
  LtiPlatformSchema,
  type LtiPlatformInfo,
  type LtiPlatformList,
  type LtiToolUrls,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import { newId, type LtiPlatform, type LtiStore } from '../store/index.js';
import { parseInput } from '../validation.js';
import { TOOL_JWKS_PATH } from './lti-keys.routes.js';

/** The tool's LTI endpoints (what a platform's administrator enters), under the public base URL. */
export const LTI_PATHS = {
  login: '/lti/login',
  launch: '/lti/launch',
  deepLinking: '/lti/deep-link',
  register: '/lti/register',
  bridge: '/lti/bridge',
} as const;

/** The tool's URLs on a server reached at `base`. */
export function toolUrls(base: string): LtiToolUrls {
  return {
    loginUrl: `${base}${LTI_PATHS.login}`,
    launchUrl: `${base}${LTI_PATHS.launch}`,
    jwksUrl: `${base}${TOOL_JWKS_PATH}`,
    deepLinkingUrl: `${base}${LTI_PATHS.deepLinking}`,
    dynamicRegistrationUrl: `${base}${LTI_PATHS.register}`,
  };
}

export interface LtiPlatformsRoutesDeps {
  store: Pick<
    LtiStore,
    'createLtiPlatform' | 'listLtiPlatforms' | 'getLtiPlatform' | 'updateLtiPlatform' | 'deleteLtiPlatform'
  >;
  adminToken: string;
  baseUrl: () => string;
  /** Told after every change (the frame-ancestors list and the key cache follow the registrations). */
  onChange: (changed: LtiPlatform) => Promise<void>;
}

const IdParams = z.object({ id: z.string().regex(/^plt_[a-z2-7]{16}$/, 'a platform id (plt_…)') });

const info = (p: LtiPlatform): LtiPlatformInfo => LtiPlatformSchema.parse(p);

/**
 * The admin's LTI platform registrations: `POST /api/lti/platforms` (201), `GET /api/lti/platforms` (with the
 * tool's own URLs to enter at the platform), `PATCH` and `DELETE /api/lti/platforms/:id`.
 */
export const ltiPlatformsRoutes: FastifyPluginAsync<LtiPlatformsRoutesDeps> = async (app, deps) => {
  const admin = { onRequest: requireAdmin(deps.adminToken) };
  const notFound = (id: string) => new AppError('not_found', `No LTI platform with id ${id}`);

  app.post(
    '/api/lti/platforms',
    { ...admin, schema: replySchema(z.object({ platform: LtiPlatformSchema }), 201) },
    async (request, reply) => {
      const body = parseInput(LtiPlatformCreateSchema, request.body ?? {}, 'platform');
      const platform = await deps.store.createLtiPlatform({ id: newId('plt'), ...body });
      await deps.onChange(platform);
      return reply.status(201).send({ platform: info(platform) });
    },
  );

  app.get(
    '/api/lti/platforms',
    { ...admin, schema: replySchema(LtiPlatformListSchema) },
    async (): Promise<LtiPlatformList> => ({
      platforms: (await deps.store.listLtiPlatforms()).map(info),
      tool: toolUrls(deps.baseUrl()),
    }),
  );

  app.patch(
    '/api/lti/platforms/:id',
    { ...admin, schema: replySchema(z.object({ platform: LtiPlatformSchema })) },
    async (request) => {
      const { id } = parseInput(IdParams, request.params, 'path');
      const patch = parseInput(LtiPlatformPatchSchema, request.body ?? {}, 'platform');
      const platform = await deps.store.updateLtiPlatform(id, patch);
      if (!platform) throw notFound(id);
      await deps.onChange(platform);
      return { platform: info(platform) };
    },
  );

  app.delete('/api/lti/platforms/:id', admin, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const platform = await deps.store.getLtiPlatform(id);
    if (!platform || !(await deps.store.deleteLtiPlatform(id))) throw notFound(id);
    await deps.onChange(platform);
    return reply.status(204).send();
  });
};

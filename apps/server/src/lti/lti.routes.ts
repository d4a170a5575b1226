import type { FastifyPluginAsync } from 'fastify';
import { createRateLimiter } from '../auth/rate-limiter.js';
import type { Config } from '../config.js';
import type { CatalogStore, LtiPlatform } from '../store/index.js';
import { ltiContentRoutes } from './lti-content.routes.js';
import { ltiKeysRoutes } from './lti-keys.routes.js';
import { ltiLaunchRoutes } from './lti-launch.routes.js';
import { ltiPlatformsRoutes } from './lti-platforms.routes.js';
import { ltiRegistrationRoutes } from './lti-registration.routes.js';
import { ltiScoresRoutes } from './lti-scores.routes.js';
import type { LtiTool } from './lti-tool.js';

export interface LtiRoutesDeps {
  store: CatalogStore;
  config: Config['lti'];
  adminToken: string;
  baseUrl: () => string;
  contentUrl: () => string;
  tool: LtiTool;
}

/** Every route of the LTI tool: keys, platforms and their registration, login and launch, deep linking, scores. */
export const ltiRoutes: FastifyPluginAsync<LtiRoutesDeps> = async (app, deps) => {
  const { store, adminToken, baseUrl, tool } = deps;
  // A changed registration: its keys are fetched afresh and the framing policy follows.
  const onChange = async (platform: LtiPlatform): Promise<void> => {
    tool.platformKeys.forget(platform.jwksUrl);
    await tool.origins.refresh();
  };
  await app.register(ltiKeysRoutes, { adminToken, keyring: tool.keyring });
  await app.register(ltiPlatformsRoutes, { store, adminToken, baseUrl, onChange });
  await app.register(ltiRegistrationRoutes, {
    store,
    adminToken,
    baseUrl,
    toolName: 'coursecast',
    timeoutMs: deps.config.platformTimeoutMs,
    onChange,
  });
  await app.register(ltiLaunchRoutes, {
    store,
    verify: tool.verify,
    sessions: tool.sessions,
    config: deps.config,
    baseUrl,
    loginLimiter: tool.loginLimiter,
  });
  await app.register(ltiContentRoutes, {
    store,
    sessions: tool.sessions,
    keyring: tool.keyring,
    baseUrl,
    contentUrl: deps.contentUrl,
    limiter: createRateLimiter({ perSecond: 1, burst: 20, maxClients: 100_000 }),
  });
  await app.register(ltiScoresRoutes, { store, adminToken });
};

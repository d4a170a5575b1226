import {
  ToolJwksSchema,
  ToolKeyRotationResponseSchema,
  type ToolJwks,
  type ToolKeyRotationResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { requireAdmin } from '../auth/admin-auth.js';
import { replySchema } from '../reply-schema.js';
import type { ToolKeyring } from './tool-keyring.js';

export interface LtiKeysRoutesDeps {
  keyring: ToolKeyring;
  adminToken: string;
  /** How long one JWKS answer is reused (ms): a flood of key fetches costs one store read per period. */
  reuseMs?: number;
}

/** Where platforms fetch the tool's public keys (registered with each platform as its JWKS URL). */
export const TOOL_JWKS_PATH = '/lti/jwks';

/**
 * `GET /lti/jwks` (public): the tool's public keys, the one in use and those retired within their grace period.
 * `POST /api/lti/keys/rotate` (admin): a new key takes over at once; the old one stays published meanwhile.
 */
export const ltiKeysRoutes: FastifyPluginAsync<LtiKeysRoutesDeps> = async (app, deps) => {
  const reuseMs = deps.reuseMs ?? 60_000;
  let cached: { at: number; jwks: Promise<ToolJwks> } | null = null;
  // The keyring's JWKs, checked against the contract (a private member never reaches the answer).
  const jwks = async (): Promise<ToolJwks> => ToolJwksSchema.parse(await deps.keyring.jwks());

  app.get(TOOL_JWKS_PATH, { schema: replySchema(ToolJwksSchema) }, async (_request, reply) => {
    const now = Date.now();
    if (!cached || now - cached.at >= reuseMs) {
      const answer = jwks();
      cached = { at: now, jwks: answer };
      answer.catch(() => {
        if (cached?.jwks === answer) cached = null;
      });
    }
    // The first fetch of a new server makes its first key: a JWKS is never empty once asked for.
    const { keys } = await cached.jwks;
    if (keys.length === 0) {
      await deps.keyring.signingKey();
      cached = null;
      return reply.header('cache-control', 'no-store').send(await jwks());
    }
    return reply.header('cache-control', 'public, max-age=300').type('application/json').send({ keys });
  });

  const rotate = {
    onRequest: requireAdmin(deps.adminToken),
    schema: replySchema(ToolKeyRotationResponseSchema, 201),
  };
  app.post('/api/lti/keys/rotate', rotate, async (_request, reply) => {
    const kid = await deps.keyring.rotate();
    cached = null;
    return reply.status(201).send({ kid, jwks: TOOL_JWKS_PATH } satisfies ToolKeyRotationResponse);
  });
};

import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { z } from 'zod';
import type { LtiStore } from '../store/index.js';

// Tokens the tool hands out and takes back itself (the launch state, learner sessions): HS256 over a secret of
// the catalog store, so every process of the store accepts what another signed. Each purpose has its own secret
// and audience: a learner session can never pass as a launch state.

/** Signs and checks one kind of token, whose claims `schema` describes. */
export interface SignedTokenKind<T> {
  /** A compact JWS of `claims`, valid for `ttlSeconds`. */
  sign(claims: T, ttlSeconds: number): Promise<string>;
  /** The claims of a token this kind signed and that has not expired; throws otherwise (see `why`). */
  verify(token: string): Promise<T & { exp: number }>;
}

const ISSUER = 'coursecast';
/** Anything longer is not one of ours; checked before any crypto runs. */
const MAX_TOKEN_CHARS = 8192;

/** Why a token was refused, in words a page can show. */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

/** A token kind called `purpose`, with its own secret in `store`. */
export function signedTokenKind<S extends z.ZodType<object>>(
  store: Pick<LtiStore, 'serverSecret'>,
  purpose: string,
  schema: S,
  now: () => number = () => Date.now(),
): SignedTokenKind<z.infer<S>> {
  let secret: Promise<Uint8Array> | null = null;
  const key = (): Promise<Uint8Array> => {
    secret ??= store
      .serverSecret(purpose, () => randomBytes(32).toString('base64url'))
      .then((s) => new Uint8Array(Buffer.from(s, 'base64url')));
    secret.catch(() => (secret = null));
    return secret;
  };
  return {
    async sign(claims, ttlSeconds) {
      const at = Math.floor(now() / 1000);
      return new SignJWT({ ...(claims as Record<string, unknown>) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(purpose)
        .setIssuedAt(at)
        .setExpirationTime(at + ttlSeconds)
        .sign(await key());
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_CHARS) throw new TokenRefused('it is too long');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await key(), {
          issuer: ISSUER,
          audience: purpose,
          algorithms: ['HS256'],
          currentDate: new Date(now()),
        }));
      } catch (err) {
        const expired = err instanceof Error && 'code' in err && err.code === 'ERR_JWT_EXPIRED';
        throw new TokenRefused(expired ? 'it has expired' : 'it was not signed by this server');
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw new TokenRefused('its claims are not what this server signs');
      return { ...parsed.data, exp: Number(payload['exp']) };
    },
  };
}

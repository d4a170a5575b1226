import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../errors.js';
import type { LtiPlatform, LtiStore } from '../store/index.js';
import { CLAIMS, LaunchClaimsSchema, type LaunchClaims } from './lti-claims.js';
import type { PlatformKeys } from './platform-keys.js';

/** A launch whose id_token checked out: who sent it, what it says, and its nonce and expiry. */
export interface VerifiedLaunch {
  platform: LtiPlatform;
  claims: LaunchClaims;
  nonce: string;
  /** The id_token's expiry, seconds since the epoch. */
  exp: number;
}

export interface LaunchVerifierDeps {
  store: Pick<LtiStore, 'findLtiPlatforms'>;
  keys: PlatformKeys;
  clockSkewSeconds: number;
  now?: () => number;
}

/** Longer is not an id_token a platform sends; refused before any parsing. */
const MAX_ID_TOKEN_CHARS = 64 * 1024;

const refused = (why: string) => new AppError('lti_token_invalid', `The launch id_token ${why}`);

/** What a failed jwtVerify means, in words. */
function verifyFailure(err: unknown): Error {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTExpired) return refused('has expired');
  if (err instanceof errors.JWSSignatureVerificationFailed) return refused('signature does not verify');
  if (err instanceof errors.JWKSNoMatchingKey)
    return refused("is signed with a key the platform's JWKS lacks");
  if (err instanceof errors.JWTClaimValidationFailed)
    return refused(`claim ${err.claim} is not valid (${err.reason})`);
  if (err instanceof errors.JOSEAlgNotAllowed) return refused('is not signed with RS256');
  return refused('could not be verified');
}

/** The platform registration whose client id the token is addressed to. */
async function addressee(
  store: LaunchVerifierDeps['store'],
  unverified: JWTPayload,
): Promise<{ platform: LtiPlatform; clientId: string }> {
  const iss = unverified.iss;
  if (typeof iss !== 'string' || iss === '') throw refused('has no issuer');
  const platforms = await store.findLtiPlatforms(iss);
  if (platforms.length === 0)
    throw new AppError('lti_platform_not_found', `No LTI platform is registered with the issuer ${iss}`);
  const aud = typeof unverified.aud === 'string' ? [unverified.aud] : (unverified.aud ?? []);
  const platform = platforms.find((p) => aud.includes(p.clientId));
  if (!platform) throw refused(`is not addressed to a client id registered for ${iss}`);
  // Several audiences: the authorized party names which of them the token is for (OIDC Core 3.1.3.7).
  if (aud.length > 1 && unverified['azp'] !== platform.clientId) throw refused('azp is not this tool');
  return { platform, clientId: platform.clientId };
}

/**
 * Checks a launch's id_token as LTI 1.3 says: RS256 by the registered platform's key (its JWKS, refreshed on an
 * unknown key), issuer, audience (and azp), expiry and issued-at within the clock skew, a nonce, the LTI claims,
 * and a deployment registered for the platform. The nonce's single use is the caller's (it compares it with
 * the launch state first).
 */
export function createLaunchVerifier(deps: LaunchVerifierDeps): (idToken: string) => Promise<VerifiedLaunch> {
  const now = deps.now ?? (() => Date.now());
  return async (idToken) => {
    if (idToken.length > MAX_ID_TOKEN_CHARS) throw refused('is too long');
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(idToken);
    } catch {
      throw refused('is not a JWT');
    }
    const { platform, clientId } = await addressee(deps.store, unverified);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, deps.keys.resolver(platform.jwksUrl), {
        issuer: platform.issuer,
        audience: clientId,
        algorithms: ['RS256'],
        clockTolerance: deps.clockSkewSeconds,
        currentDate: new Date(now()),
        requiredClaims: ['exp', 'iat', 'nonce'],
      }));
    } catch (err) {
      throw verifyFailure(err);
    }
    if (typeof payload.iat === 'number' && payload.iat > now() / 1000 + deps.clockSkewSeconds)
      throw refused('was issued in the future');
    const parsed = LaunchClaimsSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw refused(`claim ${issue.path.map(String).join('.') || '(root)'} is not valid: ${issue.message}`);
    }
    const claims = parsed.data;
    const deployment = claims[CLAIMS.deploymentId];
    // No deployment ids: registered dynamically by a platform that names deployments only in launches (Canvas).
    if (platform.deploymentIds.length > 0 && !platform.deploymentIds.includes(deployment)) {
      throw new AppError(
        'lti_deployment_unknown',
        `The deployment ${deployment} is not registered for the platform ${platform.issuer}`,
      );
    }
    return { platform, claims, nonce: String(payload['nonce']), exp: Number(payload.exp) };
  };
}

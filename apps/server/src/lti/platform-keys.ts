import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';

// A platform's keys are fetched when first needed and kept: a launch is verified from memory, a platform whose
// JWKS is down keeps being verified with the keys it published last, and a token signed with a key we have not
// seen (the platform rotated) makes one refetch, at most once per cool-down, so forged `kid`s cannot turn every
// launch into a request to the platform.

/** Where keys come from; tests and the server pass `fetch`. */
export type KeysFetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface PlatformKeysOptions {
  fetch?: KeysFetch;
  /** Longest one JWKS fetch may take. */
  timeoutMs: number;
  /** Keys older than this are refetched before use (a failed refetch keeps them). */
  maxAgeMs?: number;
  /** Least time between two refetches of one JWKS for an unknown key. */
  cooldownMs?: number;
  now?: () => number;
}

/** The keys of the registered platforms, by JWKS URL. */
export interface PlatformKeys {
  /** A key resolver for jose's jwtVerify: the platform's key for the token's header. */
  resolver(jwksUrl: string): JWTVerifyGetKey;
  /** Forgets a JWKS (its platform was removed or changed its URL). */
  forget(jwksUrl: string): void;
}

/** A JWKS over this size is not a key set. */
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_KEYS = 100;

interface Entry {
  set: JSONWebKeySet;
  verify: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/** A cache of platform key sets with bounded refetching. */
export function createPlatformKeys(options: PlatformKeysOptions): PlatformKeys {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const now = options.now ?? (() => Date.now());
  const maxAgeMs = options.maxAgeMs ?? 3600_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const entries = new Map<string, Entry>();
  const lastTry = new Map<string, number>();
  const inFlight = new Map<string, Promise<Entry>>();

  async function load(url: string): Promise<Entry> {
    let response: Response;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (err) {
      const why = err instanceof Error && err.name === 'TimeoutError' ? 'in time' : `(${String(err)})`;
      throw new AppError(
        'lti_platform_unreachable',
        `The platform's keys at ${url} could not be fetched ${why}`,
      );
    }
    const text = response.ok ? await response.text() : '';
    if (!response.ok || text.length > MAX_JWKS_BYTES) {
      throw new AppError(
        'lti_platform_unreachable',
        `The platform's keys at ${url} answered ${response.status}${response.ok ? ' (too large)' : ''}`,
      );
    }
    let set: JSONWebKeySet;
    try {
      set = JSON.parse(text) as JSONWebKeySet;
      if (!Array.isArray(set.keys) || set.keys.length > MAX_KEYS) throw new Error('no keys array');
    } catch {
      throw new AppError('lti_platform_unreachable', `The platform's keys at ${url} are not a JWKS`);
    }
    return { set, verify: createLocalJWKSet(set), fetchedAt: now() };
  }

  /** Fetches `url` once however many launches ask at the same moment. */
  function refresh(url: string): Promise<Entry> {
    let pending = inFlight.get(url);
    if (!pending) {
      lastTry.set(url, now());
      pending = load(url)
        .then((entry) => {
          entries.set(url, entry);
          return entry;
        })
        .finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return pending;
  }

  async function current(url: string): Promise<Entry> {
    const cached = entries.get(url);
    if (!cached) return refresh(url);
    if (now() - cached.fetchedAt > maxAgeMs && now() - (lastTry.get(url) ?? 0) > cooldownMs) {
      // Stale: refetch, but a platform that is down keeps being verified with what it published last.
      return refresh(url).catch(() => cached);
    }
    return cached;
  }

  return {
    resolver(jwksUrl) {
      return async (header, token) => {
        const entry = await current(jwksUrl);
        try {
          return await entry.verify(header, token);
        } catch (err) {
          const unknownKey = err instanceof errors.JWKSNoMatchingKey;
          if (!unknownKey || now() - (lastTry.get(jwksUrl) ?? 0) < cooldownMs) throw err;
          // A key we have not seen: the platform may have rotated. One refetch; a failure keeps the old keys.
          const fresh = await refresh(jwksUrl).catch(() => entry);
          return fresh.verify(header, token);
        }
      };
    },
    forget(jwksUrl) {
      entries.delete(jwksUrl);
      lastTry.delete(jwksUrl);
    },
  };
}

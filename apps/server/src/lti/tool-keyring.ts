import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { CatalogStore } from '../store/index.js';

/** The algorithm LTI 1.3 requires for every message signed by the tool. */
export const TOOL_ALG = 'RS256';

/** The tool's key set: the key it signs with, and what its JWKS publishes. */
export interface ToolKeyring {
  /** The key in use (made on first use), with its `kid`, for signing. */
  signingKey(): Promise<{ kid: string; key: CryptoKey }>;
  /** The public keys platforms verify with: the one in use, and retired ones still within their grace period. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Makes a new key the one in use; the old one stays published for the grace period. Its `kid`. */
  rotate(): Promise<string>;
}

export interface ToolKeyringOptions {
  store: Pick<CatalogStore, 'listToolKeys' | 'rotateToolKey' | 'dropRetiredToolKeys'>;
  /** How long a retired key stays in the JWKS (what it signed may still be checked), ms. */
  retiredGraceMs: number;
  now?: () => number;
}

/** A new RS256 key pair as JWKs, with a fresh `kid`. */
async function newKey(): Promise<{ kid: string; privateJwk: string; publicJwk: string }> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(TOOL_ALG, {
    modulusLength: 2048,
    extractable: true,
  });
  const meta = { kid, alg: TOOL_ALG, use: 'sig' };
  return {
    kid,
    privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), ...meta }),
    publicJwk: JSON.stringify({ ...(await exportJWK(publicKey)), ...meta }),
  };
}

/**
 * The LTI tool's signing keys, kept in the catalog store so every server process signs with the same key and a
 * restart keeps it. Rotation publishes the new key at once and keeps the old one published for `retiredGraceMs`.
 */
export function createToolKeyring(options: ToolKeyringOptions): ToolKeyring {
  const { store } = options;
  const now = options.now ?? (() => Date.now());
  // One key creation at a time in this process: two first uses must not make two keys.
  let creating: Promise<string> | null = null;

  async function rotate(): Promise<string> {
    const key = await newKey();
    await store.rotateToolKey(key);
    await store.dropRetiredToolKeys(new Date(now() - options.retiredGraceMs).toISOString());
    return key.kid;
  }

  return {
    async signingKey() {
      let current = (await store.listToolKeys()).find((k) => k.retiredAt === null);
      if (!current) {
        creating ??= rotate().finally(() => (creating = null));
        await creating;
        current = (await store.listToolKeys()).find((k) => k.retiredAt === null);
      }
      if (!current) throw new Error('the LTI tool key could not be created');
      const jwk = JSON.parse(current.privateJwk) as JWK;
      return { kid: current.kid, key: (await importJWK(jwk, TOOL_ALG)) as CryptoKey };
    },
    async jwks() {
      const cutoff = now() - options.retiredGraceMs;
      const keys = (await store.listToolKeys())
        .filter((k) => k.retiredAt === null || Date.parse(k.retiredAt) >= cutoff)
        .map((k) => JSON.parse(k.publicJwk) as JWK);
      return { keys };
    },
    rotate,
  };
}

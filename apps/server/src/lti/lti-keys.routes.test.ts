import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { createToolKeyring, TOOL_ALG } from './tool-keyring.js';

// The tool's signing keys as a platform sees them: the JWKS it fetches, a message the tool signed verifying
// against it, a rotation publishing the new key while the old one still verifies, and nothing private published.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
});
afterAll(() => t?.close());

type Jwks = { keys: Record<string, unknown>[] };
const fetchJwks = async (): Promise<Jwks> => {
  const res = await t.cc.app.inject({ url: '/lti/jwks' });
  expect(res.statusCode).toBe(200);
  return res.json<Jwks>();
};

describe('the LTI tool keys', () => {
  it('publish one RS256 public key, and nothing private', async () => {
    const jwks = await fetchJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
      expect(jwks.keys[0]).not.toHaveProperty(privateMember);
    // The same key on the next fetch and after a restart of the keyring: it lives in the catalog store.
    const again = createToolKeyring({ store: t.cc.store, retiredGraceMs: 1000 });
    expect((await again.signingKey()).kid).toBe(jwks.keys[0]?.kid);
  });

  it('sign what a platform verifies with the JWKS; a rotation keeps the old key verifying meanwhile', async () => {
    const keyring = createToolKeyring({ store: t.cc.store, retiredGraceMs: 60_000 });
    const sign = async (): Promise<string> => {
      const { kid, key } = await keyring.signingKey();
      return new SignJWT({
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
      })
        .setProtectedHeader({ alg: TOOL_ALG, kid })
        .setIssuer('coursecast')
        .setAudience('platform')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    };
    const before = await sign();
    const rotated = await t.cc.app.inject({ method: 'POST', url: '/api/lti/keys/rotate', headers: t.auth });
    expect(rotated.statusCode).toBe(201);
    const { kid } = rotated.json<{ kid: string }>();
    const after = await sign();
    const jwks = await fetchJwks();
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    expect(jwks.keys).toHaveLength(2);
    const verify = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    for (const token of [before, after]) {
      await expect(
        jwtVerify(token, verify, { issuer: 'coursecast', audience: 'platform' }),
      ).resolves.toBeTruthy();
    }
    // A token signed with a key the JWKS does not hold does not verify.
    const other = await generateKeyPair(TOOL_ALG);
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: TOOL_ALG, kid })
      .setIssuer('coursecast')
      .setAudience('platform')
      .setExpirationTime('5m')
      .sign(other.privateKey);
    await expect(jwtVerify(forged, verify, { issuer: 'coursecast', audience: 'platform' })).rejects.toThrow();
  });

  it('drop a retired key from the JWKS once its grace period is over', async () => {
    let clock = Date.now();
    const keyring = createToolKeyring({ store: t.cc.store, retiredGraceMs: 10_000, now: () => clock });
    const first = (await keyring.signingKey()).kid;
    clock += 1000;
    const second = await keyring.rotate();
    expect((await keyring.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([first, second]));
    clock += 60_000;
    expect((await keyring.jwks()).keys.map((k) => k.kid)).toEqual([second]);
  });

  it('rotate only for an admin', async () => {
    const res = await t.cc.app.inject({ method: 'POST', url: '/api/lti/keys/rotate' });
    expect(res.statusCode).toBe(401);
  });
});

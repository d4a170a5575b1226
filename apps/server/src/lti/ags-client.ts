import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { LtiPlatform, OutboxScore } from '../store/index.js';
import { SCORE_SCOPE } from './score-target.js';
import { TOOL_ALG, type ToolKeyring } from './tool-keyring.js';

// Assignment and Grade Services 2.0, the tool's side: an OAuth 2 access token by client credentials with a JWT
// client assertion signed by the tool's key (RFC 7523), the resource link's line item (given by the launch, or
// found by resource_link_id in the container, or made there), and the Score posted to it.

const LINEITEM_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem';
const MEDIA = {
  score: 'application/vnd.ims.lis.v1.score+json',
  lineitem: 'application/vnd.ims.lis.v2.lineitem+json',
  container: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
} as const;
/** Larger is not an AGS answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** A failed AGS call: its HTTP status (0: no answer) and what the platform said. */
export class AgsError extends Error {
  override readonly name = 'AgsError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AgsClientOptions {
  keyring: ToolKeyring;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Delivers scores to platforms. */
export interface AgsClient {
  /** Posts `score` to its line item at `platform`; throws AgsError on any failure. */
  postScore(platform: LtiPlatform, score: OutboxScore): Promise<void>;
}

/** `/scores` (or `/results`) into a line item URL's path, before its query (Moodle's carry `?type_id=`). */
export function lineitemSubpath(lineitem: string, sub: 'scores' | 'results'): string {
  const url = new URL(lineitem);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/${sub}`;
  return url.toString();
}

/** An AGS client with a per-platform token cache. */
export function createAgsClient(o: AgsClientOptions): AgsClient {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const now = o.now ?? (() => Date.now());
  const tokens = new Map<string, { token: string; until: number }>();

  async function call(
    url: string,
    init: RequestInit,
    what: string,
  ): Promise<{ status: number; text: string }> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs), redirect: 'error' });
    } catch (err) {
      const why =
        err instanceof Error && err.name === 'TimeoutError' ? 'did not answer in time' : 'was unreachable';
      throw new AgsError(0, `the platform's ${what} ${why}`);
    }
    const text = await res.text();
    if (text.length > MAX_ANSWER_BYTES)
      throw new AgsError(res.status, `the platform's ${what} answer is too large`);
    if (!res.ok)
      throw new AgsError(res.status, `the platform's ${what} answered ${res.status}: ${text.slice(0, 200)}`);
    return { status: res.status, text };
  }

  async function accessToken(platform: LtiPlatform, scopes: string[]): Promise<string> {
    const key = `${platform.id} ${scopes.join(' ')}`;
    const cached = tokens.get(key);
    if (cached && cached.until > now()) return cached.token;
    const { kid, key: signingKey } = await o.keyring.signingKey();
    const at = Math.floor(now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: TOOL_ALG, kid, typ: 'JWT' })
      .setIssuer(platform.clientId)
      .setSubject(platform.clientId)
      .setAudience(platform.tokenAudience ?? platform.tokenUrl)
      .setIssuedAt(at)
      .setExpirationTime(at + 300)
      .setJti(randomUUID())
      .sign(signingKey);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: scopes.join(' '),
    });
    const { text } = await call(
      platform.tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      'token endpoint',
    );
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AgsError(502, "the platform's token endpoint did not answer JSON");
    }
    if (typeof parsed.access_token !== 'string') throw new AgsError(502, 'the platform gave no access token');
    const life = typeof parsed.expires_in === 'number' ? parsed.expires_in : 3600;
    // Renewed a minute early: a token must not expire between its check and its use.
    tokens.set(key, { token: parsed.access_token, until: now() + Math.max(0, life - 60) * 1000 });
    return parsed.access_token;
  }

  /** The line item of the score's resource link: the launch's, else found in the container, else made there. */
  async function lineitemOf(score: OutboxScore, token: string): Promise<string> {
    if (score.lineitemUrl) return score.lineitemUrl;
    const container = score.lineitemsUrl!;
    const auth = { authorization: `Bearer ${token}` };
    const search = new URL(container);
    if (score.resourceLinkId) search.searchParams.set('resource_link_id', score.resourceLinkId);
    const found = await call(
      search.toString(),
      { headers: { ...auth, accept: MEDIA.container } },
      'line items',
    );
    const items = JSON.parse(found.text) as { id?: unknown; resourceLinkId?: unknown }[];
    const mine = Array.isArray(items)
      ? items.find(
          (i) =>
            typeof i.id === 'string' && (!score.resourceLinkId || i.resourceLinkId === score.resourceLinkId),
        )
      : undefined;
    if (mine && typeof mine.id === 'string') return mine.id;
    const made = await call(
      container,
      {
        method: 'POST',
        headers: { ...auth, 'content-type': MEDIA.lineitem, accept: MEDIA.lineitem },
        body: JSON.stringify({
          scoreMaximum: score.score.scoreMaximum,
          label: score.label,
          resourceId: score.itemId,
          ...(score.resourceLinkId ? { resourceLinkId: score.resourceLinkId } : {}),
        }),
      },
      'line item creation',
    );
    const id = (JSON.parse(made.text) as { id?: unknown }).id;
    if (typeof id !== 'string') throw new AgsError(502, 'the platform made a line item without an id');
    return id;
  }

  return {
    async postScore(platform, score) {
      const scopes = score.lineitemUrl ? [SCORE_SCOPE] : [SCORE_SCOPE, LINEITEM_SCOPE];
      const token = await accessToken(platform, scopes);
      try {
        const lineitem = await lineitemOf(score, token);
        await call(
          lineitemSubpath(lineitem, 'scores'),
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': MEDIA.score },
            body: JSON.stringify({ userId: score.userId, ...score.score }),
          },
          'score endpoint',
        );
      } catch (err) {
        // A refused token (revoked, or the platform restarted) is not reused.
        if (err instanceof AgsError && err.status === 401)
          tokens.delete(`${platform.id} ${scopes.join(' ')}`);
        throw err;
      }
    },
  };
}

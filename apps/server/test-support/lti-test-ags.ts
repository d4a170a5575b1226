// The test platform's OAuth 2 token endpoint and Assignment and Grade Services: it checks the tool's client
// assertion against the tool's JWKS, hands out tokens, keeps line items and records every score it accepts. Tests
// make it fail (an answer status a number of times, or no answer at all) to see the tool's outbox retry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** A score the platform accepted. */
export interface RecordedScore {
  lineitem: string;
  body: Record<string, unknown>;
}

/** What the tests see and steer of the grade services. */
export interface TestAgs {
  /** The tool's JWKS URL (client assertions are verified with it). */
  toolJwksUrl: string;
  scores: RecordedScore[];
  lineitems: { id: string; label: string; resourceLinkId?: string; scoreMaximum: number }[];
  /** The next `times` score posts answer `status` (0: no answer until the tool gives up). */
  failScores(status: number, times: number): void;
  tokensIssued(): number;
}

type Send = (res: ServerResponse, status: number, type: string, body: string) => void;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** The AGS endpoints of a test platform at `issuer` whose tool client id is `clientId`. */
export function createTestAgs(issuer: () => string, clientId: string, send: Send) {
  const tokens = new Set<string>();
  let failing = { status: 0, times: 0 };
  const ags: TestAgs = {
    toolJwksUrl: '',
    scores: [],
    lineitems: [],
    failScores(status, times) {
      failing = { status, times };
    },
    tokensIssued: () => tokens.size,
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await bodyOf(req));
    const assertion = form.get('client_assertion') ?? '';
    try {
      await jwtVerify(assertion, createRemoteJWKSet(new URL(ags.toolJwksUrl)), {
        issuer: clientId,
        subject: clientId,
        audience: `${issuer()}/token`,
        algorithms: ['RS256'],
      });
    } catch (err) {
      return send(
        res,
        401,
        'application/json',
        JSON.stringify({ error: 'invalid_client', why: String(err) }),
      );
    }
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, 'application/json', '{}');
    const t = randomUUID();
    tokens.add(t);
    send(
      res,
      200,
      'application/json',
      JSON.stringify({ access_token: t, token_type: 'bearer', expires_in: 3600 }),
    );
  }

  /** Answers the AGS paths; false when `url` is not one. */
  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname === '/token' && req.method === 'POST') {
      token(req, res).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
      return true;
    }
    if (!url.pathname.startsWith('/lineitems')) return false;
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(bearer)) {
      send(res, 401, 'application/json', '{"error":"invalid_token"}');
      return true;
    }
    void (async () => {
      if (url.pathname === '/lineitems' && req.method === 'GET') {
        const rl = url.searchParams.get('resource_link_id');
        const list = ags.lineitems.filter((l) => !rl || l.resourceLinkId === rl);
        return send(res, 200, 'application/vnd.ims.lis.v2.lineitemcontainer+json', JSON.stringify(list));
      }
      if (url.pathname === '/lineitems' && req.method === 'POST') {
        const body = JSON.parse(await bodyOf(req)) as {
          label: string;
          resourceLinkId?: string;
          scoreMaximum: number;
        };
        const item = { ...body, id: `${issuer()}/lineitems/${ags.lineitems.length + 1}/lineitem?type_id=7` };
        ags.lineitems.push(item);
        return send(res, 201, 'application/vnd.ims.lis.v2.lineitem+json', JSON.stringify(item));
      }
      const scores = /^\/lineitems\/(\d+)\/lineitem\/scores$/.exec(url.pathname);
      if (scores && req.method === 'POST') {
        const body = JSON.parse(await bodyOf(req)) as Record<string, unknown>;
        if (failing.times > 0) {
          failing.times--;
          // No answer at all: the tool's own timeout has to end it.
          if (failing.status === 0) return;
          return send(res, failing.status, 'application/json', '{"error":"injected"}');
        }
        if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json')
          return send(res, 415, 'text/plain', 'score media type expected');
        ags.scores.push({ lineitem: `${issuer()}/lineitems/${scores[1]}/lineitem`, body });
        return send(res, 204, 'text/plain', '');
      }
      send(res, 404, 'text/plain', 'no such AGS path');
    })().catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
    return true;
  }
  return { ags, handle };
}

// The test platform's pages a browser sees: a course page that frames the tool (a launch) and keeps the tool's
// values for it (LTI client-side postMessage storage, when the launch offers it), an admin page that frames the
// tool's Dynamic Registration URL and waits for its close message, and the Deep Linking return that verifies the
// tool's response with the tool's JWKS and records what was chosen.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** A launch the course page starts: the claims its id_token carries and whether the platform offers storage. */
export interface TestLaunch {
  claims: JWTPayload;
  /** Offer `lti_storage_target=_parent` (the page answers lti.put_data / lti.get_data). */
  storage: boolean;
}

/** What the tests read of the pages. */
export interface TestLmsPages {
  /** Launches by key (the login_hint the course page sends). */
  launches: Map<string, TestLaunch>;
  /** Deep Linking responses the platform accepted: their content items. */
  deepLinks: Record<string, unknown>[][];
  /** The tool's origin (the course page frames it and answers storage messages from it only). */
  toolOrigin: string;
  /** The tool's JWKS (the deep-linking response is checked with it). */
  toolJwksUrl: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The platform's storage of the tool's values, in the course page: answers the tool's frame at its origin only.
const STORAGE_SCRIPT = `
const kept = new Map();
window.storageLog = [];
addEventListener('message', (e) => {
  const m = e.data;
  if (!m || typeof m.subject !== 'string' || e.origin !== TOOL_ORIGIN) return;
  const reply = (r) => e.source.postMessage({ ...r, message_id: m.message_id }, e.origin);
  window.storageLog.push(m.subject);
  if (m.subject === 'lti.capabilities')
    reply({ subject: 'lti.capabilities.response', supported_messages: [{ subject: 'lti.put_data' }, { subject: 'lti.get_data' }] });
  if (m.subject === 'lti.put_data') {
    if (m.value) kept.set(m.key, m.value); else kept.delete(m.key);
    reply({ subject: 'lti.put_data.response', key: m.key, value: m.value });
  }
  if (m.subject === 'lti.get_data')
    reply({ subject: 'lti.get_data.response', key: m.key, value: kept.get(m.key) ?? null });
});`;

type Send = (res: ServerResponse, status: number, type: string, body: string) => void;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

/** The pages of a platform at `issuer` with client id `clientId` and deployment `deploymentId`. */
export function createLmsPages(
  issuer: () => string,
  ids: { clientId: string; deploymentId: string; registrationToken: () => string },
  send: Send,
) {
  const pages: TestLmsPages = { launches: new Map(), deepLinks: [], toolOrigin: '', toolJwksUrl: '' };

  function course(res: ServerResponse, url: URL): void {
    const key = url.searchParams.get('launch') ?? '';
    const launch = pages.launches.get(key);
    const claimed = launch?.claims['https://purl.imsglobal.org/spec/lti/claim/target_link_uri'];
    const target = typeof claimed === 'string' ? claimed : '';
    const login = new URL(`${pages.toolOrigin}/lti/login`);
    const query: Record<string, string> = {
      iss: issuer(),
      login_hint: key,
      target_link_uri: target,
      client_id: ids.clientId,
      lti_deployment_id: ids.deploymentId,
    };
    if (launch?.storage) query['lti_storage_target'] = '_parent';
    for (const [k, v] of Object.entries(query)) login.searchParams.set(k, v);
    send(
      res,
      200,
      'text/html',
      `<!doctype html><title>Course page</title><h1>Signals 101</h1>` +
        `<iframe name="tool" id="tool" src="${esc(login.toString())}" width="1100" height="760" ` +
        `allow="autoplay; fullscreen"></iframe>` +
        `<script>const TOOL_ORIGIN = ${JSON.stringify(pages.toolOrigin)};${STORAGE_SCRIPT}</script>`,
    );
  }

  function register(res: ServerResponse, url: URL): void {
    const tool = new URL(url.searchParams.get('tool') ?? '');
    tool.searchParams.set('openid_configuration', `${issuer()}/.well-known/openid-configuration`);
    tool.searchParams.set('registration_token', ids.registrationToken());
    send(
      res,
      200,
      'text/html',
      `<!doctype html><title>Add an LTI tool</title><iframe id="tool" src="${esc(tool.toString())}" width="900" ` +
        `height="600"></iframe><script>addEventListener('message', (e) => {` +
        `if (e.data && e.data.subject === 'org.imsglobal.lti.close') document.body.dataset.closed = 'yes'; });</script>`,
    );
  }

  async function deepLinkReturn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const jwt = (await formOf(req)).get('JWT') ?? '';
    try {
      const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(pages.toolJwksUrl)), {
        issuer: ids.clientId,
        audience: issuer(),
        algorithms: ['RS256'],
      });
      const items = (payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] ?? []) as Record<
        string,
        unknown
      >[];
      pages.deepLinks.push(items);
      send(res, 200, 'text/html', `<!doctype html><p id="added">Added ${items.length} item(s).</p>`);
    } catch (err) {
      send(res, 400, 'text/html', `<!doctype html><p id="refused">${esc(String(err))}</p>`);
    }
  }

  /** Answers the page paths; false when `url` is not one. */
  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname === '/course') return (course(res, url), true);
    if (url.pathname === '/admin/register') return (register(res, url), true);
    if (url.pathname === '/deep-link-return' && req.method === 'POST') {
      deepLinkReturn(req, res).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
      return true;
    }
    return false;
  }
  return { pages, handle };
}

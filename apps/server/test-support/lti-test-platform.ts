// A test LMS of our own for LTI 1.3: it signs id_tokens with jose, serves its JWKS and an OIDC authorization
// endpoint on loopback (which answers the tool's login with a form that posts the id_token back, as a platform
// does), and can rotate its key or take its JWKS down. Tests and e2e/lti.test.ts drive the tool with it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createTestAgs, type TestAgs } from './lti-test-ags.js';
import { createLmsPages, type TestLmsPages } from './lti-test-lms-pages.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
/** The LIS role URIs tests launch with. */
export const ROLES = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
} as const;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** What the platform's authorization endpoint is asked for, per login it answered. */
export interface AuthRequest {
  params: Record<string, string>;
}

export interface TestPlatformOptions {
  clientId?: string;
  deploymentId?: string;
  /** The host name in its URLs (default 127.0.0.1; `localhost` makes it another site than a tool on 127.0.0.1). */
  host?: string;
}

/** A running test platform. */
export interface TestPlatform {
  issuer: string;
  clientId: string;
  deploymentId: string;
  jwksUrl: string;
  authUrl: string;
  tokenUrl: string;
  /** Requests its authorization endpoint received, oldest first. */
  authRequests: AuthRequest[];
  /** Its OpenID configuration (Dynamic Registration starts there). */
  openidConfigurationUrl: string;
  /** The registration token it hands the tool's registration page. */
  registrationToken: string;
  /** Registrations the tool posted: the body and the Authorization header. */
  registrations: { body: Record<string, unknown>; authorization: string | undefined }[];
  /** Whether the registration answer names a deployment (Canvas's does not). */
  answerDeployment: boolean;
  /** Its pages for a browser: the course page framing the tool, the registration page, the deep-link return. */
  lms: TestLmsPages;
  /** Its token endpoint and grade services (scores recorded there). */
  ags: TestAgs;
  /** The AGS endpoint claim of a launch of resource link `rl-1` (its line item, when one was made). */
  agsClaim(lineitem?: string): Record<string, unknown>;
  /** How many times its JWKS was fetched. */
  jwksFetches(): number;
  /** The registration body of `POST /api/lti/platforms`. */
  registration(name?: string): Record<string, unknown>;
  /** A launch id_token: LTI claims for a resource link launch of `sub`, overridable claim by claim. */
  idToken(
    claims?: JWTPayload,
    options?: { key?: 'current' | 'stranger'; expiresIn?: number },
  ): Promise<string>;
  /** The claims the authorization endpoint signs for the next login (merged over a learner's launch). */
  nextLaunch: JWTPayload;
  /** Makes a new signing key and publishes only it. */
  rotate(): Promise<void>;
  /** Takes the JWKS endpoint down (500) or brings it back. */
  setJwksDown(down: boolean): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts a platform on a free loopback port. */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  let key = await newSigningKey();
  const stranger = await newSigningKey();
  let jwksDown = false;
  let jwksFetches = 0;
  const authRequests: AuthRequest[] = [];
  const clientId = options.clientId ?? 'coursecast-client';
  const deploymentId = options.deploymentId ?? 'deployment-1';
  let issuer = '';
  const grades = createTestAgs(() => issuer, clientId, send);
  const lmsPages = createLmsPages(
    () => issuer,
    { clientId, deploymentId, registrationToken: () => platform.registrationToken },
    send,
  );

  const sign = async (claims: JWTPayload, k: SigningKey, expiresIn = 300): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer,
      aud: clientId,
      iat: now,
      exp: now + expiresIn,
      nonce: randomUUID(),
      sub: 'learner-42',
      [`${LTI}message_type`]: 'LtiResourceLinkRequest',
      [`${LTI}version`]: '1.3.0',
      [`${LTI}deployment_id`]: deploymentId,
      [`${LTI}target_link_uri`]: 'http://127.0.0.1/',
      [`${LTI}roles`]: [ROLES.learner],
      [`${LTI}resource_link`]: { id: 'rl-1', title: 'Lecture 1' },
      [`${LTI}context`]: { id: 'course-101', title: 'Signals 101' },
      // Any claim, the standard ones too, may be overridden (a test's wrong audience or issuer).
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: k.kid, typ: 'JWT' })
      .sign(k.privateKey);
  };

  const platform: TestPlatform = {
    issuer: '',
    clientId,
    deploymentId,
    jwksUrl: '',
    authUrl: '',
    tokenUrl: '',
    authRequests,
    lms: lmsPages.pages,
    ags: grades.ags,
    agsClaim: (lineitem) => ({
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: [
          'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
          'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        ],
        lineitems: `${issuer}/lineitems`,
        ...(lineitem ? { lineitem } : {}),
      },
    }),
    openidConfigurationUrl: '',
    registrationToken: 'reg-token-1',
    registrations: [],
    answerDeployment: true,
    jwksFetches: () => jwksFetches,
    nextLaunch: {},
    registration(name = 'Test LMS') {
      return {
        name,
        issuer,
        clientId,
        authLoginUrl: platform.authUrl,
        tokenUrl: platform.tokenUrl,
        jwksUrl: platform.jwksUrl,
        deploymentIds: [deploymentId],
      };
    },
    idToken: (claims = {}, o = {}) => sign(claims, o.key === 'stranger' ? stranger : key, o.expiresIn),
    async rotate() {
      key = await newSigningKey();
    },
    setJwksDown(down) {
      jwksDown = down;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  // The OIDC authorization endpoint: the platform's answer to the tool's login is a page that form-posts the
  // id_token and the state back to the tool's redirect_uri (response_mode=form_post).
  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = Object.fromEntries(url.searchParams);
    authRequests.push({ params });
    const target = params['redirect_uri'] ?? '';
    // A launch the course page started (its login_hint names it), else the test's next launch.
    const launch = lmsPages.pages.launches.get(params['login_hint'] ?? '');
    const claims = launch?.claims ?? platform.nextLaunch;
    const token = await sign({ [`${LTI}target_link_uri`]: target, ...claims, nonce: params['nonce'] }, key);
    const fields: Record<string, string> = { id_token: token, state: params['state'] ?? '' };
    if (launch?.storage) fields['lti_storage_target'] = '_parent';
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('');
    send(
      res,
      200,
      'text/html',
      `<!doctype html><form method="post" action="${escapeHtml(target)}">${inputs}</form>` +
        '<script>document.forms[0].submit()</script>',
    );
  }

  function openidConfiguration(): Record<string, unknown> {
    return {
      issuer,
      authorization_endpoint: platform.authUrl,
      token_endpoint: platform.tokenUrl,
      jwks_uri: platform.jwksUrl,
      registration_endpoint: `${issuer}/register`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'testlms',
        version: '1.0',
        messages_supported: [
          { type: 'LtiResourceLinkRequest' },
          { type: 'LtiDeepLinkingRequest', placements: ['ContentArea'] },
        ],
      },
    };
  }

  async function register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    platform.registrations.push({ body, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${platform.registrationToken}`)
      return send(res, 401, 'application/json', '{"error":"invalid_token"}');
    const toolConfiguration = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
    const answer = {
      ...body,
      client_id: clientId,
      [toolConfiguration]: {
        ...(body[toolConfiguration] as object),
        ...(platform.answerDeployment ? { deployment_id: deploymentId } : {}),
      },
    };
    send(res, 200, 'application/json', JSON.stringify(answer));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/jwks') {
      jwksFetches++;
      if (jwksDown) return send(res, 500, 'text/plain', 'down');
      return send(res, 200, 'application/json', JSON.stringify({ keys: [key.publicJwk] }));
    }
    if (grades.handle(req, res, url) || lmsPages.handle(req, res, url)) return;
    if (url.pathname === '/.well-known/openid-configuration') {
      if (req.headers.authorization !== `Bearer ${platform.registrationToken}`)
        return send(res, 401, 'application/json', '{"error":"invalid_token"}');
      return send(res, 200, 'application/json', JSON.stringify(openidConfiguration()));
    }
    if (url.pathname === '/register' && req.method === 'POST') {
      register(req, res).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
      return;
    }
    if (url.pathname === '/auth') {
      authorize(req, res, url).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  issuer = `http://${options.host ?? '127.0.0.1'}:${port}`;
  platform.issuer = issuer;
  platform.jwksUrl = `${issuer}/jwks`;
  platform.authUrl = `${issuer}/auth`;
  platform.tokenUrl = `${issuer}/token`;
  platform.openidConfigurationUrl = `${issuer}/.well-known/openid-configuration`;
  return platform;
}

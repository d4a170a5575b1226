import { randomBytes } from 'node:crypto';
import formBody from '@fastify/formbody';
import type { LtiBridgeStep } from '@coursecast/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientKey } from '../auth/client-key.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { newId, type CatalogStore, type LtiPlatform } from '../store/index.js';
import { launchDestination } from './launch-destination.js';
import { launchStates, type LaunchState } from './launch-state.js';
import type { VerifiedLaunch } from './launch-verifier.js';
import type { LearnerSession } from './learner-session.js';
import { CLAIMS, isInstructor, MESSAGE_TYPES } from './lti-claims.js';
import { htmlErrorsForBrowsers } from './lti-html-errors.js';
import { LTI_PATHS } from './lti-platforms.routes.js';
import { TokenRefused, type SignedTokenKind } from './signed-token.js';
import { parseInput } from '../validation.js';

export interface LtiLaunchRoutesDeps {
  store: Pick<
    CatalogStore,
    'findLtiPlatforms' | 'useLtiNonce' | 'upsertLearner' | 'serverSecret' | 'getItem'
  >;
  verify: (idToken: string) => Promise<VerifiedLaunch>;
  sessions: SignedTokenKind<LearnerSession>;
  config: Config['lti'];
  baseUrl: () => string;
  loginLimiter: RateLimiter;
  now?: () => number;
}

/** The login initiation's parameters (1EdTech Security Framework 5.1.1.1, plus the storage target). */
const LoginParams = z.object({
  iss: z.string().min(1).max(2048),
  login_hint: z.string().min(1).max(2048),
  target_link_uri: z.url({ protocol: /^https?$/ }).max(2048),
  lti_message_hint: z.string().max(4096).optional(),
  client_id: z.string().min(1).max(255).optional(),
  lti_deployment_id: z.string().min(1).max(255).optional(),
  lti_storage_target: z.string().min(1).max(255).optional(),
});

const LaunchBody = z.object({
  id_token: z.string().optional(),
  state: z.string().optional(),
  lti_storage_target: z.string().min(1).max(255).optional(),
  error: z.string().max(255).optional(),
  error_description: z.string().max(1024).optional(),
});

const LaunchQuery = z.object({ lti_storage_target: z.string().min(1).max(255).optional() });

/** Parses the login's parameters, answering `lti_login_invalid` naming the first bad one. */
function loginParams(value: unknown): z.output<typeof LoginParams> {
  const parsed = LoginParams.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = issue.path.map(String).join('.');
  throw new AppError('lti_login_invalid', `The LTI login initiation's ${name}: ${issue.message}`);
}

/** The bridge page with `step` in its fragment. */
const bridge = (step: LtiBridgeStep): string =>
  `${LTI_PATHS.bridge}#${Buffer.from(JSON.stringify(step)).toString('base64url')}`;

const random = (): string => randomBytes(24).toString('base64url');

/** The registration a login initiation is for. */
async function loginPlatform(
  store: LtiLaunchRoutesDeps['store'],
  login: z.output<typeof LoginParams>,
): Promise<LtiPlatform> {
  const candidates = (await store.findLtiPlatforms(login.iss)).filter(
    (p) => login.client_id === undefined || p.clientId === login.client_id,
  );
  if (candidates.length === 0) {
    throw new AppError(
      'lti_platform_not_found',
      `No LTI platform is registered with the issuer ${login.iss}` +
        (login.client_id ? ` and the client id ${login.client_id}` : ''),
    );
  }
  if (candidates.length > 1) {
    throw new AppError(
      'lti_login_invalid',
      `The issuer ${login.iss} holds several registrations of the tool: the login must name its client_id`,
    );
  }
  const platform = candidates[0]!;
  const known = platform.deploymentIds;
  if (login.lti_deployment_id !== undefined && known.length > 0 && !known.includes(login.lti_deployment_id)) {
    throw new AppError(
      'lti_deployment_unknown',
      `The deployment ${login.lti_deployment_id} is not registered for the platform ${platform.issuer}`,
    );
  }
  return platform;
}

/**
 * The LTI 1.3 launch, without cookies: `GET|POST /lti/login` (the platform's third-party-initiated login) signs a
 * state and a nonce and hands them, through the bridge page, to the platform's authorization endpoint;
 * `POST /lti/launch` checks the state and the id_token, records the nonce as used, knows the learner, and sends
 * the browser through the bridge (which finds the state where the login left it) to the page with a learner session.
 */
export const ltiLaunchRoutes: FastifyPluginAsync<LtiLaunchRoutesDeps> = async (app, deps) => {
  const now = deps.now ?? (() => Date.now());
  const states = launchStates(deps.store, now);
  const sessions = deps.sessions;
  await app.register(formBody, { bodyLimit: 96 * 1024 });
  htmlErrorsForBrowsers(app);

  /** Logins and launches share one budget per client: each costs a signature and store reads. */
  function limit(request: FastifyRequest): void {
    const client = clientKey(request.ip);
    const retry = deps.loginLimiter.take(client);
    if (retry !== null)
      throw new AppError('rate_limited', `too many LTI logins from ${client}`, { retryAfterSeconds: retry });
  }

  async function login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    limit(request);
    const raw = request.method === 'POST' ? request.body : request.query;
    const login = loginParams(raw);
    const base = deps.baseUrl();
    if (new URL(login.target_link_uri).origin !== new URL(base).origin) {
      throw new AppError(
        'lti_login_invalid',
        `The login's target_link_uri ${login.target_link_uri} is not on this tool (${base})`,
      );
    }
    const platform = await loginPlatform(deps.store, login);
    const { lti_storage_target: storageTarget, ...hints } = login;
    const nonce = random();
    const state = await states.sign({ n: nonce, p: platform.id, l: hints }, deps.config.loginTimeoutSeconds);
    const auth = new URL(platform.authLoginUrl);
    const query: Record<string, string | undefined> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: `${base}${LTI_PATHS.launch}`,
      login_hint: login.login_hint,
      lti_message_hint: login.lti_message_hint,
      state,
      nonce,
    };
    for (const [k, v] of Object.entries(query)) if (v !== undefined) auth.searchParams.set(k, v);
    const again = new URL(`${base}${LTI_PATHS.login}`);
    for (const [k, v] of Object.entries(hints)) if (v !== undefined) again.searchParams.set(k, v);
    return reply.header('cache-control', 'no-store').redirect(
      bridge({
        step: 'login',
        state,
        storageTarget: storageTarget ?? null,
        platformOrigin: auth.origin,
        next: auth.toString(),
        newWindow: again.toString(),
      }),
      303,
    );
  }
  app.get(LTI_PATHS.login, login);
  app.post(LTI_PATHS.login, login);

  /** The state of a launch, checked; its refusal says why. */
  async function checkedState(raw: string | undefined): Promise<LaunchState> {
    if (!raw) {
      throw new AppError(
        'lti_state_invalid',
        'The launch has no state: it must come from a login this tool started (start from the course link)',
      );
    }
    try {
      return await states.verify(raw);
    } catch (err) {
      if (err instanceof TokenRefused)
        throw new AppError('lti_state_invalid', `The launch state ${err.message}`);
      throw err;
    }
  }

  app.post(LTI_PATHS.launch, async (request, reply) => {
    limit(request);
    const body = parseInput(LaunchBody, request.body ?? {}, 'launch');
    // Canvas sends the storage target in the body; some platforms add it to the redirect URI's query instead.
    const query = parseInput(LaunchQuery, request.query ?? {}, 'query');
    const storageTarget = body.lti_storage_target ?? query.lti_storage_target ?? null;
    if (body.error) {
      throw new AppError(
        'lti_platform_error',
        `The platform refused the login: ${body.error}${body.error_description ? ` (${body.error_description})` : ''}`,
      );
    }
    const state = await checkedState(body.state);
    if (!body.id_token) throw new AppError('lti_token_invalid', 'The launch has no id_token');
    const launch = await deps.verify(body.id_token);
    if (launch.platform.id !== state.p)
      throw new AppError('lti_state_invalid', 'The launch state belongs to a login for another platform');
    if (launch.nonce !== state.n)
      throw new AppError('lti_token_invalid', 'The launch id_token nonce is not the one of its login');
    const claims = launch.claims;
    if (
      !(await deps.store.useLtiNonce(
        launch.platform.issuer,
        launch.nonce,
        new Date(launch.exp * 1000).toISOString(),
      ))
    )
      throw new AppError('lti_replay', 'This launch was used before: start again from the course link');

    const instructor = isInstructor(claims[CLAIMS.roles]);
    const base = deps.baseUrl();
    const destination = await launchDestination(claims, instructor, deps.store, base);
    const keepNames = deps.config.storeNames;
    const learner = await deps.store.upsertLearner({
      id: newId('lrn'),
      issuer: launch.platform.issuer,
      deploymentId: claims[CLAIMS.deploymentId],
      subject: claims.sub,
      name: keepNames ? (claims.name ?? null) : null,
      email: keepNames ? (claims.email ?? null) : null,
    });
    const ags = claims[CLAIMS.agsEndpoint];
    const dl = claims[CLAIMS.deepLinkingSettings];
    const session: LearnerSession = {
      sub: learner.id,
      plt: launch.platform.id,
      dep: claims[CLAIMS.deploymentId],
      role: instructor ? 'instructor' : 'learner',
      ctx: claims[CLAIMS.context]?.id ?? null,
      rl: claims[CLAIMS.resourceLink]?.id ?? null,
      item: destination.itemId,
      ags: ags
        ? { lineitem: ags.lineitem ?? null, lineitems: ags.lineitems ?? null, scope: ags.scope }
        : null,
      dl:
        claims[CLAIMS.messageType] === MESSAGE_TYPES.deepLinking && dl
          ? {
              ret: dl.deep_link_return_url,
              data: dl.data ?? null,
              multiple: dl.accept_multiple === true || dl.accept_multiple === 'true',
            }
          : null,
    };
    const again = new URL(`${base}${LTI_PATHS.login}`);
    for (const [k, v] of Object.entries(state.l)) again.searchParams.set(k, v);
    return reply.header('cache-control', 'no-store').redirect(
      bridge({
        step: 'launch',
        state: body.state!,
        storageTarget,
        platformOrigin: new URL(launch.platform.authLoginUrl).origin,
        next: `${base}${destination.path}`,
        session: await sessions.sign(session, deps.config.sessionSeconds),
        newWindow: again.toString(),
      }),
      303,
    );
  });
};

import { z } from 'zod';
import { AppError } from '../errors.js';
import type { NewLtiPlatform } from '../store/index.js';
import { MESSAGE_TYPES } from './lti-claims.js';
import type { LtiToolUrls } from '@coursecast/api';

// LTI Dynamic Registration 1.0, the tool's side: read the platform's OpenID configuration, post the tool's
// registration to its registration endpoint, and turn the answer into a platform registration.

const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const AGS_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
];
/** Larger is not a configuration or a registration answer. */
const MAX_ANSWER_BYTES = 256 * 1024;

const httpUrl = z.url({ protocol: /^https?$/ });

/** What the tool reads of a platform's OpenID configuration. */
const PlatformConfigurationSchema = z.looseObject({
  issuer: z.string().min(1).max(2048),
  authorization_endpoint: httpUrl,
  token_endpoint: httpUrl,
  jwks_uri: httpUrl,
  registration_endpoint: httpUrl,
  authorization_server: z.string().max(2048).optional(),
  [PLATFORM_CONFIGURATION]: z
    .looseObject({
      product_family_code: z.string().max(255).optional(),
      // Older Moodle lists plain message type names, newer platforms objects with placements.
      messages_supported: z
        .array(
          z.union([
            z.string(),
            z.looseObject({ type: z.string(), placements: z.array(z.string()).optional() }),
          ]),
        )
        .optional(),
    })
    .optional(),
});
/** A platform's OpenID configuration. */
export type PlatformConfiguration = z.infer<typeof PlatformConfigurationSchema>;

const RegistrationAnswerSchema = z.looseObject({
  client_id: z.string().min(1).max(255),
  [TOOL_CONFIGURATION]: z.looseObject({ deployment_id: z.string().min(1).max(255).optional() }).optional(),
});

/** Fetches what the platform answers, bounded in time and size; `what` names it in errors. */
async function platformJson(
  what: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs), redirect: 'error' });
  } catch (err) {
    const why =
      err instanceof Error && err.name === 'TimeoutError' ? 'did not answer in time' : 'could not be reached';
    throw new AppError('lti_platform_unreachable', `The platform's ${what} at ${url} ${why}`);
  }
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES)
    throw new AppError('lti_registration_failed', `The platform's ${what} answer is too large`);
  if (!response.ok) {
    throw new AppError(
      'lti_registration_failed',
      `The platform's ${what} answered ${response.status}: ${text.slice(0, 300) || response.statusText}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('lti_registration_failed', `The platform's ${what} did not answer JSON`);
  }
}

/** The platform's OpenID configuration at `url`, checked: its issuer must be on the host it was read from. */
export async function fetchPlatformConfiguration(
  url: string,
  registrationToken: string | undefined,
  timeoutMs: number,
): Promise<PlatformConfiguration> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (registrationToken) headers['authorization'] = `Bearer ${registrationToken}`;
  const raw = await platformJson('OpenID configuration', url, { headers, timeoutMs });
  const parsed = PlatformConfigurationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'lti_registration_failed',
      `The platform's OpenID configuration ${issue.path.map(String).join('.') || ''}: ${issue.message}`,
    );
  }
  let issuerHost: string;
  try {
    issuerHost = new URL(parsed.data.issuer).host;
  } catch {
    throw new AppError('lti_registration_failed', `The platform's issuer ${parsed.data.issuer} is not a URL`);
  }
  if (issuerHost !== new URL(url).host) {
    throw new AppError(
      'lti_registration_failed',
      `The platform's issuer ${parsed.data.issuer} is not on the host of its configuration (${new URL(url).host})`,
    );
  }
  return parsed.data;
}

/** The placements the platform offers for deep linking (Moodle: ContentArea), to ask for them by name. */
function deepLinkingPlacements(config: PlatformConfiguration): string[] {
  const supported = config[PLATFORM_CONFIGURATION]?.messages_supported ?? [];
  for (const m of supported) {
    if (typeof m !== 'string' && m.type === MESSAGE_TYPES.deepLinking) return m.placements ?? [];
  }
  return [];
}

/** The tool's registration request (LTI Dynamic Registration 1.0, section 3.5). */
export function registrationRequest(
  config: PlatformConfiguration,
  urls: LtiToolUrls,
  base: string,
  name: string,
) {
  const placements = deepLinkingPlacements(config);
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: [urls.launchUrl],
    client_name: name,
    jwks_uri: urls.jwksUrl,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: AGS_SCOPES.join(' '),
    [TOOL_CONFIGURATION]: {
      domain: new URL(base).host,
      target_link_uri: urls.launchUrl,
      description: 'Lectures, documents and interactive modules, with progress and grades.',
      claims: ['iss', 'sub', 'name', 'email'],
      messages: [
        { type: MESSAGE_TYPES.resourceLink },
        {
          type: MESSAGE_TYPES.deepLinking,
          target_link_uri: urls.deepLinkingUrl,
          label: name,
          supported_types: ['ltiResourceLink'],
          ...(placements.length > 0 ? { placements } : {}),
        },
      ],
    },
  };
}

/** Posts the registration; the platform registration the answer makes (not stored yet). */
export async function registerWithPlatform(o: {
  config: PlatformConfiguration;
  registrationToken: string | undefined;
  urls: LtiToolUrls;
  base: string;
  name: string;
  timeoutMs: number;
  id: string;
}): Promise<NewLtiPlatform> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (o.registrationToken) headers['authorization'] = `Bearer ${o.registrationToken}`;
  const raw = await platformJson('registration endpoint', o.config.registration_endpoint, {
    method: 'POST',
    headers,
    body: JSON.stringify(registrationRequest(o.config, o.urls, o.base, o.name)),
    timeoutMs: o.timeoutMs,
  });
  const answer = RegistrationAnswerSchema.safeParse(raw);
  if (!answer.success)
    throw new AppError(
      'lti_registration_failed',
      'The platform answered the registration without a client_id',
    );
  const deployment = answer.data[TOOL_CONFIGURATION]?.deployment_id;
  const family = o.config[PLATFORM_CONFIGURATION]?.product_family_code;
  return {
    id: o.id,
    issuer: o.config.issuer,
    clientId: answer.data.client_id,
    name: family ? `${family} (${new URL(o.config.issuer).host})` : new URL(o.config.issuer).host,
    authLoginUrl: o.config.authorization_endpoint,
    tokenUrl: o.config.token_endpoint,
    jwksUrl: o.config.jwks_uri,
    tokenAudience: o.config.authorization_server ?? null,
    deploymentIds: deployment ? [deployment] : [],
  };
}

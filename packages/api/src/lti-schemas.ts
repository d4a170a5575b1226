import { z } from 'zod';

/** One public key of the tool's JWKS (RFC 7517), RS256. */
export const ToolPublicKeySchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string(),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string(),
  e: z.string(),
});

/** `GET /lti/jwks` (public): the keys platforms verify the tool's messages with. */
export const ToolJwksSchema = z.object({ keys: z.array(ToolPublicKeySchema) });
/** The tool's JWKS. */
export type ToolJwks = z.infer<typeof ToolJwksSchema>;

/** `POST /api/lti/keys/rotate` (201, admin): the key now in use, and where the JWKS is. */
export const ToolKeyRotationResponseSchema = z.object({ kid: z.string(), jwks: z.string() });
/** A rotation's answer. */
export type ToolKeyRotationResponse = z.infer<typeof ToolKeyRotationResponseSchema>;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** What registers an LMS the tool trusts. */
const LtiPlatformFields = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** The platform's `iss`, exactly as its id_tokens carry it. */
  issuer: z.string().min(1).max(2048),
  /** The client id the platform gave the tool. */
  clientId: z.string().min(1).max(255),
  /** The platform's OIDC authorization endpoint ("authentication request URL"). */
  authLoginUrl: httpUrl,
  /** The platform's OAuth 2 token endpoint ("access token URL"). */
  tokenUrl: httpUrl,
  /** The platform's public keyset URL. */
  jwksUrl: httpUrl,
  /** The `aud` of the tool's client assertions when the platform names one besides its token URL. */
  tokenAudience: z.string().min(1).max(2048).nullable(),
  /**
   * The deployment ids of the tool at this platform that may launch it. A dynamic registration the platform
   * answered without one (Canvas) has none: then any deployment of this client id may launch.
   */
  deploymentIds: z.array(z.string().min(1).max(255)).min(1).max(100),
});
/** `POST /api/lti/platforms` (admin): an LMS the tool trusts, as its administrator set the tool up there. */
export const LtiPlatformCreateSchema = LtiPlatformFields.extend({
  tokenAudience: LtiPlatformFields.shape.tokenAudience.default(null),
});
/** A platform registration's body. */
export type LtiPlatformCreate = z.input<typeof LtiPlatformCreateSchema>;

/** `PATCH /api/lti/platforms/:id` (admin): what may change of a registration. */
export const LtiPlatformPatchSchema = LtiPlatformFields.omit({ issuer: true, clientId: true })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
/** A platform patch's body. */
export type LtiPlatformPatch = z.input<typeof LtiPlatformPatchSchema>;

/** A registered platform, with the URLs to give its administrator. */
export const LtiPlatformSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  authLoginUrl: z.string(),
  tokenUrl: z.string(),
  jwksUrl: z.string(),
  tokenAudience: z.string().nullable(),
  deploymentIds: z.array(z.string()),
  createdAt: z.string(),
});
/** One registered platform. */
export type LtiPlatformInfo = z.infer<typeof LtiPlatformSchema>;

/** What a platform's administrator enters to set the tool up (the same for every platform). */
export const LtiToolUrlsSchema = z.object({
  loginUrl: z.string(),
  launchUrl: z.string(),
  jwksUrl: z.string(),
  deepLinkingUrl: z.string(),
  dynamicRegistrationUrl: z.string(),
});
/** The tool's URLs. */
export type LtiToolUrls = z.infer<typeof LtiToolUrlsSchema>;

/** `GET /api/lti/platforms` (admin): every registered platform, and the tool's own URLs. */
export const LtiPlatformListSchema = z.object({
  platforms: z.array(LtiPlatformSchema),
  tool: LtiToolUrlsSchema,
});
/** The platform list. */
export type LtiPlatformList = z.infer<typeof LtiPlatformListSchema>;

/**
 * What the LTI bridge page (/lti/bridge) is told in its URL fragment (base64url JSON, so it never reaches a
 * server or a log): after the login, keep the state where the launch can find it and go to the platform; after the
 * launch, find the state again and only then go on to the page with the learner session.
 */
export const LtiBridgeStepSchema = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('login'),
    state: z.string(),
    /** The platform's `lti_storage_target` (a frame name or `_parent`); null: the platform offers no storage. */
    storageTarget: z.string().nullable(),
    /** The origin of the platform's authorization endpoint: storage messages go there only. */
    platformOrigin: z.string(),
    /** The platform's authorization request. */
    next: z.string(),
    /** The same login in a window of its own, where this site's storage is first-party. */
    newWindow: z.string(),
  }),
  z.object({
    step: z.literal('launch'),
    state: z.string(),
    storageTarget: z.string().nullable(),
    platformOrigin: z.string(),
    /** The page to open, and the learner session to give it. */
    next: z.string(),
    session: z.string(),
    newWindow: z.string(),
  }),
]);
/** One step of the LTI bridge. */
export type LtiBridgeStep = z.infer<typeof LtiBridgeStepSchema>;

/** `POST /api/lti/deep-link` (an instructor's deep-linking session): the items chosen; none cancels. */
export const LtiDeepLinkRequestSchema = z.strictObject({
  itemIds: z.array(z.string().regex(/^itm_[a-z2-7]{16}$/, 'an item id (itm_…)')).max(50),
});
/** A deep-link choice. */
export type LtiDeepLinkRequest = z.infer<typeof LtiDeepLinkRequestSchema>;

/**
 * The signed Deep Linking response (an `LtiDeepLinkingResponse` JWT of `ltiResourceLink` items) and where the page
 * form-posts it (field `JWT`).
 */
export const LtiDeepLinkResponseSchema = z.object({
  returnUrl: z.string(),
  jwt: z.string(),
  items: z.number().int(),
});
/** A deep-link answer. */
export type LtiDeepLinkResponse = z.infer<typeof LtiDeepLinkResponseSchema>;

/** `POST /api/lti/dynamic-registration` (admin): what the platform handed the registration page. */
export const LtiDynamicRegistrationSchema = z.strictObject({
  /** The platform's OpenID configuration URL (`openid_configuration`). */
  openidConfiguration: httpUrl,
  /** The platform's one-time `registration_token`, when it sent one. */
  registrationToken: z.string().min(1).max(4096).optional(),
});
/** A dynamic registration's body. */
export type LtiDynamicRegistration = z.infer<typeof LtiDynamicRegistrationSchema>;

/** One score in the outbox, as the admin sees it (`GET /api/lti/scores`). */
export const LtiScoreSchema = z.object({
  id: z.string(),
  platformId: z.string(),
  learnerId: z.string(),
  itemId: z.string(),
  lineitemUrl: z.string().nullable(),
  scoreGiven: z.number(),
  scoreMaximum: z.number(),
  activityProgress: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
/** An outbox score. */
export type LtiScore = z.infer<typeof LtiScoreSchema>;

/** `GET /api/lti/scores?state=&limit=` (admin): the score outbox, newest first, with the counts by state. */
export const LtiScoreListSchema = z.object({
  scores: z.array(LtiScoreSchema),
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
});
/** The outbox. */
export type LtiScoreList = z.infer<typeof LtiScoreListSchema>;

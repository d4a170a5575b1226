import { z } from 'zod';
import type { Parse } from './config-env.js';

/** The `lti` section: how the LTI 1.3 tool treats launches, learners and its keys. */
export const LtiConfigSchema = z
  .strictObject({
    /** How long the learner session a launch gives the browser lasts. */
    sessionSeconds: z
      .number()
      .int()
      .min(300)
      .max(7 * 24 * 3600)
      .default(4 * 3600),
    /**
     * Origins besides the registered platforms' (their issuer and authorization endpoint) whose pages frame the
     * tool: Canvas's courses live on each school's host, so a Canvas operator adds `https://*.instructure.com`
     * (and the school's own domain). Origins or `https://*.host` patterns.
     */
    frameAncestors: z
      .array(z.string().regex(/^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin or https://*.host'))
      .default([]),
    /** Keep the names and emails platforms send (off: learners stay pseudonymous, (issuer, deployment, subject)). */
    storeNames: z.boolean().default(false),
    /** How far the platform's clock may be off from ours when an id_token's times are checked. */
    clockSkewSeconds: z.number().int().min(0).max(600).default(60),
    /** Longest the login initiation may take to come back as a launch (the signed state's lifetime). */
    loginTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
    /** How long a retired tool key stays published (what it signed before a rotation still verifies). */
    retiredKeyGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(24 * 3600),
    /** Longest a request to a platform (its keys, its token and grade endpoints) may take. */
    platformTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
    /**
     * Learner data (progress, SCORM attempts, delivered scores, and learners with nothing left) untouched for this
     * many days is deleted: it is personal data, kept only as long as the operator says.
     */
    learnerRetentionDays: z.number().int().min(1).max(3650).default(365),
    /** Share of a lecture's seconds a learner must have watched for it to count as completed (and scored). */
    completionThreshold: z.number().min(0.1).max(1).default(0.9),
    /**
     * Logins and launches per second per client address, and the burst above it; more get 429. Generous: a class
     * behind one campus NAT launches at once, and each costs only a signature and a few store reads.
     */
    loginRatePerSecond: z.number().positive().default(10),
    loginBurst: z.number().int().min(1).default(200),
    /**
     * Who may watch: `public` (anyone with a link, the default) or `enrolled` (only a learner session from an LMS
     * launch, or the admin: item answers, playback plans and media then need a session, and media is delivered
     * under signed links, ADR 0013).
     */
    access: z.enum(['public', 'enrolled']).default('public'),
    /**
     * The secret signed media links are made with; the origin, every edge (`coursecast edge`) and an nginx edge
     * must share it. Required in `enrolled` mode. At least 32 characters of base64 or base64url.
     */
    mediaKey: z
      .string()
      .regex(/^[A-Za-z0-9_+/=-]{32,256}$/, 'at least 32 characters of base64 or base64url')
      .nullable()
      .default(null),
  })
  .refine((lti) => lti.access === 'public' || lti.mediaKey !== null, {
    message: 'enrolled access signs media links: set COURSECAST_MEDIA_KEY (e.g. `openssl rand -base64 32`)',
    path: ['mediaKey'],
  })
  .prefault({});

/** The lti section's environment variables. */
export function ltiEnvVars(
  asNumber: Parse,
  asBoolean: Parse,
  asList: Parse,
  asString: Parse,
): Record<string, { path: string[]; parse: Parse }> {
  return {
    COURSECAST_ACCESS: { path: ['lti', 'access'], parse: asString },
    COURSECAST_MEDIA_KEY: { path: ['lti', 'mediaKey'], parse: asString },
    COURSECAST_LTI_SESSION_SECONDS: { path: ['lti', 'sessionSeconds'], parse: asNumber },
    COURSECAST_LTI_FRAME_ANCESTORS: { path: ['lti', 'frameAncestors'], parse: asList },
    COURSECAST_LTI_STORE_NAMES: { path: ['lti', 'storeNames'], parse: asBoolean },
    COURSECAST_LTI_CLOCK_SKEW_SECONDS: { path: ['lti', 'clockSkewSeconds'], parse: asNumber },
    COURSECAST_LTI_LOGIN_TIMEOUT_SECONDS: { path: ['lti', 'loginTimeoutSeconds'], parse: asNumber },
    COURSECAST_LTI_KEY_GRACE_SECONDS: { path: ['lti', 'retiredKeyGraceSeconds'], parse: asNumber },
    COURSECAST_LEARNER_RETENTION_DAYS: { path: ['lti', 'learnerRetentionDays'], parse: asNumber },
    COURSECAST_COMPLETION_THRESHOLD: { path: ['lti', 'completionThreshold'], parse: asNumber },
    COURSECAST_LTI_PLATFORM_TIMEOUT_MS: { path: ['lti', 'platformTimeoutMs'], parse: asNumber },
  };
}

import { z } from 'zod';

// The claims of an LTI 1.3 launch (1EdTech LTI Core 1.3, Deep Linking 2.0, AGS 2.0) the tool reads, as zod
// schemas of what it accepts. Unknown claims are kept aside, never trusted for anything.

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/';

/** The claim names, once. */
export const CLAIMS = {
  messageType: `${LTI}message_type`,
  version: `${LTI}version`,
  deploymentId: `${LTI}deployment_id`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  roles: `${LTI}roles`,
  context: `${LTI}context`,
  custom: `${LTI}custom`,
  launchPresentation: `${LTI}launch_presentation`,
  deepLinkingSettings: `${DL}deep_linking_settings`,
  dlContentItems: `${DL}content_items`,
  dlData: `${DL}data`,
  dlMessage: `${DL}msg`,
  agsEndpoint: `${AGS}endpoint`,
} as const;

/** The two launches the tool answers. */
export const MESSAGE_TYPES = {
  resourceLink: 'LtiResourceLinkRequest',
  deepLinking: 'LtiDeepLinkingRequest',
} as const;

/** Roles that make a launch an instructor's (membership roles, short or full, and institution administrators). */
const INSTRUCTOR_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'Instructor',
  'ContentDeveloper',
];

/** True when one of `roles` lets the launcher choose content and see learners' progress. */
export function isInstructor(roles: readonly string[]): boolean {
  return roles.some((r) => INSTRUCTOR_ROLES.includes(r));
}

const url = z.url({ protocol: /^https?$/ });
const text = (max: number) => z.string().max(max);

/** What the tool reads of a launch's id_token, after its signature and standard claims are checked. */
export const LaunchClaimsSchema = z.looseObject({
  sub: text(255).min(1),
  name: text(255).optional(),
  email: text(320).optional(),
  [CLAIMS.messageType]: z.enum([MESSAGE_TYPES.resourceLink, MESSAGE_TYPES.deepLinking]),
  [CLAIMS.version]: z.literal('1.3.0'),
  [CLAIMS.deploymentId]: text(255).min(1),
  [CLAIMS.targetLinkUri]: url.max(2048),
  [CLAIMS.roles]: z.array(text(512)).max(100),
  [CLAIMS.resourceLink]: z.looseObject({ id: text(255).min(1), title: text(1024).optional() }).optional(),
  [CLAIMS.context]: z.looseObject({ id: text(255).min(1), title: text(1024).optional() }).optional(),
  [CLAIMS.custom]: z.record(z.string(), z.unknown()).optional(),
  [CLAIMS.deepLinkingSettings]: z
    .looseObject({
      deep_link_return_url: url.max(2048),
      accept_types: z.array(z.string()).max(20),
      // Canvas has been seen sending it as the string "false".
      accept_multiple: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
      data: text(2048).optional(),
    })
    .optional(),
  [CLAIMS.agsEndpoint]: z
    .looseObject({
      scope: z.array(z.string()).max(20),
      lineitems: url.max(2048).optional(),
      lineitem: url.max(2048).optional(),
    })
    .optional(),
});
/** A launch's claims. */
export type LaunchClaims = z.infer<typeof LaunchClaimsSchema>;

import { z } from 'zod';
import type { LtiStore } from '../store/index.js';
import { signedTokenKind, type SignedTokenKind } from './signed-token.js';

/**
 * What a launch gives the browser: a short-lived signed learner session (no cookie: it travels in the page's URL
 * fragment and then in the `Authorization` header). It names the learner pseudonymously and what the launch
 * allows: the item, the grade endpoints, and for an instructor's deep-linking launch, where the choice goes back.
 */
export const LearnerSessionSchema = z.object({
  /** The learner's id (`lrn_…`), never the platform's subject. */
  sub: z.string(),
  /** The platform registration and the deployment that launched. */
  plt: z.string(),
  dep: z.string(),
  role: z.enum(['learner', 'instructor']),
  /** The LMS course and the resource link (a placement of an item in it), when the launch had them. */
  ctx: z.string().nullable(),
  rl: z.string().nullable(),
  /** The item the launch opened; null for a deep-linking launch. */
  item: z.string().nullable(),
  /** The launch's Assignment and Grade Services endpoint claim, when the platform sent one. */
  ags: z
    .object({ lineitem: z.string().nullable(), lineitems: z.string().nullable(), scope: z.array(z.string()) })
    .nullable(),
  /** A deep-linking launch's settings: where the choice is posted, its opaque data, what may be returned. */
  dl: z.object({ ret: z.string(), data: z.string().nullable(), multiple: z.boolean() }).nullable(),
});
/** A learner session's claims. */
export type LearnerSession = z.infer<typeof LearnerSessionSchema>;

/** Signs and checks learner sessions with the store's `learner-session` secret. */
export function learnerSessions(
  store: Pick<LtiStore, 'serverSecret'>,
  now?: () => number,
): SignedTokenKind<LearnerSession> {
  return signedTokenKind(store, 'learner-session', LearnerSessionSchema, now);
}

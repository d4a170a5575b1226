import type { LtiStore } from '../store/index.js';
import { LearnerSessionSchema, type LearnerSession } from '../lti/learner-session.js';
import { signedTokenKind, type SignedTokenKind } from '../lti/signed-token.js';

/**
 * A SCORM ticket: what the learn page hands the module's launch frame (on the content origin, where the package
 * runs and can read it) instead of the learner session: the same claims, for one purpose only, reading and
 * writing that learner's attempt at that module on the content origin.
 */
export function scormTickets(store: Pick<LtiStore, 'serverSecret'>): SignedTokenKind<LearnerSession> {
  return signedTokenKind(store, 'scorm-ticket', LearnerSessionSchema);
}

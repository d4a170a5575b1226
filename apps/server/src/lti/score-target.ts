import type { Learner, ScoreTarget } from '../store/index.js';
import type { LearnerSession } from './learner-session.js';

/** The AGS scope that lets the tool post scores. */
export const SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';

/**
 * Where a learner's score for `itemId` goes, from the launch that opened it: its line item, or the line items
 * container to find the resource link's in. Null when the launch gave no grade service (nothing to post).
 */
export function scoreTargetOf(
  session: LearnerSession,
  learner: Pick<Learner, 'id' | 'subject'>,
  item: { id: string; title: string },
): ScoreTarget | null {
  const ags = session.ags;
  if (!ags || !ags.scope.includes(SCORE_SCOPE) || (!ags.lineitem && !ags.lineitems)) return null;
  return {
    platformId: session.plt,
    learnerId: learner.id,
    itemId: item.id,
    lineitemUrl: ags.lineitem,
    lineitemsUrl: ags.lineitems,
    resourceLinkId: session.rl,
    label: item.title,
    userId: learner.subject,
  };
}

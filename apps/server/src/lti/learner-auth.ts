import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { LearnerVerifier } from '../catalog/media-access.js';
import type { LearnerSession } from './learner-session.js';
import { TokenRefused, type SignedTokenKind } from './signed-token.js';

/** Reads the learner session of a request (`Authorization: Bearer <session>`), or answers 401 saying why. */
export function learnerAuth(sessions: SignedTokenKind<LearnerSession>) {
  return async function learnerOf(request: FastifyRequest): Promise<LearnerSession & { exp: number }> {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new AppError(
        'learner_session_required',
        'A learner session is required: open coursecast from the link in your course',
      );
    }
    try {
      return await sessions.verify(token);
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      throw new AppError(
        'learner_session_required',
        `The learner session ${err.message}: open coursecast from the link in your course again`,
      );
    }
  };
}

/** The learner sessions as the access mode reads them (catalog/media-access), refused with a 401 saying why. */
export function learnerAccess(sessions: SignedTokenKind<LearnerSession>): LearnerVerifier {
  return async (token) => {
    try {
      const session = await sessions.verify(token);
      return { subject: session.sub, itemId: session.item, expiresAt: session.exp };
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      throw new AppError(
        'learner_session_required',
        `The learner session ${err.message}: open coursecast from the link in your course again`,
      );
    }
  };
}

/** Answers 403 unless the session is an instructor's. */
export function requireInstructor(session: LearnerSession): void {
  if (session.role !== 'instructor')
    throw new AppError('learner_forbidden', 'Only an instructor of the course can do this');
}

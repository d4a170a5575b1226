import { ScormTicketResponseSchema, type ScormTicketResponse } from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { replySchema } from '../reply-schema.js';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { learnerAuth } from '../lti/learner-auth.js';
import type { LearnerSession } from '../lti/learner-session.js';
import type { SignedTokenKind } from '../lti/signed-token.js';
import { parseInput } from '../validation.js';

export interface ScormTicketDeps {
  sessions: SignedTokenKind<LearnerSession>;
  tickets: SignedTokenKind<LearnerSession>;
}

const Params = z.object({
  learnerId: z.string().regex(/^lrn_[a-z2-7]{16}$/, 'a learner id (lrn_…)'),
  itemId: z.string().regex(/^itm_[a-z2-7]{16}$/, 'an item id (itm_…)'),
});

/**
 * `POST /api/learners/:learnerId/items/:itemId/scorm-ticket` (the learner's session for that item): a ticket for
 * the module's launch frame on the content origin, valid as long as the session, for that attempt's data only.
 */
export const scormTicketRoutes: FastifyPluginAsync<ScormTicketDeps> = async (app, deps) => {
  const learnerOf = learnerAuth(deps.sessions);
  const schema = { schema: replySchema(ScormTicketResponseSchema, 201) };
  app.post('/api/learners/:learnerId/items/:itemId/scorm-ticket', schema, async (request, reply) => {
    const session = await learnerOf(request);
    const { learnerId, itemId } = parseInput(Params, request.params, 'path');
    if (session.sub !== learnerId || session.item !== itemId)
      throw new AppError('learner_forbidden', 'This learner session was opened for another learner or item');
    const { exp, ...claims } = session;
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000));
    return reply
      .status(201)
      .send({ ticket: await deps.tickets.sign(claims, ttl) } satisfies ScormTicketResponse);
  });
};

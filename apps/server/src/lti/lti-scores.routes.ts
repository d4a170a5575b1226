import { LtiScoreListSchema, type LtiScoreList } from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore } from '../store/index.js';
import { parseInput } from '../validation.js';

export interface LtiScoresRoutesDeps {
  store: Pick<CatalogStore, 'listScores' | 'countScores'>;
  adminToken: string;
}

const Query = z.object({
  state: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `GET /api/lti/scores` (admin): the score outbox (what reached the gradebooks, what waits, what failed and why). */
export const ltiScoresRoutes: FastifyPluginAsync<LtiScoresRoutesDeps> = async (app, deps) => {
  app.get(
    '/api/lti/scores',
    { onRequest: requireAdmin(deps.adminToken), schema: replySchema(LtiScoreListSchema) },
    async (request): Promise<LtiScoreList> => {
      const q = parseInput(Query, request.query ?? {}, 'query');
      const [scores, pending, sent, failed] = await Promise.all([
        deps.store.listScores(q.limit, q.state),
        deps.store.countScores('pending'),
        deps.store.countScores('sent'),
        deps.store.countScores('failed'),
      ]);
      return {
        scores: scores.map((s) => ({
          id: s.id,
          platformId: s.platformId,
          learnerId: s.learnerId,
          itemId: s.itemId,
          lineitemUrl: s.lineitemUrl,
          scoreGiven: s.score.scoreGiven,
          scoreMaximum: s.score.scoreMaximum,
          activityProgress: s.score.activityProgress,
          state: s.state,
          attempts: s.attempts,
          nextAttemptAt: s.nextAttemptAt,
          lastError: s.lastError,
          createdAt: s.createdAt,
          sentAt: s.sentAt,
        })),
        counts: { pending, sent, failed },
      };
    },
  );
};

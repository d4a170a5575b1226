import { ItemLearnersResponseSchema, type ItemLearnersResponse } from '@coursecast/api';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore } from '../store/index.js';
import { parseInput } from '../validation.js';
import { itemLearnerRow, itemLearnersCsv } from './item-learners.js';

export interface ItemLearnersDeps {
  store: Pick<
    CatalogStore,
    'getItem' | 'listItemLearners' | 'listItemProgress' | 'listItemScormAttempts' | 'listItemScores'
  >;
  adminToken: string;
}

const Params = z.object({ id: z.string().regex(/^itm_[a-z2-7]{16}$/, 'an item id (itm_…)') });

/**
 * The instructor's view of an item's learners (admin: learner data is personal data): `GET /api/items/:id/learners`
 * and the same as CSV (`/api/items/:id/learners.csv`): status, completion or attempt and score, time spent, last
 * seen, and the score the LMS gradebook got.
 */
export const itemLearnersRoutes: FastifyPluginAsync<ItemLearnersDeps> = async (app, deps) => {
  async function report(request: FastifyRequest): Promise<ItemLearnersResponse> {
    const { id } = parseInput(Params, request.params, 'path');
    const item = await deps.store.getItem(id);
    if (!item) throw new AppError('item_not_found', `No item with id ${id}`);
    const [learners, progress, attempts, scores] = await Promise.all([
      deps.store.listItemLearners(id),
      deps.store.listItemProgress(id),
      deps.store.listItemScormAttempts(id),
      deps.store.listItemScores(id),
    ]);
    const byLearner = <T extends { learnerId: string }>(rows: T[]) => {
      const map = new Map<string, T>();
      // Newest first: the first row of a learner is theirs.
      for (const r of rows) if (!map.has(r.learnerId)) map.set(r.learnerId, r);
      return map;
    };
    const [p, a, s] = [byLearner(progress), byLearner(attempts), byLearner(scores)];
    const rows = learners.map((l) => itemLearnerRow(l, p.get(l.id), a.get(l.id), s.get(l.id)));
    rows.sort((x, y) => y.lastSeen.localeCompare(x.lastSeen));
    return { itemId: id, learners: rows };
  }

  const admin = { onRequest: requireAdmin(deps.adminToken) };
  app.get('/api/items/:id/learners', { ...admin, schema: replySchema(ItemLearnersResponseSchema) }, report);
  app.get('/api/items/:id/learners.csv', admin, async (request, reply) => {
    const answer = await report(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${answer.itemId}-learners.csv"`)
      .header('cache-control', 'no-store')
      .send(itemLearnersCsv(answer.learners));
  });
};

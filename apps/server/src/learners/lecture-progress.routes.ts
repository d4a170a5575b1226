import {
  LectureProgressResponseSchema,
  LectureProgressUpdateSchema,
  type LectureProgressResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../errors.js';
import { learnerAuth } from '../lti/learner-auth.js';
import type { LearnerSession } from '../lti/learner-session.js';
import { scoreTargetOf } from '../lti/score-target.js';
import type { SignedTokenKind } from '../lti/signed-token.js';
import { replySchema } from '../reply-schema.js';
import { newId, type CatalogStore, type LectureProgress } from '../store/index.js';
import { parseInput } from '../validation.js';
import { coveredSeconds, mergeRanges } from './watched-ranges.js';

export interface LectureProgressDeps {
  store: Pick<CatalogStore, 'getItem' | 'getLearner' | 'getLectureProgress' | 'saveLectureProgress'>;
  sessions: SignedTokenKind<LearnerSession>;
  /** Share of unique seconds that completes a lecture, 0..1. */
  threshold: number;
  /** Progress writes per learner. */
  limiter: RateLimiter;
  /** Told when a score was queued (the outbox delivers it). */
  onScore: () => void;
}

const Params = z.object({
  learnerId: z.string().regex(/^lrn_[a-z2-7]{16}$/, 'a learner id (lrn_…)'),
  itemId: z.string().regex(/^itm_[a-z2-7]{16}$/, 'an item id (itm_…)'),
});

/** Nearer the start or the end than this, there is nothing to resume. */
const RESUME_MARGIN_SECONDS = 5;

function answer(p: LectureProgress | null, duration: number, threshold: number): LectureProgressResponse {
  const position = p?.positionSeconds ?? 0;
  const watchedSeconds = p?.watchedSeconds ?? 0;
  const worthResuming = position >= RESUME_MARGIN_SECONDS && position < duration - RESUME_MARGIN_SECONDS;
  return {
    positionSeconds: position,
    resumeAt: worthResuming ? position : null,
    watchedSeconds,
    durationSeconds: duration,
    completion: duration > 0 ? Math.min(1, watchedSeconds / duration) : 0,
    completed: p?.completedAt != null,
    threshold,
  };
}

/**
 * A learner's progress in a lecture, with the learner session of the launch that opened it (no one else's, no
 * other item's: 403): `GET` for the watch page's "resume at", `PUT` with the position and the seconds watched since
 * the last report. Completion is unique seconds watched over the item's duration (the catalog's, not the
 * client's); reaching the threshold records the completion and queues the score for the LMS in the same write.
 */
export const lectureProgressRoutes: FastifyPluginAsync<LectureProgressDeps> = async (app, deps) => {
  const learnerOf = learnerAuth(deps.sessions);

  /** The session, checked against the path; the item and its duration. */
  async function scope(request: FastifyRequest) {
    const session = await learnerOf(request);
    const { learnerId, itemId } = parseInput(Params, request.params, 'path');
    if (session.sub !== learnerId)
      throw new AppError(
        'learner_forbidden',
        "This learner session cannot read or write another learner's progress",
      );
    if (session.item !== itemId)
      throw new AppError(
        'learner_forbidden',
        `This learner session was opened for another item than ${itemId}`,
      );
    const item = await deps.store.getItem(itemId);
    if (!item) throw new AppError('item_not_found', `No item with id ${itemId}`);
    if (item.kind !== 'video' || !item.durationSeconds)
      throw new AppError('conflict', `Item ${itemId} is not a lecture with a known duration`);
    return { session, item, duration: item.durationSeconds };
  }

  const schema = { schema: replySchema(LectureProgressResponseSchema) };
  app.get('/api/learners/:learnerId/items/:itemId/progress', schema, async (request) => {
    const { session, item, duration } = await scope(request);
    return answer(await deps.store.getLectureProgress(session.sub, item.id), duration, deps.threshold);
  });

  app.put('/api/learners/:learnerId/items/:itemId/progress', schema, async (request) => {
    const { session, item, duration } = await scope(request);
    const retry = deps.limiter.take(session.sub);
    if (retry !== null) {
      throw new AppError('rate_limited', 'Too many progress reports from this learner', {
        retryAfterSeconds: retry,
      });
    }
    const update = parseInput(LectureProgressUpdateSchema, request.body ?? {}, 'progress');
    const before = await deps.store.getLectureProgress(session.sub, item.id);
    const watched = mergeRanges(before?.watched ?? [], update.watched, Math.ceil(duration));
    const watchedSeconds = coveredSeconds(watched);
    const share = Math.min(1, watchedSeconds / duration);
    const completesNow = before?.completedAt == null && share >= deps.threshold;
    const completedAt = before?.completedAt ?? (completesNow ? new Date().toISOString() : null);
    const progress = {
      learnerId: session.sub,
      itemId: item.id,
      positionSeconds: Math.min(update.positionSeconds, duration),
      watched,
      watchedSeconds,
      durationSeconds: duration,
      completedAt,
    };
    const learner = completesNow ? await deps.store.getLearner(session.sub) : null;
    const target = learner ? scoreTargetOf(session, learner, item) : null;
    const saved = await deps.store.saveLectureProgress(
      progress,
      target
        ? {
            id: newId('sco'),
            target,
            body: {
              scoreGiven: Math.round(share * 100),
              scoreMaximum: 100,
              activityProgress: 'Completed',
              gradingProgress: 'FullyGraded',
              timestamp: new Date().toISOString(),
              comment: `Watched ${Math.round(share * 100)} % of “${item.title}”`,
            },
          }
        : undefined,
    );
    if (target) deps.onScore();
    return answer(saved, duration, deps.threshold);
  });
};

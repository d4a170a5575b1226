import {
  ScormCommitResponseSchema,
  ScormLaunchStateSchema,
  type ScormCommitResponse,
  type ScormLaunchState,
} from '@coursecast/api';
import { PACKAGE_TYPES } from '@coursecast/semconv';
import { replySchema } from '../reply-schema.js';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../errors.js';
import { learnerAuth } from '../lti/learner-auth.js';
import type { LearnerSession } from '../lti/learner-session.js';
import { scoreTargetOf } from '../lti/score-target.js';
import type { SignedTokenKind } from '../lti/signed-token.js';
import { newId, type CatalogStore, type ScormAttempt } from '../store/index.js';
import { parseInput } from '../validation.js';
import {
  cmiProblem,
  keptValues,
  launchValues,
  nextLaunch,
  OVER_LIMIT_ERROR,
  sessionSeconds,
  statusOf,
  type ScormEdition,
} from './scorm-cmi.js';

export interface ScormAttemptsDeps {
  store: Pick<CatalogStore, 'getItem' | 'getLearner' | 'latestScormAttempt' | 'saveScormAttempt'>;
  tickets: SignedTokenKind<LearnerSession>;
  /** Writes per learner. */
  limiter: RateLimiter;
  /** Told when a score was queued (the outbox delivers it; without it, its next round does). */
  onScore?: () => void;
}

const Params = z.object({ itemId: z.string().regex(/^itm_[a-z2-7]{16}$/, 'an item id (itm_…)') });
const CmiWrite = z.strictObject({
  attempt: z.number().int().min(1),
  call: z.enum(['commit', 'finish']),
  values: z.record(z.string().max(255), z.string()),
});

/** The attempt's status is a gradebook's business once it says completed, passed or failed. */
const graded = (a: Pick<ScormAttempt, 'completionStatus' | 'successStatus'>): boolean =>
  a.completionStatus === 'completed' || a.successStatus === 'passed' || a.successStatus === 'failed';

/**
 * A learner's SCORM attempt, on the content origin, with the ticket of the learn page's launch (never the learner
 * session: the package runs on this origin): `GET /launch/:itemId/cmi` says which attempt the launch continues
 * (a suspended one, with its values, `entry` resume) or starts, and the learner's id and name; `PUT` keeps the
 * values at each commit and finish, within the SCORM limits (a value over them is refused and nothing changes),
 * adds a finished session's time to the total, and queues the score when the status is one a gradebook takes.
 */
export const scormAttemptsRoutes: FastifyPluginAsync<ScormAttemptsDeps> = async (app, deps) => {
  const ticketOf = learnerAuth(deps.tickets);

  async function scope(request: FastifyRequest) {
    const ticket = await ticketOf(request);
    const { itemId } = parseInput(Params, request.params, 'path');
    if (ticket.item !== itemId)
      throw new AppError('learner_forbidden', `This ticket was given for another item than ${itemId}`);
    const item = await deps.store.getItem(itemId);
    const type = item?.kind === 'interactive' ? item.sourceInfo?.package.type : undefined;
    if (!item || (type !== PACKAGE_TYPES.scorm12 && type !== PACKAGE_TYPES.scorm2004))
      throw new AppError('item_not_found', `No SCORM module with id ${itemId}`);
    const edition: ScormEdition = type === PACKAGE_TYPES.scorm12 ? '1.2' : '2004';
    return { ticket, item, edition };
  }

  app.get('/launch/:itemId/cmi', { schema: replySchema(ScormLaunchStateSchema) }, async (request, reply) => {
    const { ticket, item, edition } = await scope(request);
    const [latest, learner] = await Promise.all([
      deps.store.latestScormAttempt(ticket.sub, item.id),
      deps.store.getLearner(ticket.sub),
    ]);
    const next = nextLaunch(latest);
    void reply.header('cache-control', 'no-store');
    return {
      attempt: next.attempt,
      edition,
      restored: next.restored,
      initial: launchValues(edition, next, { id: ticket.sub, name: learner?.name ?? null }),
    } satisfies ScormLaunchState;
  });

  const put = { bodyLimit: 2 * 1024 * 1024, schema: replySchema(ScormCommitResponseSchema) };
  app.put('/launch/:itemId/cmi', put, async (request) => {
    const { ticket, item, edition } = await scope(request);
    const retry = deps.limiter.take(ticket.sub);
    if (retry !== null)
      throw new AppError('rate_limited', 'Too many commits from this learner', { retryAfterSeconds: retry });
    const write = parseInput(CmiWrite, request.body ?? {}, 'commit');
    const problem = cmiProblem(write.values, edition);
    if (problem) {
      throw new AppError('invalid_request', `The module's data was not kept: ${problem}`, {
        scormError: OVER_LIMIT_ERROR[edition],
      });
    }
    const latest = await deps.store.latestScormAttempt(ticket.sub, item.id);
    const expected = nextLaunch(latest).attempt;
    if (write.attempt !== expected)
      throw new AppError(
        'conflict',
        `Attempt ${write.attempt} is not the one open (${expected}): launch again`,
      );
    const status = statusOf(write.values, edition);
    const sameAttempt = latest?.attempt === write.attempt;
    const finished = write.call === 'finish';
    const session = finished
      ? sessionSeconds(write.values['cmi.session_time'] ?? write.values['cmi.core.session_time'])
      : 0;
    const attempt = {
      learnerId: ticket.sub,
      itemId: item.id,
      attempt: write.attempt,
      cmi: keptValues(write.values),
      ...status,
      // The exit says how the session ended when it ends; a suspend already committed counts too (a browser
      // closed before Terminate must not lose the attempt).
      exitMode:
        finished || status.exitMode === 'suspend' ? status.exitMode : sameAttempt ? latest.exitMode : '',
      totalTimeSeconds: (sameAttempt ? latest.totalTimeSeconds : 0) + session,
      finished,
    };
    const before = sameAttempt ? latest : null;
    const changed =
      graded(attempt) &&
      (!before ||
        !graded(before) ||
        before.completionStatus !== attempt.completionStatus ||
        before.successStatus !== attempt.successStatus ||
        before.scoreScaled !== attempt.scoreScaled);
    const learner = changed ? await deps.store.getLearner(ticket.sub) : null;
    const target = learner ? scoreTargetOf(ticket, learner, item) : null;
    const given =
      attempt.scoreScaled !== null
        ? Math.max(0, attempt.scoreScaled) * 100
        : attempt.successStatus === 'failed'
          ? 0
          : 100;
    const saved = await deps.store.saveScormAttempt(
      attempt,
      target
        ? {
            id: newId('sco'),
            target,
            body: {
              scoreGiven: Math.round(given * 100) / 100,
              scoreMaximum: 100,
              activityProgress: attempt.completionStatus === 'completed' ? 'Completed' : 'InProgress',
              gradingProgress: 'FullyGraded',
              timestamp: new Date().toISOString(),
            },
          }
        : undefined,
    );
    if (target) deps.onScore?.();
    return {
      attempt: saved.attempt,
      finished: saved.finished,
      completionStatus: saved.completionStatus,
      successStatus: saved.successStatus,
      scoreScaled: saved.scoreScaled,
      totalTimeSeconds: saved.totalTimeSeconds,
    } satisfies ScormCommitResponse;
  });
};

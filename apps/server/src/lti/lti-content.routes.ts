import {
  CatalogResponseSchema,
  LtiDeepLinkRequestSchema,
  LtiDeepLinkResponseSchema,
  type CatalogResponse,
  type LtiDeepLinkResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { toPublicCourseView } from '../catalog/catalog.routes.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore } from '../store/index.js';
import { parseInput } from '../validation.js';
import { resourceLinkItem, signDeepLinkResponse } from './deep-link-response.js';
import { learnerAuth, requireInstructor } from './learner-auth.js';
import type { LearnerSession } from './learner-session.js';
import type { SignedTokenKind } from './signed-token.js';
import type { ToolKeyring } from './tool-keyring.js';

export interface LtiContentRoutesDeps {
  store: Pick<CatalogStore, 'listCourses' | 'listItems' | 'getItem' | 'getLtiPlatform'>;
  sessions: SignedTokenKind<LearnerSession>;
  keyring: ToolKeyring;
  /** Calls per instructor: listing the catalog reads every course. */
  limiter: RateLimiter;
  baseUrl: () => string;
  contentUrl: () => string;
  now?: () => number;
}

/** What the picker lists at most: its cost per request is bounded. */
const PICKER_MAX_COURSES = 200;
const PICKER_MAX_ITEMS = 500;

/**
 * Deep Linking 2.0 for an instructor launched in deep-linking mode: `GET /api/lti/content` lists what may be
 * placed in the LMS course (every course's items that did not fail), `POST /api/lti/deep-link` signs the
 * `LtiDeepLinkingResponse` of the chosen items for the picker to post back to the platform.
 */
export const ltiContentRoutes: FastifyPluginAsync<LtiContentRoutesDeps> = async (app, deps) => {
  const learnerOf = learnerAuth(deps.sessions);
  const now = deps.now ?? (() => Date.now());

  /** The session of a deep-linking launch by an instructor. */
  const pickerSession = async (request: Parameters<typeof learnerOf>[0]) => {
    const session = await learnerOf(request);
    requireInstructor(session);
    const retry = deps.limiter.take(session.sub);
    if (retry !== null)
      throw new AppError('rate_limited', 'Too many requests from this session', { retryAfterSeconds: retry });
    if (!session.dl) throw new AppError('learner_forbidden', 'This session was not opened to choose content');
    return { ...session, dl: session.dl };
  };

  app.get('/api/lti/content', { schema: replySchema(CatalogResponseSchema) }, async (request) => {
    await pickerSession(request);
    const courses = (await deps.store.listCourses()).slice(0, PICKER_MAX_COURSES);
    const answer: CatalogResponse = { courses: [] };
    for (const course of courses) {
      const items = (await deps.store.listItems(course.id)).filter((i) => i.status !== 'failed');
      const view = toPublicCourseView(
        course,
        items.slice(0, PICKER_MAX_ITEMS),
        deps.baseUrl(),
        deps.contentUrl(),
      );
      answer.courses.push({ ...view, itemCount: items.length });
    }
    return answer;
  });

  app.post('/api/lti/deep-link', { schema: replySchema(LtiDeepLinkResponseSchema) }, async (request) => {
    const session = await pickerSession(request);
    const { itemIds } = parseInput(LtiDeepLinkRequestSchema, request.body ?? {}, 'choice');
    if (itemIds.length > 1 && !session.dl.multiple)
      throw new AppError('invalid_request', 'The platform accepts one item here: choose one');
    const platform = await deps.store.getLtiPlatform(session.plt);
    if (!platform)
      throw new AppError(
        'lti_platform_not_found',
        'The platform that launched this session is no longer registered',
      );
    const items = [];
    for (const id of new Set(itemIds)) {
      const item = await deps.store.getItem(id);
      if (!item)
        throw new AppError('item_not_found', `The item ${id} was removed from coursecast: choose again`);
      items.push(resourceLinkItem(item, deps.baseUrl()));
    }
    const jwt = await signDeepLinkResponse({
      keyring: deps.keyring,
      platform,
      deploymentId: session.dep,
      items,
      data: session.dl.data,
      now: now(),
    });
    return { returnUrl: session.dl.ret, jwt, items: items.length } satisfies LtiDeepLinkResponse;
  });
};

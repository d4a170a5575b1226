import { CatalogResponseSchema, type CatalogResponse } from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore } from '../store/index.js';
import { toPublicCourseView } from './catalog.routes.js';
import type { MediaAccess } from './media-access.js';
import { PLAIN_MEDIA_URLS, type MediaUrls } from './media-links.js';

export interface PublicCatalogDeps {
  store: CatalogStore;
  baseUrl: () => string;
  contentUrl: () => string;
  /** How long one answer is reused (ms): a flood of home-page loads costs one catalog read per period. */
  reuseMs?: number;
  /** Enrolled access lists the catalog to the admin only (a learner's launch opens one item). */
  access: MediaAccess;
}

/** Courses and items per course the catalog shows at most: its cost per request is bounded. */
export const CATALOG_MAX_COURSES = 50;
export const CATALOG_MAX_ITEMS = 50;

/**
 * `GET /api/catalog` (public; the admin's only under enrolled access): the courses an instructor listed, newest
 * first, each with its first items and their status, for the home page. Unlisted courses stay reachable by their
 * link only. The public answer is computed at most once per `reuseMs` whoever asks, so strangers cannot turn it
 * into load on the store.
 */
export const publicCatalogRoutes: FastifyPluginAsync<PublicCatalogDeps> = async (app, deps) => {
  const reuseMs = deps.reuseMs ?? 2000;
  let cached: { at: number; answer: Promise<CatalogResponse> } | null = null;

  async function build(media: MediaUrls = PLAIN_MEDIA_URLS): Promise<CatalogResponse> {
    const courses = await deps.store.listListedCourses(CATALOG_MAX_COURSES);
    const entries = [];
    for (const course of courses) {
      const items = await deps.store.listItems(course.id);
      const view = toPublicCourseView(
        course,
        items.slice(0, CATALOG_MAX_ITEMS),
        deps.baseUrl(),
        deps.contentUrl(),
        media,
      );
      entries.push({ ...view, itemCount: items.length });
    }
    return { courses: entries };
  }

  app.get('/api/catalog', { schema: replySchema(CatalogResponseSchema) }, async (request, reply) => {
    if (deps.access.enrolled) {
      const viewer = await deps.access.viewer(request, reply, null);
      void reply.header('cache-control', 'private, no-store');
      return build(deps.access.urls(viewer));
    }
    const now = Date.now();
    if (!cached || now - cached.at >= reuseMs) {
      const answer = build();
      cached = { at: now, answer };
      // A failed read is not reused: the next request tries again.
      answer.catch(() => {
        if (cached?.answer === answer) cached = null;
      });
    }
    void reply.header('cache-control', `public, max-age=${Math.floor(reuseMs / 1000)}`);
    return cached.answer;
  });
};

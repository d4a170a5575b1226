import { rm } from 'node:fs/promises';
import {
  CourseListResponseSchema,
  CourseResponseSchema,
  CourseWithItemsResponseSchema,
  ItemOrPublicItemResponseSchema,
  JobResponseSchema,
  type CourseListResponse,
  type CourseResponse,
  type CourseWithItemsResponse,
  type ItemOrPublicItemResponse,
  type JobResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { ITEM_KINDS } from '@coursecast/semconv';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import { newId, StoreError, type CatalogStore, type Course, type Item } from '../store/index.js';
import { parseInput } from '../validation.js';
import { itemContent, publicItem, toItemResponse, toPublicItemResponse } from './item-response.js';
import type { MediaPaths } from './media-paths.js';
import type { MediaAccess, Viewer } from './media-access.js';
import { PLAIN_MEDIA_URLS, type MediaUrls } from './media-links.js';
import { TitleInput } from './title-text.js';

/** What the catalog asks of the job runner: stop an item's job, and look for new work. */
export interface CatalogJobControl {
  /** Stops a queued or running job (the item is going away). */
  cancel(jobId: string, reason?: string): Promise<unknown>;
  /** A job row was added: the runner should look for work now rather than at its next poll. */
  notify(): void;
}

export interface CatalogRoutesDeps {
  store: CatalogStore;
  jobs: CatalogJobControl;
  paths: MediaPaths;
  adminToken: string;
  baseUrl: () => string;
  /** The content origin's base URL, where modules run (ADR 0010). */
  contentUrl: () => string;
  /** Attempts a re-transcode job gets. */
  maxAttempts: number;
  /** Called once an item's files are gone (the edge purges what it cached). */
  onContentRemoved?: (itemId: string) => void;
  /** Ends an item's just-in-time sessions, before its files go (none when this server runs no sessions). */
  endSessions?: (itemId: string) => Promise<void>;
  /** Who may read a course or an item, and the media URLs they get (enrolled access signs them). */
  access: MediaAccess;
}

const NewCourseBody = z.strictObject({
  title: TitleInput,
  description: z.string().max(5000).default(''),
  listed: z.boolean().default(false),
});
const CoursePatchBody = z
  .strictObject({
    title: TitleInput.optional(),
    description: z.string().max(5000).optional(),
    listed: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give a title, a description or listed');
const IdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Builds the public course answer field by field: a field added to Course or Item later stays private
 * until it is named here (`publicItem` says what an item shows). `content` holds only public URLs and a
 * document's or module's type and size.
 */
export function toPublicCourseView(
  course: Course,
  items: Item[],
  baseUrl: string,
  contentUrl: string,
  media: MediaUrls = PLAIN_MEDIA_URLS,
): CourseWithItemsResponse {
  return {
    course: {
      id: course.id,
      title: course.title,
      description: course.description,
      listed: course.listed,
      createdAt: course.createdAt,
    },
    items: items.map((i) => ({ ...publicItem(i), content: itemContent(i, baseUrl, contentUrl, media) })),
  };
}

/**
 * Courses and items: management routes and the list of every course need the admin token; reading one
 * course or one item is public (learners' course pages and players need them; ids are unguessable). One
 * item answers in two shapes: its public facts and URLs to anyone, everything (probe, job, FFmpeg's
 * error) to a request with the admin token.
 */
export const catalogRoutes: FastifyPluginAsync<CatalogRoutesDeps> = async (app, deps) => {
  const { store, jobs, paths } = deps;
  const admin = { onRequest: requireAdmin(deps.adminToken) };

  /** An admin's answer carries the latest job; a stranger's needs the renditions only to know one is published. */
  async function itemResponse(id: string, viewer: Viewer): Promise<ItemOrPublicItemResponse> {
    const item = await store.getItem(id);
    if (!item) throw new AppError('item_not_found', `No item with id ${id}`);
    const media = deps.access.urls(viewer);
    if (!viewer.admin) {
      const renditions = await store.listRenditions(id);
      return toPublicItemResponse(item, renditions, deps.baseUrl(), deps.contentUrl(), media);
    }
    const [renditions, jobs] = await Promise.all([
      store.listRenditions(id),
      store.listJobs({ itemId: id, limit: 1 }),
    ]);
    return toItemResponse(item, renditions, jobs[0] ?? null, deps.baseUrl(), deps.contentUrl(), media);
  }

  app.post(
    '/api/courses',
    { ...admin, schema: replySchema(CourseResponseSchema, 201) },
    async (request, reply) => {
      const body = parseInput(NewCourseBody, request.body ?? {}, 'course');
      const course = await store.createCourse({ id: newId('crs'), ...body });
      return reply.status(201).send({ course } satisfies CourseResponse);
    },
  );

  app.get(
    '/api/courses',
    { ...admin, schema: replySchema(CourseListResponseSchema) },
    async (): Promise<CourseListResponse> => ({ courses: await store.listCourses() }),
  );

  const oneCourse = { schema: replySchema(CourseWithItemsResponseSchema) };
  app.get('/api/courses/:id', oneCourse, async (request, reply) => {
    void reply.header('vary', 'authorization');
    // Enrolled access: a course page is the admin's only (a learner's launch opens one item).
    const viewer = await deps.access.viewer(request, reply, null);
    const { id } = parseInput(IdParams, request.params, 'path');
    const course = await store.getCourse(id);
    if (!course) throw new AppError('course_not_found', `No course with id ${id}`);
    const items = await store.listItems(id);
    return toPublicCourseView(course, items, deps.baseUrl(), deps.contentUrl(), deps.access.urls(viewer));
  });

  const oneItem = { schema: replySchema(ItemOrPublicItemResponseSchema) };
  app.get('/api/items/:id', oneItem, async (request, reply) => {
    // One URL, two answers: a cache on the way must not give an admin's answer to a stranger.
    void reply.header('vary', 'authorization');
    const { id } = parseInput(IdParams, request.params, 'path');
    return itemResponse(id, await deps.access.viewer(request, reply, id));
  });

  /** Stops an item's work, then removes its row and its files, and lets the edges know. */
  async function removeItem(id: string): Promise<void> {
    // Stop the encoder first so it cannot write into folders we are about to remove.
    for (const job of await store.listJobs({ itemId: id })) {
      if (job.state === 'running' || job.state === 'queued') await jobs.cancel(job.id, 'item deleted');
    }
    await deps.endSessions?.(id);
    await store.deleteItem(id);
    await Promise.all([
      rm(paths.uploadDir(id), { recursive: true, force: true }),
      rm(paths.itemMediaDir(id), { recursive: true, force: true }),
    ]);
    deps.onContentRemoved?.(id);
  }

  app.delete('/api/items/:id', admin, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const item = await store.getItem(id);
    if (!item) throw new AppError('item_not_found', `No item with id ${id}`);
    await removeItem(id);
    return reply.status(204).send();
  });

  app.patch('/api/courses/:id', { ...admin, schema: replySchema(CourseResponseSchema) }, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const patch = parseInput(CoursePatchBody, request.body ?? {}, 'course');
    const course = await store.updateCourse(id, patch);
    if (!course) throw new AppError('course_not_found', `No course with id ${id}`);
    return { course } satisfies CourseResponse;
  });

  // A course goes with its items (their files, jobs and sessions): the studio asks for confirmation first.
  app.delete('/api/courses/:id', admin, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    if (!(await store.getCourse(id))) throw new AppError('course_not_found', `No course with id ${id}`);
    for (const item of await store.listItems(id)) await removeItem(item.id);
    try {
      await store.deleteCourse(id);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'conflict') {
        throw new AppError(
          'conflict',
          `an item was added to course ${id} while it was being deleted; delete it again`,
        );
      }
      throw err;
    }
    return reply.status(204).send();
  });

  // Re-transcode (new ladder settings, a failed item): the old version stays served until the new one
  // is published, then its files are removed and the edge purges them.
  const transcode = { ...admin, schema: replySchema(JobResponseSchema, 202) };
  app.post('/api/items/:id/transcode', transcode, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const item = await store.getItem(id);
    if (!item) throw new AppError('item_not_found', `No item with id ${id}`);
    if (item.kind !== ITEM_KINDS.video) {
      throw new AppError(
        'conflict',
        `item ${id} is ${item.kind === 'document' ? 'a document' : 'an interactive module'}: only videos are transcoded`,
      );
    }
    if (!item.sourceFile) throw new AppError('conflict', `item ${id} has no source to transcode`);
    const job = await store.createJob({ id: newId('job'), itemId: id, maxAttempts: deps.maxAttempts });
    jobs.notify();
    return reply.status(202).send({ job } satisfies JobResponse);
  });
};

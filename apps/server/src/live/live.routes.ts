import {
  LiveCreateBodySchema,
  LiveResponseSchema,
  LiveStatusResponseSchema,
  ServerTimeResponseSchema,
  type LiveResponse,
  type ServerTimeResponse,
  type LiveStatusResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import type { MediaAccess } from '../catalog/media-access.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import { isStoreError } from '../store/index.js';
import { parseInput } from '../validation.js';
import type { LiveService, LiveView } from './live-service.js';

/** What the live routes need. */
export interface LiveRoutesDeps {
  live: LiveService;
  adminToken: string;
  baseUrl: () => string;
  access: MediaAccess;
  segmentSeconds: number;
}

const CourseParams = z.object({ id: z.string().min(1).max(64) });
const ItemParams = z.object({ id: z.string().min(1).max(64) });
const MASTER = 'master.m3u8';

function liveResponse(view: LiveView, url: string): LiveResponse {
  const { item, live, runtime } = view;
  const health = runtime?.health() ?? null;
  return {
    itemId: item.id,
    courseId: item.courseId,
    title: item.title,
    state: live.state,
    scheduledAt: live.scheduledAt,
    startedAt: live.startedAt,
    endedAt: live.endedAt,
    endReason: live.endReason,
    error: live.error,
    ingest: view.ingest,
    ladder: live.plan
      ? {
          rungs: live.plan.rungs.map((r) => ({
            name: r.name,
            width: r.width,
            height: r.height,
            mode: r.mode,
          })),
          audio: live.plan.audio !== null,
          copyReasons: live.plan.copyReasons,
        }
      : null,
    runs: live.runs.map((r) => ({
      run: r.run,
      protocol: r.protocol,
      connectedAt: r.connectedAt,
      endedAt: r.endedAt,
      reason: r.reason,
    })),
    reconnects: Math.max(0, live.runs.length - 1),
    health: health && {
      bitrate: health.bitrate,
      frameRate: health.frameRate,
      keyframeInterval: health.keyframeInterval,
      encoderSpeed: health.encoderSpeed,
    },
    url,
  };
}

/**
 * Live lectures. Admin (the studio): create one in a course, read it with its ingest URLs and secrets and its input's
 * health, end it. Public: its status for the watch page (no secrets), answered from memory and the catalog only.
 */
export const liveRoutes: FastifyPluginAsync<LiveRoutesDeps> = async (app, deps) => {
  const admin = { onRequest: requireAdmin(deps.adminToken) };
  const masterUrl = async (request: FastifyRequest, reply: FastifyReply, view: LiveView): Promise<string> => {
    const media = deps.access.urls(await deps.access.viewer(request, reply, view.item.id));
    return `${deps.baseUrl()}${media.path(view.item.id, view.item.mediaVersion ?? '', MASTER)}`;
  };

  app.post(
    '/api/courses/:id/live',
    { ...admin, schema: replySchema(LiveResponseSchema, 201) },
    async (request, reply): Promise<LiveResponse> => {
      const { id } = parseInput(CourseParams, request.params, 'path');
      const body = parseInput(LiveCreateBodySchema, request.body ?? {}, 'body');
      const scheduledAt = body.scheduledAt ? new Date(body.scheduledAt).toISOString() : null;
      const view = await deps.live.create(id, body.title, scheduledAt).catch((err: unknown) => {
        if (isStoreError(err) && err.code === 'not_found')
          throw new AppError('course_not_found', `No course ${id}`);
        throw err;
      });
      void reply.code(201);
      return liveResponse(view, await masterUrl(request, reply, view));
    },
  );

  app.get(
    '/api/items/:id/live',
    { ...admin, schema: replySchema(LiveResponseSchema) },
    async (request, reply) => {
      const { id } = parseInput(ItemParams, request.params, 'path');
      const view = await deps.live.get(id);
      return liveResponse(view, await masterUrl(request, reply, view));
    },
  );

  app.post(
    '/api/items/:id/live/end',
    { ...admin, schema: replySchema(LiveResponseSchema) },
    async (request, reply) => {
      const { id } = parseInput(ItemParams, request.params, 'path');
      const view = await deps.live.end(id);
      return liveResponse(view, await masterUrl(request, reply, view));
    },
  );

  app.get(
    '/api/items/:id/live/status',
    { schema: replySchema(LiveStatusResponseSchema) },
    async (request, reply): Promise<LiveStatusResponse> => {
      const { id } = parseInput(ItemParams, request.params, 'path');
      const view = await deps.live.get(id);
      const media = deps.access.urls(await deps.access.viewer(request, reply, id));
      const playable = view.runtime ? view.runtime.playable() : view.item.status === 'ready';
      void reply.header('cache-control', 'no-store');
      return {
        itemId: id,
        state: view.live.state,
        scheduledAt: view.live.scheduledAt,
        startedAt: view.live.startedAt,
        endedAt: view.live.endedAt,
        url: playable ? `${deps.baseUrl()}${media.path(id, view.item.mediaVersion ?? '', MASTER)}` : null,
        segmentSeconds: deps.segmentSeconds,
      };
    },
  );

  // The server's clock, for the live SDK's offset: constant work, nothing stored, never cached.
  app.get(
    '/api/time',
    { schema: replySchema(ServerTimeResponseSchema) },
    async (_request, reply): Promise<ServerTimeResponse> => {
      void reply.header('cache-control', 'no-store');
      return { now: Date.now() };
    },
  );
};

import path from 'node:path';
import {
  JitSessionListResponseSchema,
  PlaybackResponseSchema,
  type JitSessionListResponse,
  type PlaybackResponse,
} from '@coursecast/api';
import { decidePlayback, type PlaybackPlan, type PlanOptions } from '@coursecast/media';
import { PLAYBACK_MODES } from '@coursecast/semconv';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { clientKey } from '../auth/client-key.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { publicCaptionTrack } from '../catalog/caption-urls.js';
import { jitVersion, SOURCE_VERSION } from '../catalog/content-url.js';
import type { MediaAccess } from '../catalog/media-access.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore } from '../store/index.js';
import { parseInput } from '../validation.js';
import { CapabilitiesQuery } from './client-capabilities.js';
import { JIT_MASTER, type JitService } from './jit-service.js';

export interface JitRoutesDeps {
  store: CatalogStore;
  jit: JitService;
  /** Playback (plan) requests per client: each may open FFmpeg work, so strangers get a budget. */
  planLimiter: RateLimiter;
  planOptions: PlanOptions;
  adminToken: string;
  baseUrl: () => string;
  /** Who may play an item, and the media URLs they get (enrolled access signs them, sessions' included). */
  access: MediaAccess;
  /**
   * Live lectures: the plan of an item that is one (live while open, its recording once ended), or null for any
   * other item. Absent: no live lectures.
   */
  live?: LivePlayback | null;
}

/** A live lecture's playback, as the live stage answers it (its plan and master playlist path). */
export interface LivePlayback {
  plan(itemId: string): Promise<{ plan: PlaybackPlan; version: string } | null>;
}

const IdParams = z.object({ id: z.string().min(1).max(64) });
/** The session's capability token, from the heartbeat and end URLs the playback answer gave. */
const TokenQuery = z.object({
  token: z
    .string({ error: 'the session token of the playback answer is required' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/),
});
const ViewerQuery = z.object({
  viewer: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

/**
 * Playback decisions and session control. `GET /api/items/:id/playback` answers the plan and the URL to
 * play: the ladder's master playlist, the source itself, or a just-in-time session's master playlist (the
 * session is opened here; the origin serves its files, the master included, through JitService.resolve).
 */
export const jitRoutes: FastifyPluginAsync<JitRoutesDeps> = async (app, deps) => {
  const { store, jit } = deps;
  // Players may live on another origin than the API (a course site embedding the player): the playback
  // and session routes are public and say so, and answer the preflight DELETE needs.
  const cors = { onSend: corsHeaders };
  app.options('/api/items/:id/playback', preflight);
  app.options('/api/sessions/:id', preflight);
  app.options('/api/sessions/:id/heartbeat', preflight);

  const playback = { ...cors, schema: replySchema(PlaybackResponseSchema) };
  app.get('/api/items/:id/playback', playback, async (request, reply): Promise<PlaybackResponse> => {
    // Start-up figures count from the request's arrival (Fastify's clock), the lookups and preparation included.
    const requestedAt = performance.now() - reply.elapsedTime;
    const client = clientKey(request.ip);
    const retry = deps.planLimiter.take(client);
    if (retry !== null) {
      throw new AppError('rate_limited', `too many playback requests from ${client}`, {
        retryAfterSeconds: retry,
      });
    }
    const { id } = parseInput(IdParams, request.params, 'path');
    const media = deps.access.urls(await deps.access.viewer(request, reply, id));
    const { viewer, ...caps } = (request.query ?? {}) as Record<string, string>;
    const caps_ = parseInput(CapabilitiesQuery, caps, 'query');
    const view = parseInput(ViewerQuery, { viewer }, 'query');
    const item = await store.getItem(id);
    if (!item) throw new AppError('item_not_found', `No item with id ${id}`);
    const live = await deps.live?.plan(id);
    if (live) {
      const captions = (await store.listCaptionTracks(id)).map((t) =>
        publicCaptionTrack(t, deps.baseUrl(), media),
      );
      const url = `${deps.baseUrl()}${media.path(id, live.version, 'master.m3u8')}`;
      return { plan: live.plan, url, session: null, captions };
    }
    if (item.kind !== 'video' || !item.sourceInfo || !item.sourceFile) {
      throw new AppError('conflict', `item ${id} has no playable source (it is a ${item.kind})`);
    }
    const ready = item.status === 'ready' && item.mediaVersion !== null;
    const plan = decidePlayback(item.sourceInfo, ready, caps_, deps.planOptions);
    const base = deps.baseUrl();
    const captions = (await store.listCaptionTracks(id)).map((t) => publicCaptionTrack(t, base, media));
    if (plan.mode === PLAYBACK_MODES.vod) {
      const url = `${base}${media.path(id, item.mediaVersion!, 'master.m3u8')}`;
      return { plan, url, session: null, captions };
    }
    if (plan.mode === PLAYBACK_MODES.direct) {
      const file = path.posix.basename(item.sourceFile);
      return { plan, url: `${base}${media.path(id, SOURCE_VERSION, file)}`, session: null, captions };
    }
    const session = await jit.open(item, plan, { client, viewer: view.viewer ?? null }, requestedAt);
    const token = encodeURIComponent(jit.token(session.id) ?? '');
    return {
      plan,
      // The session's master playlist: a player checks its CODECS and BANDWIDTH, then plays its one variant.
      url: `${base}${media.path(id, jitVersion(session.id), JIT_MASTER)}`,
      session: {
        id: session.id,
        segmentCount: session.segmentCount,
        heartbeat: `${base}/api/sessions/${session.id}/heartbeat?token=${token}`,
        end: `${base}/api/sessions/${session.id}?token=${token}`,
      },
      captions,
    };
  });

  // A paused player keeps its session (and the segments written so far) alive with this.
  // Only the session's opener holds its token: a stranger can neither keep it alive nor end it.
  app.post('/api/sessions/:id/heartbeat', cors, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const { token } = parseInput(TokenQuery, request.query, 'query');
    jit.heartbeat(id, token);
    return reply.status(204).send();
  });

  app.delete('/api/sessions/:id', cors, async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const { token } = parseInput(TokenQuery, request.query, 'query');
    await jit.close(id, token);
    return reply.status(204).send();
  });

  const sessions = {
    onRequest: requireAdmin(deps.adminToken),
    schema: replySchema(JitSessionListResponseSchema),
  };
  app.get('/api/sessions', sessions, async (): Promise<JitSessionListResponse> => ({
    sessions: jit.list().map(({ session }) => {
      const encoder = session.encoder();
      return {
        id: session.id,
        itemId: session.itemId,
        mode: session.plan.mode,
        reasons: session.plan.reasons,
        segments: { written: session.written(), total: session.segmentCount },
        encoder,
        ageSeconds: Math.round((Date.now() - session.createdAt) / 1000),
        idleSeconds: Math.round(session.idleMs() / 1000),
      };
    }),
  }));
};

async function corsHeaders(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  void reply.header('access-control-allow-origin', '*');
  return payload;
}

async function preflight(_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return reply
    .code(204)
    .headers({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, traceparent, tracestate',
      'access-control-max-age': '86400',
    })
    .send();
}

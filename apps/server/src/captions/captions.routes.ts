import {
  CAPTION_KINDS,
  CaptionCoverageResponseSchema,
  type CaptionCoverageResponse,
  CaptionImportBodySchema,
  CaptionListResponseSchema,
  CaptionPatchBodySchema,
  CaptionTrackResponseSchema,
  type CaptionListResponse,
  type CaptionTrackResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { captionTrackResponse } from '../catalog/caption-urls.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import { parseInput } from '../validation.js';
import type { CaptionService, SavedTrack } from './caption-service.js';

/** What the caption routes need. */
export interface CaptionRoutesDeps {
  captions: CaptionService;
  /** The catalog's coverage (the store's). */
  coverage: (limit: number) => Promise<CaptionCoverageResponse>;
  adminToken: string;
  baseUrl: () => string;
  /** Largest caption file; a larger body is refused before it is read whole. */
  maxBytes: number;
}

/** What a caption file may be sent as: WebVTT, SubRip, plain text, or bytes the checks will judge. */
const CAPTION_TYPES = [
  'text/vtt',
  'application/x-subrip',
  'text/srt',
  'text/plain',
  'application/octet-stream',
];

const ItemParams = z.object({ id: z.string().min(1).max(64) });
const TrackParams = ItemParams.extend({ trackId: z.string().min(1).max(64) });
const TrackQuery = z.strictObject({
  language: z.string().min(1).max(35).optional(),
  kind: z.enum(CAPTION_KINDS).optional(),
  label: z.string().min(1).max(80).optional(),
  forced: z.enum(['true', 'false']).optional(),
});

function bodyBytes(body: unknown): Uint8Array {
  if (!(body instanceof Buffer) || body.length === 0) {
    throw new AppError(
      'empty_file',
      'send the caption file as the request body (text/vtt or application/x-subrip)',
    );
  }
  return body;
}

function trackInput(query: unknown) {
  const q = parseInput(TrackQuery, query ?? {}, 'query');
  return {
    language: q.language,
    kind: q.kind,
    label: q.label,
    forced: q.forced === undefined ? undefined : q.forced === 'true',
  };
}

/**
 * The studio's caption routes (admin): list a lecture's tracks and the source's importable streams, upload a WebVTT or
 * SubRip file, replace or describe a track, import a stream of the source, remove a track. Every change publishes a
 * new version of the ladder (the video is not re-encoded) and purges the edges.
 */
export const captionRoutes: FastifyPluginAsync<CaptionRoutesDeps> = async (app, deps) => {
  const { captions } = deps;
  const admin = { onRequest: requireAdmin(deps.adminToken) };
  app.addContentTypeParser(
    CAPTION_TYPES,
    { parseAs: 'buffer', bodyLimit: deps.maxBytes },
    (_req, body, done) => done(null, body),
  );
  const answer = (saved: SavedTrack): CaptionTrackResponse => ({
    track: captionTrackResponse(saved.track, deps.baseUrl()),
    warnings: saved.warnings,
  });

  const coverage = { ...admin, schema: replySchema(CaptionCoverageResponseSchema) };
  app.get('/api/captions/coverage', coverage, async (): Promise<CaptionCoverageResponse> =>
    deps.coverage(100),
  );

  const list = { ...admin, schema: replySchema(CaptionListResponseSchema) };
  app.get('/api/items/:id/captions', list, async (request): Promise<CaptionListResponse> => {
    const { id } = parseInput(ItemParams, request.params, 'path');
    const { item, tracks } = await captions.list(id);
    const base = deps.baseUrl();
    return {
      tracks: tracks.map((t) => captionTrackResponse(t, base)),
      embedded: (item.sourceInfo?.subtitles ?? []).map((s) => ({
        ...s,
        importedAs: tracks.find((t) => t.origin === 'embedded' && t.streamIndex === s.index)?.id ?? null,
      })),
    };
  });

  const created = { ...admin, schema: replySchema(CaptionTrackResponseSchema, 201) };
  app.post('/api/items/:id/captions', created, async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params, 'path');
    const saved = await captions.upload(id, bodyBytes(request.body), trackInput(request.query));
    return reply.status(201).send(answer(saved));
  });

  app.post('/api/items/:id/captions/import', created, async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params, 'path');
    const body = parseInput(CaptionImportBodySchema, request.body, 'body');
    const { streamIndex, ...input } = body;
    const saved = await captions.importEmbedded(id, streamIndex, input);
    return reply.status(201).send(answer(saved));
  });

  const changed = { ...admin, schema: replySchema(CaptionTrackResponseSchema) };
  app.put('/api/items/:id/captions/:trackId', changed, async (request): Promise<CaptionTrackResponse> => {
    const { id, trackId } = parseInput(TrackParams, request.params, 'path');
    return answer(await captions.replace(id, trackId, bodyBytes(request.body), trackInput(request.query)));
  });

  app.patch('/api/items/:id/captions/:trackId', changed, async (request): Promise<CaptionTrackResponse> => {
    const { id, trackId } = parseInput(TrackParams, request.params, 'path');
    const body = parseInput(CaptionPatchBodySchema, request.body, 'body');
    return answer(await captions.replace(id, trackId, null, body));
  });

  app.delete('/api/items/:id/captions/:trackId', admin, async (request, reply) => {
    const { id, trackId } = parseInput(TrackParams, request.params, 'path');
    await captions.remove(id, trackId);
    return reply.status(204).send();
  });
};

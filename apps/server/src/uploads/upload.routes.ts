import multipart from '@fastify/multipart';
import { UploadResponseSchema } from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import { parseInput } from '../validation.js';
import { receiveUpload, volumeFreeBytes } from './upload-receiver.js';
import { ingestReceived, type UploadIngestDeps } from './upload-ingest.js';

export interface UploadRoutesDeps extends UploadIngestDeps {
  adminToken: string;
  /** Free bytes on the data volume; injectable so tests can simulate a full disk. */
  freeBytes?: (dir: string) => Promise<number>;
}

const Params = z.object({ id: z.string().min(1).max(64) });

/**
 * `POST /api/courses/:id/uploads`: a lecture, a document or an interactive package, as a streamed multipart
 * body (field `file`; optional `title` and `kind` before it). What the file is comes from its bytes: a PDF or
 * an image becomes a document, a zip an interactive package, anything else must be media FFmpeg can read.
 * Each is validated before it becomes an item, and a refused upload leaves neither rows nor files behind.
 */
export const uploadRoutes: FastifyPluginAsync<UploadRoutesDeps> = async (app, deps) => {
  const { store, paths, config } = deps;
  const freeBytes = deps.freeBytes ?? volumeFreeBytes;
  await app.register(multipart, {
    limits: { fileSize: config.upload.maxBytes, files: 1, fields: 4, fieldSize: 16 * 1024, parts: 6 },
  });

  app.post(
    '/api/courses/:id/uploads',
    { onRequest: requireAdmin(deps.adminToken), schema: replySchema(UploadResponseSchema, 201) },
    async (request, reply) => {
      const { id: courseId } = parseInput(Params, request.params, 'path');
      const course = await store.getCourse(courseId);
      if (!course) throw new AppError('course_not_found', `No course with id ${courseId}`);
      const upload = await receiveUpload(request, { paths, config, freeBytes }).catch((err: unknown) => {
        // The rest of a body too slow to arrive is not read: the connection closes after the 408.
        if (err instanceof AppError && err.code === 'body_timeout') void reply.header('connection', 'close');
        throw err;
      });
      const view = await ingestReceived(upload, courseId, deps, request.log);
      return reply.status(201).header('location', `/api/items/${upload.itemId}`).send(view);
    },
  );
};

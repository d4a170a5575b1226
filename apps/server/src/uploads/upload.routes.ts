import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { checkIsoBmffIntegrity, MediaError, probeMedia, type MediaInfo } from '@coursecast/media';
import { ITEM_KINDS } from '@coursecast/semconv';
import { requireAdmin } from '../auth/admin-auth.js';
import type { MediaPaths } from '../catalog/media-paths.js';
import { toItemView } from '../catalog/item-view.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { newId, type CatalogStore } from '../store/index.js';
import type { JobQueue } from '../transcoding/job-queue.js';
import { parseInput } from '../validation.js';
import { z } from 'zod';

export interface UploadRoutesDeps {
  store: CatalogStore;
  queue: JobQueue;
  paths: MediaPaths;
  config: Config;
  adminToken: string;
  baseUrl: () => string;
  /** Free bytes on the data volume; injectable so tests can simulate a full disk. */
  freeBytes?: (dir: string) => Promise<number>;
}

const Params = z.object({ id: z.string().min(1).max(64) });
const TitleField = z.string().trim().min(1).max(200);

async function volumeFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** A file extension safe to keep on disk (ffprobe looks at content, not names, but humans look at names). */
function safeExtension(filename: string | undefined): string {
  const ext = path.extname(filename ?? '').toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? ext : '.bin';
}

function titleFrom(filename: string | undefined): string {
  const base = path.basename(filename ?? '', path.extname(filename ?? '')).trim();
  return base.slice(0, 200) || 'Untitled lecture';
}

/** Turns a probe failure into the API's answer. */
function mediaRejection(err: unknown): AppError {
  if (err instanceof MediaError && err.type === 'no_streams')
    return new AppError('no_media_streams', err.message);
  if (err instanceof MediaError && (err.type === 'invalid_media' || err.type === 'ffmpeg_exit')) {
    return new AppError('invalid_media', `not a media file: ${err.message}`);
  }
  throw err;
}

/**
 * `POST /api/courses/:id/uploads`: a lecture as a streamed multipart body (field `file`, optional
 * `title` before it). The body goes straight to disk, is validated (integrity + ffprobe), and only
 * then becomes an item with a queued transcode job, so a bad upload leaves the store untouched.
 */
export const uploadRoutes: FastifyPluginAsync<UploadRoutesDeps> = async (app, deps) => {
  const { store, queue, paths, config } = deps;
  const freeBytes = deps.freeBytes ?? volumeFreeBytes;
  await app.register(multipart, {
    limits: { fileSize: config.upload.maxBytes, files: 1, fields: 4, fieldSize: 16 * 1024, parts: 6 },
  });

  app.post(
    '/api/courses/:id/uploads',
    { onRequest: requireAdmin(deps.adminToken) },
    async (request, reply) => {
      const { id: courseId } = parseInput(Params, request.params, 'path');
      const course = await store.getCourse(courseId);
      if (!course) throw new AppError('course_not_found', `No course with id ${courseId}`);
      if (!request.isMultipart()) {
        throw new AppError(
          'unsupported_media_type',
          'expected a multipart/form-data body with a `file` field',
        );
      }

      const declared = Number(request.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > config.upload.maxBytes + 64 * 1024) {
        throw new AppError(
          'file_too_large',
          `the upload is ${declared} bytes; the limit is ${config.upload.maxBytes}`,
          {
            limit: config.upload.maxBytes,
          },
        );
      }
      await mkdir(paths.dataDir, { recursive: true });
      const needed =
        (Number.isFinite(declared) ? declared : config.upload.maxBytes) + config.upload.minFreeBytes;
      const free = await freeBytes(paths.dataDir);
      if (free < needed) {
        throw new AppError(
          'insufficient_storage',
          `only ${free} bytes free on the data volume; ${needed} needed`,
          {
            freeBytes: free,
            neededBytes: needed,
          },
        );
      }

      const part = await request.file();
      if (!part) throw new AppError('missing_file', 'the multipart body has no `file` part');
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new AppError(
          'missing_file',
          `expected the file in a field named \`file\`, got \`${part.fieldname}\``,
        );
      }
      const titleValue = part.fields.title;
      const rawTitle = titleValue && 'value' in titleValue ? titleValue.value : undefined;
      const title =
        rawTitle === undefined ? titleFrom(part.filename) : parseInput(TitleField, rawTitle, 'title');

      const itemId = newId('itm');
      const dir = paths.uploadDir(itemId);
      const finalPath = path.join(dir, `source${safeExtension(part.filename)}`);
      const partial = `${finalPath}.part`;
      try {
        await mkdir(dir, { recursive: true });
        await pipeline(part.file, createWriteStream(partial, { flags: 'wx' }));
        if (part.file.truncated) {
          throw new AppError(
            'file_too_large',
            `the file exceeds the ${config.upload.maxBytes}-byte upload limit`,
            {
              limit: config.upload.maxBytes,
            },
          );
        }
        const size = (await stat(partial)).size;
        if (size === 0)
          throw new AppError('empty_file', `the uploaded file ${part.filename ?? ''} is empty`.trim());
        const truncated = await checkIsoBmffIntegrity(partial);
        if (truncated) throw new AppError('truncated_media', truncated);
        let info: MediaInfo;
        try {
          info = await probeMedia(partial, {
            ffprobePath: config.ffprobePath,
            keyframes: false,
            timeoutMs: 60_000,
          });
        } catch (err) {
          throw mediaRejection(err);
        }
        await rename(partial, finalPath);
        const { item, job } = await store.createItemWithJob(
          {
            id: itemId,
            courseId,
            kind: ITEM_KINDS.video,
            title,
            sourceFile: paths.relative(finalPath),
            sourceBytes: size,
            sourceInfo: info as unknown as Record<string, unknown>,
            durationSeconds: info.durationSeconds,
          },
          { id: newId('job'), itemId, maxAttempts: config.transcode.maxAttempts },
        );
        queue.notify();
        request.log.info({ itemId, jobId: job.id, bytes: size }, 'lecture uploaded');
        return reply
          .status(201)
          .header('location', `/api/items/${itemId}`)
          .send(toItemView(item, [], job, deps.baseUrl()));
      } catch (err) {
        part.file.resume();
        await rm(dir, { recursive: true, force: true });
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new AppError('insufficient_storage', 'the data volume filled up during the upload');
        }
        throw err;
      }
    },
  );
};

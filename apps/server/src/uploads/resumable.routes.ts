import { mkdir } from 'node:fs/promises';
import { Server, type Upload } from '@tus/server';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerRequest } from 'srvx';
import { NodeRequest } from 'srvx/node';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError, errorBody } from '../errors.js';
import { parseInput } from '../validation.js';
import { completeResumable, parseResumableMetadata } from './resumable-completion.js';
import { plainTusError, resumableError } from './resumable-errors.js';
import { DurableFileStore } from './resumable-store.js';
import type { UploadIngestDeps } from './upload-ingest.js';
import { requireFreeSpace, volumeFreeBytes } from './upload-receiver.js';

export interface ResumableRoutesDeps extends UploadIngestDeps {
  adminToken: string;
  /** Free bytes on the data volume; injectable so tests can simulate a full disk. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Told how many uploads (expired, or bytes without their description) a sweep removed. */
  onRemoved?: (count: number) => void;
}

/** Where an upload lives once created; its id is the last path segment. */
export const RESUMABLE_PATH = '/api/uploads/resumable';
const CourseParams = z.object({ id: z.string().min(1).max(64) });
const UploadParams = z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/, 'not an upload id') });
// Answers that may leave a request body unread: the connection closes rather than reading gigabytes to discard.
const BODY_METHODS = new Set(['PATCH', 'POST']);

/**
 * Resumable uploads on the tus protocol (1.0: creation, creation-with-upload, termination, expiration), with the
 * multipart route's checks: `POST /api/courses/:id/resumable-uploads` creates one (its `Upload-Metadata` names the
 * file and may give `title` and `kind`), `HEAD`/`PATCH`/`DELETE /api/uploads/resumable/:uploadId` resume,
 * append and terminate it. The last byte's PATCH validates the file and answers the new item (200, JSON).
 */
export const resumableRoutes: FastifyPluginAsync<ResumableRoutesDeps> = async (app, deps) => {
  const { config, paths } = deps;
  const freeBytes = deps.freeBytes ?? volumeFreeBytes;
  await mkdir(paths.resumableDir, { recursive: true });
  const uploads = new DurableFileStore(paths.resumableDir, config.upload.resumableExpirySeconds * 1000);
  const expiryHours = Math.round((config.upload.resumableExpirySeconds / 3600) * 10) / 10;
  // The course a creation was addressed to, from its route (tus itself has one path for every upload).
  const courseOf = new WeakMap<object, string>();
  const logOf = new WeakMap<object, FastifyBaseLogger>();
  // Uploads a request completed: forgotten once it is answered.
  const finishedBy = new WeakMap<object, string[]>();
  // The Node request under srvx's wrapper: what the maps above are keyed by.
  const nodeRequest = (req: Request): object => (req as ServerRequest).runtime?.node?.req ?? req;

  const tus = new Server({
    path: RESUMABLE_PATH,
    datastore: uploads,
    relativeLocation: true,
    maxSize: config.upload.maxBytes,
    // Same-origin only: the admin token is a bearer header, and no other site's page is meant to send it.
    allowedOrigins: () => false,
    onIncomingRequest: async (_req, id) => {
      // Its last byte is in and it is becoming an item: nothing else may touch it meanwhile.
      if (uploads.isCompleted(id))
        throw new AppError('conflict', 'this upload is complete and being validated');
    },
    onUploadCreate: async (req, upload) => {
      const course = courseOf.get(nodeRequest(req));
      if (!course)
        throw new AppError('invalid_request', 'create uploads with POST /api/courses/:id/resumable-uploads');
      const meta = parseResumableMetadata({ ...upload.metadata, course });
      if (upload.size === undefined) {
        throw new AppError(
          'invalid_request',
          'Upload-Length is required: an upload of unknown length is not accepted',
        );
      }
      if (upload.size === 0)
        throw new AppError('empty_file', 'the file to upload is empty (Upload-Length: 0)');
      const open = await uploads.openUploads();
      if (open.length >= config.upload.resumableMaxOpen) {
        throw new AppError(
          'too_many_uploads',
          `${open.length} uploads are unfinished (upload.resumableMaxOpen); finish or terminate one first`,
          { open: open.length, limit: config.upload.resumableMaxOpen },
        );
      }
      // What the unfinished uploads may still write is spoken for.
      const reserved = open.reduce((sum, u) => sum + Math.max(0, u.size - u.offset), 0);
      await requireFreeSpace({ paths, config, freeBytes }, upload.size, reserved);
      return { metadata: { ...upload.metadata, course: meta.course } };
    },
    onUploadFinish: async (req, upload: Upload) => {
      uploads.markCompleted(upload);
      finishedBy.set(nodeRequest(req), [...(finishedBy.get(nodeRequest(req)) ?? []), upload.id]);
      const log = logOf.get(nodeRequest(req)) ?? app.log;
      const view = await completeResumable(upload, { ...deps, uploads }, log);
      return {
        status_code: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'coursecast-item': view.item.id },
        body: JSON.stringify(view),
      };
    },
    onResponseError: async (req, err) => {
      const id = /\/([0-9a-f]{32})$/.exec(new URL(req.url).pathname)?.[1];
      const mapped = await resumableError(err, expiryHours, req.headers.get('upload-offset'), async () =>
        id ? (await uploads.getUpload(id)).offset : null,
      );
      if (mapped.code === 'internal') {
        (logOf.get(nodeRequest(req)) ?? app.log).error({ err }, 'resumable upload failed');
      }
      return {
        status_code: mapped.status,
        body: JSON.stringify(errorBody(mapped.code, mapped.message, mapped.details)),
      };
    },
  });

  /** Hands the request to tus and answers what it answers; its plain-text errors become our JSON ones. */
  async function forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    logOf.set(request.raw, request.log);
    let res: Response;
    try {
      res = await tus.handleWeb(new NodeRequest({ req: request.raw, res: reply.raw }));
    } finally {
      for (const id of finishedBy.get(request.raw) ?? []) uploads.forget(id);
    }
    for (const [name, value] of res.headers) {
      if (name !== 'content-length' && name !== 'content-type') void reply.header(name, value);
    }
    const text = await res.text();
    if (res.status < 400) {
      if (text) void reply.type(res.headers.get('content-type') ?? 'application/json; charset=utf-8');
      return reply.status(res.status).send(text || undefined);
    }
    if (BODY_METHODS.has(request.method)) void reply.header('connection', 'close');
    if (text.startsWith('{"error"'))
      return reply.status(res.status).type('application/json; charset=utf-8').send(text);
    throw plainTusError(res.status, text);
  }

  // tus bodies are streams the library reads itself.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const admin = requireAdmin(deps.adminToken);

  app.route({
    method: ['POST', 'OPTIONS'],
    url: '/api/courses/:id/resumable-uploads',
    onRequest: admin,
    handler: async (request, reply) => {
      const { id } = parseInput(CourseParams, request.params, 'path');
      if (request.method === 'POST') {
        if (!(await deps.store.getCourse(id)))
          throw new AppError('course_not_found', `No course with id ${id}`);
        courseOf.set(request.raw, id);
      }
      return forward(request, reply);
    },
  });
  app.route({
    method: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
    url: `${RESUMABLE_PATH}/:uploadId`,
    onRequest: admin,
    handler: async (request, reply) => {
      parseInput(UploadParams, request.params, 'path');
      return forward(request, reply);
    },
  });

  // Abandoned uploads are removed when they expire: at start-up, then every quarter of the expiry (at most 15 min).
  // Strays only at start-up: while serving, a creation briefly has its bytes before its description.
  const sweep = async (atStart: boolean): Promise<void> => {
    try {
      const strays = atStart ? await uploads.sweepStrays() : [];
      const expired = await tus.cleanUpExpiredUploads();
      if (atStart) await completeInterrupted();
      if (expired > 0 || strays.length > 0) {
        app.log.info({ expired, strays: strays.length }, `removed ${expired} expired resumable upload(s)`);
      }
      if (expired + strays.length > 0) deps.onRemoved?.(expired + strays.length);
    } catch (err) {
      app.log.warn({ err }, 'the resumable-upload sweep failed; it runs again later');
    }
  };
  // An upload whose last byte was in when the server stopped, before it became an item, becomes one now: its
  // bytes were acknowledged, and the client's resume finds nothing left to send.
  async function completeInterrupted(): Promise<void> {
    for (const open of await uploads.openUploads()) {
      if (open.offset !== open.size) continue;
      const upload = await uploads.getUpload(open.id);
      await completeResumable(upload, { ...deps, uploads }, app.log).then(
        (view) =>
          app.log.info({ itemId: view.item.id, upload: open.id }, 'an interrupted upload became an item'),
        (err: unknown) =>
          app.log.warn({ err, upload: open.id }, 'an interrupted upload was refused and removed'),
      );
    }
  }
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await sweep(true);
    const every = Math.min(config.upload.resumableExpirySeconds / 4, 15 * 60) * 1000;
    timer = setInterval(() => void sweep(false), every);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
};

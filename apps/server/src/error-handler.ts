import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, errorBody } from './errors.js';
import { StoreError } from './store/index.js';

/** Fastify and plugin error codes we translate into our own codes. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_REQ_FILE_TOO_LARGE: { code: 'file_too_large', status: 413 },
  FST_PARTS_LIMIT: { code: 'invalid_multipart', status: 400 },
  FST_FILES_LIMIT: { code: 'invalid_multipart', status: 400 },
  FST_FIELDS_LIMIT: { code: 'invalid_multipart', status: 400 },
  FST_PROTO_VIOLATION: { code: 'invalid_multipart', status: 400 },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', status: 413 },
  FST_ERR_VALIDATION: { code: 'invalid_request', status: 400 },
};

/** Answers every error as `{ error: { code, message, details } }`; 5xx are logged, never leaked. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      const retry = err.details?.['retryAfterSeconds'];
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
    }
    // A row that vanished or clashed between our check and the write (e.g. a course deleted mid-upload).
    if (err instanceof StoreError && (err.code === 'not_found' || err.code === 'conflict')) {
      return reply.status(err.code === 'not_found' ? 404 : 409).send(errorBody(err.code, err.message));
    }
    const fe = err as FastifyError;
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return reply.status(mapped.status).send(errorBody(mapped.code, fe.message));
    // busboy reports a malformed body as a plain Error while parsing multipart.
    if (
      /Unexpected end of (form|multipart)|Malformed part header|Multipart: Boundary not found/i.test(
        err.message,
      )
    ) {
      return reply
        .status(400)
        .send(errorBody('invalid_multipart', `malformed multipart body: ${err.message}`));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody('invalid_request', fe.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody('internal', 'Internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/**
 * Fastify's own refusals before routing (a malformed percent-encoding in the URL, a bad content type),
 * answered in our error format instead of Fastify's; pass as the `frameworkErrors` server option.
 */
export function frameworkErrors(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const bad = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_ASYNC_CONSTRAINT';
  void reply
    .status(bad ? 400 : (error.statusCode ?? 400))
    .send(errorBody(bad ? 'invalid_path' : 'invalid_request', error.message));
}

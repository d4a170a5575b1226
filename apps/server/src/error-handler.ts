import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, ERRORS, errorBody, type ErrorCode } from './errors.js';
import { StoreError } from './store/index.js';

/** Fastify and plugin error codes we translate into our own codes (answered with the catalog's status). */
export const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_REQ_FILE_TOO_LARGE: 'file_too_large',
  FST_PARTS_LIMIT: 'invalid_multipart',
  FST_FILES_LIMIT: 'invalid_multipart',
  FST_FIELDS_LIMIT: 'invalid_multipart',
  FST_PROTO_VIOLATION: 'invalid_multipart',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_VALIDATION: 'invalid_request',
};

/** An error body whose code is checked against the catalog at compile time. */
const body = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  errorBody(code, message, details);

/** Answers every error as `{ error: { code, message, details } }`; 5xx are logged, never leaked. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      const retry = err.details?.['retryAfterSeconds'];
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      return reply.status(err.status).send(body(err.code, err.message, err.details));
    }
    // A row that vanished or clashed between our check and the write (e.g. a course deleted mid-upload).
    if (err instanceof StoreError && (err.code === 'not_found' || err.code === 'conflict')) {
      return reply.status(ERRORS[err.code].status).send(body(err.code, err.message));
    }
    // A store reopening after a fatal error (a full disk): the caller may retry once it is back.
    if (err instanceof StoreError && err.code === 'unavailable') {
      void reply.header('retry-after', '1');
      return reply.status(ERRORS.store_unavailable.status).send(body('store_unavailable', err.message));
    }
    const fe = err as FastifyError;
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return reply.status(ERRORS[mapped].status).send(body(mapped, fe.message));
    // busboy reports a malformed body as a plain Error while parsing multipart.
    if (
      /Unexpected end of (form|multipart)|Malformed part header|Multipart: Boundary not found/i.test(
        err.message,
      )
    ) {
      return reply.status(400).send(body('invalid_multipart', `malformed multipart body: ${err.message}`));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(body('invalid_request', fe.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(body('internal', 'Internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(body('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)),
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
    .send(body(bad ? 'invalid_path' : 'invalid_request', error.message));
}

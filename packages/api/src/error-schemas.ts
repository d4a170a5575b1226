import { z } from 'zod';

/**
 * Every `error.code` the server answers with. apps/server/src/errors.ts gives each its HTTP status and default
 * message, and is checked against this list in both directions, so a code cannot be answered without being here.
 */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_multipart',
  'missing_file',
  'empty_file',
  'unauthorized',
  'course_not_found',
  'item_not_found',
  'job_not_found',
  'not_found',
  'object_not_found',
  'invalid_path',
  'forbidden_path',
  'method_not_allowed',
  'precondition_failed',
  'range_not_satisfiable',
  'conflict',
  'file_too_large',
  'unsupported_media_type',
  'invalid_media',
  'truncated_media',
  'no_media_streams',
  'invalid_document',
  'invalid_package',
  'kind_mismatch',
  'insufficient_storage',
  'origin_unreachable',
  'origin_bad_response',
  'origin_timeout',
  'shutting_down',
  'sessions_full',
  'session_not_found',
  'session_ended',
  'segment_timeout',
  'transcode_failed',
  'payload_too_large',
  'invalid_captions',
  'invalid_language',
  'caption_track_not_found',
  'not_live',
  'live_ended',
  'live_capacity',
  'live_disabled',
  'invalid_body',
  'unsupported_encoding',
  'rate_limited',
  'body_timeout',
  'upload_not_found',
  'upload_expired',
  'offset_mismatch',
  'upload_superseded',
  'too_many_uploads',
  'lti_platform_not_found',
  'lti_login_invalid',
  'lti_state_invalid',
  'lti_token_invalid',
  'lti_replay',
  'lti_deployment_unknown',
  'lti_platform_unreachable',
  'lti_platform_error',
  'lti_registration_failed',
  'learner_session_required',
  'learner_forbidden',
  'media_link_required',
  'media_link_refused',
  'ingest_overloaded',
  'store_unavailable',
  'web_not_built',
  'test_fault',
  'internal',
] as const;
/** One of ERROR_CODES. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The `code` of an error answer. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** Every error answer (4xx and 5xx): `{ "error": { "code", "message", "details" } }`, details only when there are some. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
/** The JSON body of an error answer. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

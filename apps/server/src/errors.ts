import type { ErrorCode } from '@coursecast/api';

export type { ErrorCode } from '@coursecast/api';

/**
 * Every error the HTTP API answers with, defined once: code, HTTP status and a default message.
 * Answered as `{ "error": { "code", "message", "details" } }`. The codes are @coursecast/api's ERROR_CODES:
 * `satisfies` below refuses a code missing here and one the contract does not list.
 */
export const ERRORS = {
  invalid_request: { status: 400, message: 'The request is invalid' },
  invalid_multipart: { status: 400, message: 'The multipart body is malformed' },
  missing_file: { status: 400, message: 'The upload has no file part' },
  empty_file: { status: 400, message: 'The uploaded file is empty' },
  unauthorized: { status: 401, message: 'A valid admin bearer token is required' },
  course_not_found: { status: 404, message: 'No such course' },
  item_not_found: { status: 404, message: 'No such item' },
  job_not_found: { status: 404, message: 'No such job' },
  not_found: { status: 404, message: 'Not found' },
  object_not_found: { status: 404, message: 'No such object' },
  invalid_path: { status: 400, message: 'The path is not a valid content path' },
  forbidden_path: { status: 403, message: 'The path leads outside the content directory' },
  method_not_allowed: { status: 405, message: 'Only GET, HEAD and OPTIONS are allowed here' },
  precondition_failed: { status: 412, message: 'A precondition of the request does not hold' },
  range_not_satisfiable: { status: 416, message: 'The requested range cannot be served' },
  conflict: { status: 409, message: 'The resource is in a conflicting state' },
  file_too_large: { status: 413, message: 'The uploaded file exceeds the size limit' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type' },
  invalid_media: { status: 422, message: 'The file is not a playable media file' },
  truncated_media: { status: 422, message: 'The media file is truncated' },
  no_media_streams: { status: 422, message: 'The file has neither a video nor an audio stream' },
  invalid_document: { status: 422, message: 'The file is not a valid document' },
  invalid_package: { status: 422, message: 'The interactive package was refused' },
  kind_mismatch: { status: 422, message: 'The file is not of the kind the upload declared' },
  invalid_captions: { status: 422, message: 'The caption file was refused' },
  invalid_language: { status: 400, message: 'The language is not a BCP 47 tag of a known language' },
  caption_track_not_found: { status: 404, message: 'No such caption track' },
  not_live: { status: 404, message: 'The item is not a live lecture' },
  live_ended: { status: 409, message: 'The live lecture has ended' },
  live_capacity: { status: 409, message: 'As many live lectures as this server runs at once are open' },
  live_disabled: { status: 404, message: 'Live lectures are not enabled on this server' },
  insufficient_storage: { status: 507, message: 'Not enough free disk space' },
  origin_unreachable: { status: 502, message: 'The origin could not be reached' },
  origin_bad_response: { status: 502, message: 'The origin sent a broken response' },
  origin_timeout: { status: 504, message: 'The origin did not answer in time' },
  shutting_down: { status: 503, message: 'The server is shutting down' },
  sessions_full: { status: 503, message: 'Every just-in-time session is in use; retry later' },
  session_not_found: { status: 404, message: 'No such playback session' },
  session_ended: { status: 410, message: 'The playback session has ended' },
  segment_timeout: { status: 504, message: 'The segment was not ready in time' },
  transcode_failed: { status: 502, message: 'The encoder failed on this source' },
  payload_too_large: { status: 413, message: 'The request body exceeds the size limit' },
  invalid_body: { status: 400, message: 'The request body could not be decoded' },
  unsupported_encoding: { status: 415, message: 'Unsupported content encoding' },
  rate_limited: { status: 429, message: 'Too many requests from this client; retry later' },
  body_timeout: { status: 408, message: 'The request body did not arrive in time' },
  upload_not_found: { status: 404, message: 'No such resumable upload' },
  upload_expired: { status: 410, message: 'The resumable upload expired' },
  offset_mismatch: { status: 409, message: 'Upload-Offset is not the upload offset' },
  upload_superseded: { status: 400, message: 'Another request resumed this upload' },
  too_many_uploads: { status: 429, message: 'Too many unfinished uploads; finish or terminate some' },
  lti_platform_not_found: {
    status: 404,
    message: 'No LTI platform is registered with this issuer and client id',
  },
  lti_login_invalid: {
    status: 400,
    message: 'The LTI login initiation is missing a parameter or has an invalid one',
  },
  lti_state_invalid: {
    status: 400,
    message: 'The launch state is missing, expired or not made by this tool',
  },
  lti_token_invalid: { status: 401, message: 'The launch id_token is not valid' },
  lti_replay: { status: 401, message: 'This launch was used before' },
  lti_deployment_unknown: {
    status: 403,
    message: 'This deployment of the tool is not registered for the platform',
  },
  lti_platform_unreachable: { status: 502, message: 'The platform did not answer in time or answered badly' },
  lti_platform_error: { status: 400, message: 'The platform refused the launch' },
  lti_registration_failed: { status: 502, message: 'The platform did not complete the registration' },
  learner_session_required: { status: 401, message: 'A learner session from a course launch is required' },
  learner_forbidden: { status: 403, message: 'This learner session does not allow it' },
  media_link_required: {
    status: 401,
    message:
      'Media is delivered through the signed links of a course launch: open the lecture from your course',
  },
  media_link_refused: { status: 403, message: 'The signed media link is not valid' },
  ingest_overloaded: { status: 503, message: 'The telemetry store is overloaded; retry later' },
  store_unavailable: { status: 503, message: 'The telemetry store could not commit; retry later' },
  web_not_built: { status: 503, message: 'The web pages are not built: run `npm run build`' },
  // Test-only (`testing.faults`): the edge answers it with the status the fault rule names (400..599).
  test_fault: { status: 500, message: 'A test fault rule failed this request' },
  internal: { status: 500, message: 'Internal server error' },
} as const satisfies Record<ErrorCode, { status: number; message: string }>;

/** An error that maps to one HTTP answer. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

/** The JSON body of an error answer (@coursecast/api ErrorBodySchema). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Builds the JSON body for an error answer. */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

import { ERRORS as TUS_ERRORS } from '@tus/server';
import { AppError, type ErrorCode } from '../errors.js';

type TusError = (typeof TUS_ERRORS)[keyof typeof TUS_ERRORS];

/** What the offset of an upload is, for a 409 that tells the client where to resume. */
export type OffsetLookup = () => Promise<number | null>;

/** The tus library's errors in our terms: each a code of the error catalog and a message a person can act on. */
function describeTusError(err: TusError, expiryHours: number): [ErrorCode, string] {
  switch (err) {
    case TUS_ERRORS.FILE_NOT_FOUND:
      return [
        'upload_not_found',
        'no resumable upload with this id: it was completed, terminated or never created',
      ];
    case TUS_ERRORS.FILE_NO_LONGER_EXISTS:
      return [
        'upload_expired',
        `this upload expired (unfinished uploads are kept ${expiryHours} h) or its bytes were removed: start a new upload`,
      ];
    case TUS_ERRORS.ERR_SIZE_EXCEEDED:
      return ['file_too_large', 'the chunk goes past the Upload-Length declared when the upload was created'];
    case TUS_ERRORS.ERR_MAX_SIZE_EXCEEDED:
      return ['file_too_large', 'the upload exceeds the upload size limit (upload.maxBytes)'];
    case TUS_ERRORS.INVALID_CONTENT_TYPE:
      return ['unsupported_media_type', 'a PATCH must have Content-Type: application/offset+octet-stream'];
    case TUS_ERRORS.ABORTED:
      return ['upload_superseded', 'another request resumed this upload; this one was stopped where it was'];
    case TUS_ERRORS.ERR_LOCK_TIMEOUT:
      return ['conflict', 'another request held this upload too long; retry'];
    case TUS_ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION:
      return ['invalid_request', 'Upload-Length is required: an upload of unknown length is not accepted'];
    case TUS_ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION:
      return [
        'invalid_request',
        'the concatenation extension is not supported: upload the file in one upload',
      ];
    case TUS_ERRORS.FILE_WRITE_ERROR:
      return ['internal', 'the chunk could not be written; resume from the offset a HEAD reports'];
    default:
      return err.status_code < 500
        ? ['invalid_request', err.body.trim()]
        : ['internal', 'Internal server error'];
  }
}

function isTusError(err: unknown): err is TusError {
  return Object.values(TUS_ERRORS).includes(err as TusError);
}

/**
 * Any error the tus handler met, as one of ours: an AppError stays itself; a tus error is translated (a wrong
 * offset names the offset to resume from); anything else is an internal error.
 */
export async function resumableError(
  err: unknown,
  expiryHours: number,
  sentOffset: string | null,
  offset: OffsetLookup,
): Promise<AppError> {
  if (err instanceof AppError) return err;
  if (!isTusError(err)) return new AppError('internal');
  if (err === TUS_ERRORS.INVALID_OFFSET) {
    const expected = await offset().catch(() => null);
    return new AppError(
      'offset_mismatch',
      `Upload-Offset ${sentOffset ?? '(none)'} is not the upload's offset${expected === null ? '' : ` ${expected}`}: HEAD the upload and resume from its offset`,
      expected === null ? { sent: sentOffset } : { sent: sentOffset, offset: expected },
    );
  }
  const [code, message] = describeTusError(err, expiryHours);
  return new AppError(code, message);
}

/** Answers the library writes itself (before any handler runs), by status: they are plain text. */
export function plainTusError(status: number, text: string): AppError {
  if (status === 412)
    return new AppError('precondition_failed', 'the request needs a Tus-Resumable: 1.0.0 header');
  if (status === 404) return new AppError('upload_not_found', text.trim() || undefined);
  if (status === 405)
    return new AppError('method_not_allowed', 'tus uploads take HEAD, PATCH, DELETE and OPTIONS');
  return new AppError(
    status >= 500 ? 'internal' : 'invalid_request',
    status >= 500 ? undefined : `invalid tus request: ${text.trim()}`,
  );
}

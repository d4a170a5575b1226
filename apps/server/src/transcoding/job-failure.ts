import { MediaError } from '@coursecast/media';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';

/** A failure as the queue needs it: a bounded type, whether retrying may help, and the message. */
export interface JobFailure {
  type: string;
  transient: boolean;
  message: string;
}

/** Maps anything a job threw to a failure; unknown errors are treated as transient (retry may help). */
export function classifyJobFailure(err: unknown): JobFailure {
  if (err instanceof MediaError) return { type: err.type, transient: err.transient, message: err.message };
  if (err instanceof JobError) return { type: err.type, transient: err.transient, message: err.message };
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC') {
    return { type: TRANSCODE_ERROR_TYPES.diskFull, transient: true, message: `disk full: ${String(err)}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { type: TRANSCODE_ERROR_TYPES.internal, transient: true, message };
}

/** An error raised by the server's own job code (not FFmpeg), with its class and retry policy. */
export class JobError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

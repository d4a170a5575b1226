import { TRANSCODE_ERROR_TYPES, type TranscodeErrorType } from '@coursecast/semconv';

/**
 * Whether retrying may help, per error class. Timeouts, foreign kills and spawn failures are
 * about the machine, not the file; a full disk may be freed. Bad data stays bad, and a cancel is
 * a decision, not an accident.
 */
const TRANSIENT_BY_TYPE: Readonly<Record<TranscodeErrorType, boolean>> = {
  [TRANSCODE_ERROR_TYPES.invalidMedia]: false,
  [TRANSCODE_ERROR_TYPES.noStreams]: false,
  [TRANSCODE_ERROR_TYPES.timeout]: true,
  [TRANSCODE_ERROR_TYPES.killed]: true,
  [TRANSCODE_ERROR_TYPES.diskFull]: true,
  [TRANSCODE_ERROR_TYPES.ffmpegExit]: false,
  [TRANSCODE_ERROR_TYPES.spawnFailed]: true,
  [TRANSCODE_ERROR_TYPES.cancelled]: false,
  [TRANSCODE_ERROR_TYPES.interrupted]: false,
  [TRANSCODE_ERROR_TYPES.internal]: false,
};

/** Optional facts about the child process that failed, kept for logs and spans. */
interface MediaErrorDetails {
  exitCode?: number | null;
  signal?: string | null;
  stderrTail?: string;
  transient?: boolean;
  cause?: unknown;
}

/** Error with a low-cardinality type and a human message naming the cause. */
export class MediaError extends Error {
  readonly type: TranscodeErrorType;
  readonly transient: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last lines of the child's stderr (bounded), empty when there was no child. */
  readonly stderrTail: string;

  constructor(type: TranscodeErrorType, message: string, details: MediaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'MediaError';
    this.type = type;
    this.transient = details.transient ?? TRANSIENT_BY_TYPE[type];
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderrTail = details.stderrTail ?? '';
  }
}

/** True when the text (stderr or an errno message) says the disk is full. */
export function mentionsDiskFull(text: string): boolean {
  return /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i.test(text);
}

/** Wraps a filesystem error from our own post-processing: ENOSPC → disk_full, else internal. */
export function fsMediaError(what: string, err: unknown): MediaError {
  if (err instanceof MediaError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'ENOSPC' || code === 'EDQUOT' || mentionsDiskFull(detail)) {
    return new MediaError(TRANSCODE_ERROR_TYPES.diskFull, `disk full while ${what}: ${detail}`, {
      cause: err,
    });
  }
  return new MediaError(TRANSCODE_ERROR_TYPES.internal, `failed while ${what}: ${detail}`, { cause: err });
}

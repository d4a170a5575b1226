import { write as fsWrite } from 'node:fs';
import { LOG_DROP_REASONS, type LogDropReason } from '@coursecast/semconv';

/** `fs.write` with a buffer: what the destination writes with (tests hand in a failing or stuck one). */
export type FdWrite = (
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: null,
  callback: (err: NodeJS.ErrnoException | null, written: number) => void,
) => void;

/** Options of createLogDestination. */
export interface LogDestinationOptions {
  /** Where lines go: 1 for stdout. */
  fd: number;
  /** Bytes waiting or being written above which new lines are dropped (`buffer_full`). */
  maxBufferedBytes: number;
  /** Default: fs.write. */
  write?: FdWrite;
  /** Wait before retrying a write the descriptor refused with EAGAIN (a full non-blocking pipe). */
  retryMs?: number;
}

/** Lines dropped, by reason. */
export type LogDrops = Readonly<Record<LogDropReason, number>>;

/**
 * pino's destination (Fastify's `logger.stream`): every write returns at once, the bytes go out through the
 * thread pool one write at a time, and what cannot be written is dropped and counted instead of blocking the
 * event loop, growing without bound or throwing (a full disk, a stuck reader, a closed pipe).
 */
export interface LogDestination {
  /** Takes one serialized line; never throws, never blocks. */
  write(line: string): boolean;
  /** Lines dropped so far, by reason (read by the `coursecast.log.dropped` counter). */
  dropped(): LogDrops;
  /** Bytes waiting or being written. */
  buffered(): number;
  /** Resolves once everything buffered is written or dropped, or after `timeoutMs` (shutdown's last lines). */
  drain(timeoutMs: number): Promise<void>;
}

const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
const NEWLINE = 0x0a;

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** Creates a bounded, non-blocking log destination on a file descriptor. */
export function createLogDestination(o: LogDestinationOptions): LogDestination {
  const write = o.write ?? fsWrite;
  const retryMs = o.retryMs ?? 50;
  const drops: Record<LogDropReason, number> = {
    [LOG_DROP_REASONS.bufferFull]: 0,
    [LOG_DROP_REASONS.writeError]: 0,
  };
  let queue: string[] = [];
  /** Bytes queued plus bytes of the write in flight. */
  let pending = 0;
  let writing = false;
  // A write cut short and then refused leaves half a line in the file: the next write starts a fresh line.
  let midLine = false;
  const waiters = new Set<() => void>();

  function settleWaiters(): void {
    if (pending > 0) return;
    for (const w of waiters) w();
    waiters.clear();
  }

  function next(): void {
    if (writing) return;
    if (queue.length === 0) return settleWaiters();
    const text = queue.join('');
    queue = [];
    const bytes = Buffer.from(midLine ? `\n${text}` : text);
    // The separator was not counted when queued.
    if (midLine) pending += 1;
    midLine = false;
    writing = true;
    send(bytes, false);
  }

  function finish(bytes: number): void {
    pending -= bytes;
    writing = false;
    next();
  }

  function send(buf: Buffer, cut: boolean): void {
    const done = (err: NodeJS.ErrnoException | null, written: number): void => {
      if (err && RETRYABLE.has(err.code ?? '')) {
        setTimeout(() => send(buf, cut), retryMs).unref();
        return;
      }
      if (err) {
        drops[LOG_DROP_REASONS.writeError] += Math.max(1, countLines(buf));
        midLine ||= cut;
        return finish(buf.length);
      }
      if (written < buf.length) {
        pending -= written;
        return send(buf.subarray(written), true);
      }
      finish(buf.length);
    };
    try {
      write(o.fd, buf, 0, buf.length, null, done);
    } catch (err) {
      // fs.write throws only on bad arguments (a closed descriptor number); still never the caller's problem.
      done(err as NodeJS.ErrnoException, 0);
    }
  }

  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (pending + bytes > o.maxBufferedBytes) {
        drops[LOG_DROP_REASONS.bufferFull] += 1;
        return false;
      }
      queue.push(line);
      pending += bytes;
      // Lines logged in the same tick go out in one write.
      if (!writing) queueMicrotask(next);
      return true;
    },
    dropped: () => ({ ...drops }),
    buffered: () => pending,
    drain(timeoutMs) {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Not unref'd: at shutdown this wait may be all that keeps the loop alive, and an awaited promise that
        // never settles would end the process with code 13 instead of the caller's exit code.
        const timer = setTimeout(() => {
          waiters.delete(done);
          resolve();
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
      });
    },
  };
}

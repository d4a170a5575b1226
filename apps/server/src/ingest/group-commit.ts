import { AppError } from '../errors.js';

/** Settings of a group commit (from config). */
export interface GroupCommitOptions<Row> {
  /** Appends and commits rows durably, synchronously; throws when nothing was committed. */
  commit(rows: readonly Row[]): void;
  /** A batch waits at most this long for company. */
  intervalMs: number;
  /** A batch this large commits at once. */
  maxBatch: number;
  /** Rows accepted but not yet committed, above which submissions are shed with 503. */
  maxPending: number;
  /** Told after every commit attempt (telemetry of the ingest itself). */
  onCommit?(rows: number, ms: number, ok: boolean): void;
}

/** Batches rows from many requests into few commits; each submission resolves once its rows are durable. */
export interface GroupCommit<Row> {
  /** Resolves after the commit holding `rows`; AppError 503 when shedding, closed, or the commit failed. */
  submit(rows: readonly Row[]): Promise<void>;
  /** Rows waiting for a commit. */
  pending(): number;
  /** Commits what is queued, then refuses new submissions. */
  close(): Promise<void>;
}

interface Waiter<Row> {
  rows: readonly Row[];
  resolve(): void;
  reject(err: unknown): void;
}

/** Creates a group commit: acked means durable, and memory stays bounded under overload. */
export function createGroupCommit<Row>(o: GroupCommitOptions<Row>): GroupCommit<Row> {
  let queue: Waiter<Row>[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queued = 0;
    const rows: Row[] = [];
    for (const w of batch) for (const r of w.rows) rows.push(r);
    const t0 = performance.now();
    try {
      o.commit(rows);
    } catch (err) {
      o.onCommit?.(rows.length, performance.now() - t0, false);
      const message = err instanceof Error ? err.message : String(err);
      const failure = new AppError('store_unavailable', `the telemetry store could not commit: ${message}`, {
        retryAfterSeconds: 1,
      });
      for (const w of batch) w.reject(failure);
      return;
    }
    o.onCommit?.(rows.length, performance.now() - t0, true);
    for (const w of batch) w.resolve();
  }

  return {
    submit(rows) {
      if (closed) return Promise.reject(new AppError('shutting_down'));
      if (rows.length === 0) return Promise.resolve();
      if (queued + rows.length > o.maxPending) {
        return Promise.reject(
          new AppError(
            'ingest_overloaded',
            `${queued} telemetry records are waiting for the store (limit ${o.maxPending}); retry later`,
            { retryAfterSeconds: 1 },
          ),
        );
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        queued += rows.length;
        if (queued >= o.maxBatch) {
          // Still asynchronous, so the requests already parsed in this tick join the batch.
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, 0);
        } else if (!timer) {
          timer = setTimeout(flush, o.intervalMs);
        }
      });
    },
    pending: () => queued,
    async close() {
      closed = true;
      flush();
    },
  };
}

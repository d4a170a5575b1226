import { AppError } from '../errors.js';

/** Settings of a group commit (from config). */
export interface GroupCommitOptions<Row> {
  /** Appends and commits rows durably; throws (or rejects) when nothing was committed. */
  commit(rows: readonly Row[]): void | Promise<void>;
  /** Commits that may run at once (the store's lanes); the next batch gathers meanwhile. */
  maxInFlight?: number;
  /** A batch waits at most this long for company. */
  intervalMs: number;
  /** A batch this large commits at once. */
  maxBatch: number;
  /**
   * A batch this large commits at once when a lane is free: under load, commits run back to back and each
   * takes what gathered during the previous one, instead of every request waiting out the interval.
   */
  eagerBatch?: number;
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
  let inFlight = 0;
  let inFlightRows = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const maxInFlight = o.maxInFlight ?? 1;
  const eager = o.eagerBatch ?? o.maxBatch;

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    // Every lane busy: this batch keeps gathering and goes when one is free (see the `finally` below).
    if (queue.length === 0 || inFlight >= maxInFlight) return;
    const batch = queue;
    queue = [];
    const rows: Row[] = [];
    for (const w of batch) for (const r of w.rows) rows.push(r);
    queued = 0;
    inFlight++;
    inFlightRows += rows.length;
    const t0 = performance.now();
    void (async () => {
      try {
        await o.commit(rows);
        o.onCommit?.(rows.length, performance.now() - t0, true);
        for (const w of batch) w.resolve();
      } catch (err) {
        o.onCommit?.(rows.length, performance.now() - t0, false);
        const message = err instanceof Error ? err.message : String(err);
        const failure = new AppError(
          'store_unavailable',
          `the telemetry store could not commit: ${message}`,
          {
            retryAfterSeconds: 1,
          },
        );
        for (const w of batch) w.reject(failure);
      } finally {
        inFlight--;
        inFlightRows -= rows.length;
        if (queued >= eager) schedule(0);
        else if (queue.length > 0 && !timer) schedule(o.intervalMs);
      }
    })();
  }

  return {
    submit(rows) {
      if (closed) return Promise.reject(new AppError('shutting_down'));
      if (rows.length === 0) return Promise.resolve();
      if (queued + inFlightRows + rows.length > o.maxPending) {
        return Promise.reject(
          new AppError(
            'ingest_overloaded',
            `${queued + inFlightRows} telemetry records are waiting for the store (limit ${o.maxPending}); retry later`,
            { retryAfterSeconds: 1 },
          ),
        );
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        queued += rows.length;
        // Still asynchronous at a full batch, so the requests already parsed in this tick join it.
        if (queued >= o.maxBatch || (queued >= eager && inFlight < maxInFlight)) schedule(0);
        else if (!timer) schedule(o.intervalMs);
      });
    },
    pending: () => queued + inFlightRows,
    async close() {
      closed = true;
      // Waits for the commits in flight, then commits what is still queued.
      while (queue.length > 0 || inFlight > 0) {
        flush();
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

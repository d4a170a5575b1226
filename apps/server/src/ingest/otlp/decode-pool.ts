import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../errors.js';
import type { DecodeJob, DecodedRequest } from './decode-request.js';
import type { WorkerAnswer } from './decode-worker.js';

/** Decode workers for OTLP requests of every signal; the event loop keeps only what needs the store. */
export interface DecodePool {
  decode(job: DecodeJob): Promise<DecodedRequest>;
  close(): Promise<void>;
}

/**
 * A worker's heap is bounded: the largest request (16 MiB decoded) needs well under this, and a worker that
 * would grow past it is stopped (its request answered 503) and replaced rather than hold the memory.
 */
const WORKER_HEAP_MB = 384;

// From sources (tsx, vitest) the worker is TypeScript: it registers tsx first. From dist it is plain JS.
function startWorker(): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (here.endsWith('.js')) return new Worker(new URL('./decode-worker.js', here), { resourceLimits });
  const entry = new URL('./decode-worker.ts', here).href;
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, resourceLimits },
  );
}

interface Pending {
  resolve(decoded: DecodedRequest): void;
  reject(err: unknown): void;
}

/** Starts `size` workers; a job goes to the one with the fewest in flight. A crashed worker is replaced. */
export function createDecodePool(size: number): DecodePool {
  let nextId = 0;
  const lanes: { worker: Worker; pending: Map<number, Pending> }[] = [];
  let closed = false;

  function spawn(index: number): void {
    const worker = startWorker();
    const pending = new Map<number, Pending>();
    lanes[index] = { worker, pending };
    worker.on('message', (answer: WorkerAnswer) => {
      const p = pending.get(answer.id);
      pending.delete(answer.id);
      // An idle worker must not keep the process alive; a busy one must (its caller is waiting).
      if (pending.size === 0) worker.unref();
      if (!p) return;
      if (answer.ok) p.resolve(answer.decoded);
      else p.reject(new AppError(answer.error.code as ErrorCode, answer.error.message, answer.error.details));
    });
    const fail = (err: unknown): void => {
      for (const p of pending.values()) {
        p.reject(
          new AppError('ingest_overloaded', `a decode worker stopped: ${String(err)}`, {
            retryAfterSeconds: 1,
          }),
        );
      }
      pending.clear();
      if (!closed && lanes[index]?.worker === worker) spawn(index);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exit ${code}`));
    worker.unref();
  }
  for (let i = 0; i < size; i++) spawn(i);

  return {
    decode(job) {
      if (closed) return Promise.reject(new AppError('shutting_down'));
      const lane = lanes.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        lane.pending.set(id, { resolve, reject });
        lane.worker.ref();
        // The body's bytes move to the worker (no copy); the request is done with them.
        const body = new Uint8Array(job.body);
        lane.worker.postMessage({ ...job, id, body }, [body.buffer]);
      });
    },
    async close() {
      closed = true;
      await Promise.all(lanes.map((l) => l.worker.terminate()));
    },
  };
}

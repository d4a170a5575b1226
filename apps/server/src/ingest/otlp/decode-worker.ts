// A decode worker: turns a telemetry request body (OTLP logs, traces or metrics, JSON or protobuf; CMCD event
// lines) into mapped records off the event loop (decompression, parsing, validation, bounds, mapping), so the
// server's one loop only de-duplicates, enriches and commits. Messages in: WorkerJob; out: WorkerAnswer
// (errors as plain data, rebuilt as AppError outside).
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { decodeRequestFactory, type DecodeJob, type DecodedRequest } from './decode-request.js';

/** A job as posted to a worker: its id pairs the answer with the request. */
export type WorkerJob = DecodeJob & { id: number };

/** A decoded request, or the error that refused it. */
export type WorkerAnswer =
  | { id: number; ok: true; decoded: DecodedRequest }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

const decodeRequest = decodeRequestFactory();

parentPort?.on('message', (job: WorkerJob) => {
  decodeRequest(job).then(
    (decoded) => parentPort!.postMessage({ id: job.id, ok: true, decoded } satisfies WorkerAnswer),
    (err: unknown) => {
      const error =
        err instanceof AppError
          ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
          : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
      parentPort!.postMessage({ id: job.id, ok: false, error } satisfies WorkerAnswer);
    },
  );
});

// A decode worker: turns an OTLP/JSON or protobuf logs request body into mapped event rows off the event loop
// (decompression, parsing, schema validation, mapping), so the server's one loop only de-duplicates, enriches
// and commits. Messages in: DecodeJob; out: DecodeAnswer (errors as plain data, rebuilt as AppError outside).
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { mapEventRecords, type MappedBatch, type RecordLimits } from '../event-mapper.js';
import { decodeOtlp } from './otlp-decode.js';
import { logBatches } from './otlp-mapping.js';
import { readBody, type BodyLimits } from './request-body.js';
import { createUserAgentParser } from '../user-agent.js';

/** One logs request to decode. */
export interface DecodeJob {
  id: number;
  body: Uint8Array;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  userAgent: string | undefined;
  receivedAt: number;
  bodyLimits: BodyLimits;
  recordLimits: RecordLimits;
  maxRecords: number;
  /** Send the decompressed body back (for the OTLP relay); a copy, so only when wanted. */
  wantDecoded: boolean;
}

/** A decoded request: its batches (one per resource), and the decoded body for the OTLP relay. */
export type DecodeAnswer =
  | {
      id: number;
      ok: true;
      batches: (MappedBatch & { service: string | null })[];
      decoded: Uint8Array | null;
    }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

const userAgents = createUserAgentParser({ cacheSize: 1000 });

async function decode(job: DecodeJob): Promise<DecodeAnswer> {
  const bytes = await readBody(
    Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength),
    job.contentEncoding,
    job.bodyLimits,
  );
  const batches = logBatches(decodeOtlp('logs', job.contentType, bytes));
  const total = batches.reduce((n, b) => n + b.records.length, 0);
  if (total > job.maxRecords) {
    throw new AppError('payload_too_large', `${total} records in one request (limit ${job.maxRecords})`, {
      limit: job.maxRecords,
    });
  }
  return {
    id: job.id,
    ok: true,
    batches: batches.map((b) => {
      const ua = userAgents.parse(b.userAgent ?? job.userAgent);
      const ctx = { receivedAt: job.receivedAt, source: 'otlp', service: b.service, ua };
      return { ...mapEventRecords(b.records, ctx, job.recordLimits), service: b.service };
    }),
    decoded: job.wantDecoded ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null,
  };
}

parentPort?.on('message', (job: DecodeJob) => {
  decode(job).then(
    (answer) => parentPort!.postMessage(answer),
    (err: unknown) => {
      const error =
        err instanceof AppError
          ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
          : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
      parentPort!.postMessage({ id: job.id, ok: false, error } satisfies DecodeAnswer);
    },
  );
});

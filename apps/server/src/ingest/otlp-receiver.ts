import { INGEST_OUTCOMES, TELEMETRY_ORIGINS } from '@coursecast/semconv';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { IngestResult } from './ingest-service.js';
import type { DecodeJob, DecodedRequest } from './otlp/decode-request.js';
import { encodeOtlpResponse } from './otlp/otlp-decode.js';
import type { OtlpSignal } from './otlp/otlp-types.js';
import type { BodyLimits } from './otlp/request-body.js';
import {
  mergeRejections,
  noRejections,
  rejectionMessage,
  type RecordLimits,
  type Rejections,
} from './record-limits.js';
import type { TelemetryPipeline } from './telemetry-pipeline.js';

/** What every OTLP receiver reads: the pipeline, the ingest limits, and how requests are decoded. */
export interface OtlpScope {
  readonly pipeline: TelemetryPipeline;
  readonly c: Config['ingest'];
  readonly bodyLimits: BodyLimits;
  readonly recordLimits: RecordLimits;
  /** Decodes on the event loop when there are no decode workers. */
  readonly decodeInline: (job: DecodeJob) => Promise<DecodedRequest>;
  /** Takes records, or bytes, from the node's budget, or throws the 503 that refuses the request. */
  readonly chargeNode: (what: 'records' | 'bytes', n: number) => void;
}

/** What became of a request's records: taken (stored, or duplicates of stored ones), and refused by reason. */
interface Outcome {
  accepted: number;
  rejections: Rejections;
}

/**
 * Receives one OTLP/HTTP export request: decoded off the event loop (a decode worker) when there are workers,
 * bounded, stored with the server's `received` mark, relayed (marked) to the OTLP endpoint, and answered in the
 * request's encoding with every refusal reason counted.
 */
export async function receiveOtlp(
  scope: OtlpScope,
  signal: OtlpSignal,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline } = scope;
  const type = request.headers['content-type'];
  const decoded = await decodeCharged(scope, signal, request);
  if (decoded.signal === 'cmcd') throw new Error('a CMCD body reached the OTLP receiver');
  const outcome = await store(pipeline, decoded);
  if (decoded.forward && outcome.accepted > 0) {
    pipeline.forwarder?.forward(signal, type ?? 'application/json', Buffer.from(decoded.forward));
  }
  const { accepted, rejections } = outcome;
  if (accepted === 0 && rejections.rejected > 0) {
    throw new AppError('invalid_body', `every record was rejected: ${rejectionMessage(rejections)}`, {
      rejected: rejections.rejected,
      rejectedBy: rejections.rejectedBy,
    });
  }
  const res = encodeOtlpResponse(
    signal,
    type,
    rejections.rejected > 0
      ? { rejected: rejections.rejected, errorMessage: rejectionMessage(rejections)! }
      : null,
  );
  return reply.status(200).header('content-type', res.contentType).send(res.body);
}

/**
 * Decodes a request (in a decode worker when there are workers) and charges the node's budget with what it
 * holds; throws the 503 that refuses it when the budget is spent.
 */
export async function decodeCharged(
  scope: OtlpScope,
  signal: OtlpSignal | 'cmcd',
  request: FastifyRequest,
): Promise<DecodedRequest> {
  const { pipeline, c } = scope;
  const job: DecodeJob = {
    signal,
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    contentType: request.headers['content-type'],
    contentEncoding: request.headers['content-encoding'],
    userAgent: request.headers['user-agent'],
    receivedAt: Date.now(),
    bodyLimits: scope.bodyLimits,
    recordLimits: scope.recordLimits,
    maxRecords: c.maxRecords,
    wantForward: pipeline.forwarder !== null && signal !== 'cmcd',
  };
  const decoded = pipeline.decoders ? await pipeline.decoders.decode(job) : await scope.decodeInline(job);
  // The bytes as sent were charged on arrival; what decompression added is charged now, before anything is stored.
  scope.chargeNode('bytes', Math.max(0, decoded.decodedBytes - job.body.byteLength));
  scope.chargeNode('records', recordCount(decoded));
  return decoded;
}

/** The records a decoded request would store. */
function recordCount(d: DecodedRequest): number {
  if (d.signal === 'logs') return d.batches.reduce((n, b) => n + b.rows.length, 0);
  if (d.signal === 'cmcd') return d.batch.rows.length;
  return d.signal === 'traces' ? d.mapped.spans.length : d.mapped.points.length;
}

/** Stores a decoded request, counting each outcome (and each refusal by reason) on /metrics. */
async function store(
  pipeline: TelemetryPipeline,
  decoded: Exclude<DecodedRequest, { signal: 'cmcd' }>,
): Promise<Outcome> {
  const { ingest, instruments } = pipeline;
  if (decoded.signal === 'logs') {
    const total: IngestResult = { stored: 0, duplicates: 0, unknown: 0, ...noRejections() };
    for (const b of decoded.batches) {
      const r = await ingest.storeMapped(b, decoded.signal);
      total.stored += r.stored;
      total.duplicates += r.duplicates;
      mergeRejections(total, r);
    }
    return { accepted: total.stored + total.duplicates, rejections: total };
  }
  const rejections = noRejections();
  mergeRejections(rejections, decoded.mapped);
  let accepted: number;
  if (decoded.signal === 'traces') {
    await ingest.spans(decoded.mapped.spans, TELEMETRY_ORIGINS.received);
    accepted = decoded.mapped.spans.length;
  } else {
    const before = rejections.rejected;
    const points = await pipeline.receivedMetrics.admit(decoded.mapped.points, rejections);
    await ingest.points(points, TELEMETRY_ORIGINS.received);
    accepted = decoded.mapped.points.length - (rejections.rejected - before);
  }
  instruments.records(decoded.signal, INGEST_OUTCOMES.stored, accepted);
  for (const [reason, n] of Object.entries(rejections.rejectedBy)) {
    instruments.records(decoded.signal, INGEST_OUTCOMES.rejected, n, reason);
  }
  return { accepted, rejections };
}

import { decodeCmcdEvents, type CmcdRejectedLine } from '../cmcd/cmcd-events.js';
import { cmcdEventRecords } from '../cmcd/cmcd-mapping.js';
import { mapEventRecords, type MappedBatch } from '../event-mapper.js';
import { addRejection, type RecordLimits } from '../record-limits.js';
import { createUserAgentParser, type UserAgentParser } from '../user-agent.js';
import { markReceived } from './origin-mark.js';
import { decodeOtlp, otlpFormat } from './otlp-decode.js';
import { logBatches, type LogBatch } from './otlp-mapping.js';
import type { OtlpSignal } from './otlp-types.js';
import { pointRecords, type MappedPoints } from './point-mapping.js';
import { readBody, type BodyLimits } from './request-body.js';
import { overLimit, spanRecords, type MappedSpans, type ReceiveContext } from './span-mapping.js';

/** One request to decode (in a worker or on the event loop alike): OTLP, or CMCD event mode. */
export interface DecodeJob {
  signal: OtlpSignal | 'cmcd';
  body: Uint8Array;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  userAgent: string | undefined;
  receivedAt: number;
  bodyLimits: BodyLimits;
  recordLimits: RecordLimits;
  maxRecords: number;
  /** Return the request marked as received, for the OTLP relay (costs a re-encoding, so only when wanted). */
  wantForward: boolean;
}

/**
 * A decoded request, by signal, with the body the relay sends (null when not wanted or nothing was taken) and
 * its size once decompressed (what the node's byte budget is charged: a small gzip body can hold a lot).
 */
export type DecodedRequest = { decodedBytes: number; forward: Uint8Array | null } & (
  | { signal: 'logs'; batches: (MappedBatch & { service: string | null })[] }
  | { signal: 'traces'; mapped: MappedSpans }
  | { signal: 'metrics'; mapped: MappedPoints }
  | { signal: 'cmcd'; batch: MappedBatch; undecodable: CmcdRejectedLine[] }
);

/** Caps a logs request at `maxRecords` records: the rest are refused as one reason on the last batch. */
function capLogs(batches: LogBatch[], ctx: ReceiveContext): { batches: LogBatch[]; over: number } {
  let left = ctx.maxRecords;
  let total = 0;
  const kept = batches.map((b) => {
    total += b.records.length;
    const records = b.records.slice(0, Math.max(0, left));
    left -= records.length;
    return { ...b, records };
  });
  return { batches: kept, over: Math.max(0, total - ctx.maxRecords) };
}

/** A CMCD v2 event-mode body (text lines) as event rows; the lines that are not CMCD come back apart. */
function decodeCmcd(
  job: DecodeJob,
  bytes: Buffer,
  userAgents: UserAgentParser,
): { signal: 'cmcd'; batch: MappedBatch; undecodable: CmcdRejectedLine[]; decodedBytes: number } {
  const decoded = decodeCmcdEvents(bytes.toString('utf8'), {
    maxRecords: job.maxRecords,
    maxLineBytes: job.recordLimits.maxAttributeLength,
  });
  const ctx = {
    receivedAt: job.receivedAt,
    source: 'cmcd',
    service: null,
    ua: userAgents.parse(job.userAgent),
  };
  const batch = mapEventRecords(cmcdEventRecords(decoded.records), ctx, job.recordLimits);
  return { signal: 'cmcd', batch, undecodable: decoded.rejected, decodedBytes: bytes.length };
}

/** Decodes a request once its decoder has read the body; pure but for the user-agent parser's cache. */
export function decodeRequestFactory(
  userAgents: UserAgentParser = createUserAgentParser({ cacheSize: 1000 }),
) {
  return async function decodeRequest(job: DecodeJob): Promise<DecodedRequest> {
    const bytes = await readBody(
      Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength),
      job.contentEncoding,
      job.bodyLimits,
    );
    const ctx: ReceiveContext = {
      receivedAt: job.receivedAt,
      limits: job.recordLimits,
      maxRecords: job.maxRecords,
    };
    const forward = (taken: number): Uint8Array | null =>
      job.wantForward && taken > 0 && job.signal !== 'cmcd'
        ? markReceived(job.signal, otlpFormat(job.contentType)!, bytes)
        : null;
    if (job.signal === 'cmcd') return { ...decodeCmcd(job, bytes, userAgents), forward: null };
    if (job.signal === 'traces') {
      const mapped = spanRecords(decodeOtlp('traces', job.contentType, bytes), ctx);
      return { signal: 'traces', mapped, forward: forward(mapped.spans.length), decodedBytes: bytes.length };
    }
    if (job.signal === 'metrics') {
      const mapped = pointRecords(decodeOtlp('metrics', job.contentType, bytes), ctx);
      return {
        signal: 'metrics',
        mapped,
        forward: forward(mapped.points.length),
        decodedBytes: bytes.length,
      };
    }
    const { batches, over } = capLogs(logBatches(decodeOtlp('logs', job.contentType, bytes)), ctx);
    const mapped = batches.map((b) => {
      const ua = userAgents.parse(b.userAgent ?? job.userAgent);
      const rc = { receivedAt: job.receivedAt, source: 'otlp', service: b.service, ua };
      return { ...mapEventRecords(b.records, rc, job.recordLimits), service: b.service };
    });
    if (over > 0 && mapped.length > 0)
      addRejection(mapped[mapped.length - 1]!, overLimit(ctx, over + ctx.maxRecords), over);
    const taken = mapped.reduce((n, b) => n + b.rows.length, 0);
    return { signal: 'logs', batches: mapped, forward: forward(taken), decodedBytes: bytes.length };
  };
}

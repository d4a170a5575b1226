import type { EventRecord } from '../event-mapper.js';
import type { OtlpLogsRequest, OtlpResource } from './otlp-types.js';

// Normalized OTLP logs requests → event records (validated later, one by one), each with its resource's service
// name. Spans and metric points are mapped in span-mapping.ts and point-mapping.ts.

/** Epoch ms of an OTLP nanosecond time, or null when it is unset (0). */
export const msFromNanos = (ns: bigint | null): number | null =>
  ns === null || ns === 0n ? null : Number(ns / 1000n) / 1000;

/** The resource's `service.name`, or null. */
export const serviceOf = (r: OtlpResource): string | null =>
  typeof r.attributes['service.name'] === 'string' ? r.attributes['service.name'] : null;

/** Log records of one resource, with that resource's service name and user agent. */
export interface LogBatch {
  service: string | null;
  /** `user_agent.original` of the resource, when the sender put it there rather than in the header. */
  userAgent: string | null;
  records: EventRecord[];
}

/** Splits a logs request into batches per resource. */
export function logBatches(req: OtlpLogsRequest): LogBatch[] {
  return req.resourceLogs.map((rl) => {
    const ua = rl.resource.attributes['user_agent.original'];
    const records: EventRecord[] = [];
    for (const sl of rl.scopeLogs) {
      for (const lr of sl.logRecords) {
        records.push({
          timeMs: msFromNanos(lr.timeUnixNano) ?? msFromNanos(lr.observedTimeUnixNano),
          eventName: lr.eventName,
          attributes: lr.attributes,
          traceId: lr.traceId,
          spanId: lr.spanId,
        });
      }
    }
    return { service: serviceOf(rl.resource), userAgent: typeof ua === 'string' ? ua : null, records };
  });
}

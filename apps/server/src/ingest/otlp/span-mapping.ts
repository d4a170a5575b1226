import { INGEST_REJECT_REASONS } from '@coursecast/semconv';
import type { SpanRecord } from '../../store/telemetry-rows.js';
import {
  addRejection,
  attributeViolation,
  nameViolation,
  noRejections,
  timeViolation,
  type RecordLimits,
  type Rejections,
  type Violation,
} from '../record-limits.js';
import { msFromNanos, serviceOf } from './otlp-mapping.js';
import type { OtlpSpan, OtlpTracesRequest } from './otlp-types.js';

/** What a received request is mapped against: the server's clock when it arrived, and the limits. */
export interface ReceiveContext {
  receivedAt: number;
  limits: RecordLimits;
  /** Records stored from one request; the rest are refused (`too_many_records`). */
  maxRecords: number;
}

/** The spans to store from one request, and what was refused and why. */
export interface MappedSpans extends Rejections {
  spans: SpanRecord[];
}

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'];

/** The records of a request beyond `maxRecords`, refused as one reason. */
export function overLimit(ctx: ReceiveContext, n: number): Violation {
  return {
    reason: INGEST_REJECT_REASONS.tooManyRecords,
    message: `${n} records in one request; the first ${ctx.maxRecords} were taken`,
  };
}

/** Why a span cannot be stored as it is, or null: ids, times, names, attributes, events and links. */
function spanViolation(s: OtlpSpan, service: string, ctx: ReceiveContext): Violation | null {
  const { limits } = ctx;
  const start = msFromNanos(s.startTimeUnixNano);
  const end = msFromNanos(s.endTimeUnixNano);
  if (!s.traceId || !s.spanId || start === null || end === null || end < start) {
    return { reason: INGEST_REJECT_REASONS.undecodable, message: 'a span without ids or times' };
  }
  const many = Math.max(s.events.length, s.links.length);
  if (many > limits.maxSpanEvents) {
    return {
      reason: INGEST_REJECT_REASONS.tooManyEvents,
      message: `span ${JSON.stringify(s.name.slice(0, 64))} has ${many} events or links (limit ${limits.maxSpanEvents})`,
    };
  }
  let v =
    nameViolation('span name', s.name, limits) ??
    nameViolation('service name', service, limits) ??
    timeViolation(start, ctx.receivedAt, limits) ??
    timeViolation(end, ctx.receivedAt, limits) ??
    attributeViolation(s.attributes, limits);
  for (let i = 0; v === null && i < s.events.length; i++) {
    const e = s.events[i]!;
    v = nameViolation('event name', e.name, limits) ?? attributeViolation(e.attributes, limits);
  }
  for (let i = 0; v === null && i < s.links.length; i++)
    v = attributeViolation(s.links[i]!.attributes, limits);
  return v;
}

/**
 * The spans of a traces request as records, within the same bounds every signal keeps: a span beyond one is
 * refused whole (counted by reason), the rest of the request is stored. Pure: runs in a decode worker.
 */
export function spanRecords(req: OtlpTracesRequest, ctx: ReceiveContext): MappedSpans {
  const out: MappedSpans = { spans: [], ...noRejections() };
  let seen = 0;
  for (const rs of req.resourceSpans) {
    const service = serviceOf(rs.resource) ?? 'unknown';
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (++seen > ctx.maxRecords) continue;
        const v = spanViolation(s, service, ctx);
        if (v) {
          addRejection(out, v);
          continue;
        }
        const start = msFromNanos(s.startTimeUnixNano)!;
        const end = msFromNanos(s.endTimeUnixNano)!;
        out.spans.push({
          traceId: s.traceId!,
          spanId: s.spanId!,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: KIND_NAMES[s.kind] ?? 'unspecified',
          service,
          startTime: start,
          endTime: end,
          durationMs: end - start,
          status: STATUS_NAMES[s.status.code] ?? 'unset',
          statusMessage: s.status.message ? s.status.message.slice(0, ctx.limits.maxAttributeLength) : null,
          // Encoded here, in the decode worker: the event loop only copies the text into the store.
          attrs: JSON.stringify(s.attributes),
          events: JSON.stringify(
            s.events.map((e) => ({
              name: e.name,
              time: msFromNanos(e.timeUnixNano) ?? start,
              attrs: e.attributes,
            })),
          ),
        });
      }
    }
  }
  if (seen > ctx.maxRecords) addRejection(out, overLimit(ctx, seen), seen - ctx.maxRecords);
  return out;
}

import { ATTR_EVENT_NAME } from '@coursecast/semconv/browser';
import type { Attrs, SdkEvent, SdkSpan } from './sdk-types.js';

/*
 * OTLP/JSON as the protobuf JSON mapping spells it: lowerCamelCase keys, hex ids, 64-bit integers as
 * decimal strings. The shape stays within what the server's fast path takes (no unknown keys).
 */

/** The instrumentation scope of the records. */
export interface Scope {
  name: string;
  version: string;
}

type AnyValue =
  { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };

/** Epoch ms (fractional) as nanoseconds, a decimal string: ms × 10^6 overflows a double's exact integers. */
export function unixNano(ms: number): string {
  if (!(ms > 0) || ms > 1e14) return '0';
  let whole = Math.floor(ms);
  let sub = Math.round((ms - whole) * 1e6);
  if (sub === 1e6) {
    whole++;
    sub = 0;
  }
  return whole ? `${whole}${`${sub}`.padStart(6, '0')}` : `${sub}`;
}

function value(v: unknown): AnyValue | null {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v !== 'number' || !isFinite(v)) return null;
  // Beyond 2^53 an "integer" is a rounded double: send it as one.
  return Number.isSafeInteger(v) ? { intValue: `${v}` } : { doubleValue: v };
}

/** Attributes as an OTLP KeyValue list; values of other types (and non-finite numbers) are left out. */
export function keyValues(attrs: Attrs): { key: string; value: AnyValue }[] {
  const out: { key: string; value: AnyValue }[] = [];
  for (const key in attrs) {
    const v = value(attrs[key]);
    if (v) out.push({ key, value: v });
  }
  return out;
}

function request(
  signal: 'Logs' | 'Spans',
  items: string,
  resource: Attrs,
  scope: Scope,
  records: unknown[],
): string {
  return JSON.stringify({
    [`resource${signal}`]: [
      {
        resource: { attributes: keyValues(resource) },
        [`scope${signal}`]: [{ scope: { name: scope.name, version: scope.version }, [items]: records }],
      },
    ],
  });
}

/** An OTLP/JSON ExportLogsServiceRequest of events (one log record each, named by `eventName` and `event.name`). */
export function encodeLogs(resource: Attrs, scope: Scope, events: SdkEvent[]): string {
  return request(
    'Logs',
    'logRecords',
    resource,
    scope,
    events.map((e) => {
      const t = unixNano(e.timeMs);
      return {
        timeUnixNano: t,
        observedTimeUnixNano: t,
        eventName: e.name,
        attributes: keyValues({ ...e.attributes, [ATTR_EVENT_NAME]: e.name }),
        traceId: e.traceId,
        spanId: e.spanId,
      };
    }),
  );
}

/** An OTLP/JSON ExportTraceServiceRequest of finished spans. */
export function encodeSpans(resource: Attrs, scope: Scope, spans: SdkSpan[]): string {
  return request(
    'Spans',
    'spans',
    resource,
    scope,
    spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId || undefined,
      name: s.name,
      kind: s.kind,
      startTimeUnixNano: unixNano(s.startMs),
      endTimeUnixNano: unixNano(s.endMs),
      attributes: keyValues(s.attributes),
      status: s.status && { code: s.status.code, message: s.status.message },
    })),
  );
}

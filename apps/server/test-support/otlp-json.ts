import { gzipSync } from 'node:zlib';

/** An OTLP JSON AnyValue for a JS value (ints as intValue strings, per the proto3 JSON mapping). */
export function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { stringValue: String(v) };
}

/** OTLP JSON KeyValue list. */
export function keyValues(attrs: Record<string, unknown>): Record<string, unknown>[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** One event as a log record: name, epoch ms, attributes. */
export interface TestEvent {
  name: string;
  timeMs: number;
  attrs: Record<string, unknown>;
}

/** An ExportLogsServiceRequest (OTLP JSON) of events from one resource. */
export function otlpLogs(
  events: readonly TestEvent[],
  resource: Record<string, unknown> = { 'service.name': 'player' },
): object {
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resource) },
        scopeLogs: [
          {
            scope: { name: '@coursecast/player-sdk', version: '0.1.0' },
            logRecords: events.map((e) => ({
              timeUnixNano: (BigInt(Math.round(e.timeMs)) * 1_000_000n).toString(),
              eventName: e.name,
              attributes: keyValues(e.attrs),
            })),
          },
        ],
      },
    ],
  };
}

/** A JSON body, gzipped when asked. */
export function jsonBody(value: unknown, gzip = false): Buffer {
  const raw = Buffer.from(JSON.stringify(value));
  return gzip ? gzipSync(raw) : raw;
}

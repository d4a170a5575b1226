import { ATTR_TELEMETRY_ORIGIN, TELEMETRY_ORIGINS } from '@coursecast/semconv';
import { markProtobufResources } from './otlp-protobuf.js';
import { RESOURCE_FIELDS, type OtlpSignal } from './otlp-types.js';

const MARK = { key: ATTR_TELEMETRY_ORIGIN, value: TELEMETRY_ORIGINS.received };

type JsonResource = { resource?: { attributes?: { key?: unknown }[] } };

/**
 * A received request as the forwarder relays it: every resource carries `coursecast.telemetry.origin =
 * received`, set by the server (the sender's own value of that key, if any, is removed), so the operator's
 * collector can never take it for the server's telemetry. In the request's own encoding.
 */
export function markReceived(signal: OtlpSignal, format: 'json' | 'protobuf', bytes: Uint8Array): Uint8Array {
  if (format === 'protobuf') return markProtobufResources(signal, bytes, MARK);
  // The body was decoded as valid OTLP/JSON before this runs, so it parses.
  const request = JSON.parse(
    Buffer.from(bytes)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  ) as Record<string, JsonResource[] | undefined>;
  for (const r of request[RESOURCE_FIELDS[signal]] ?? []) {
    const resource = (r.resource ??= {});
    resource.attributes = (resource.attributes ?? []).filter((a) => a.key !== MARK.key);
    resource.attributes.push({ key: MARK.key, value: { stringValue: MARK.value } } as { key: string });
  }
  return Buffer.from(JSON.stringify(request));
}

import type protobuf from 'protobufjs';
import { createOtlpRoot } from './otlp-proto-schema.js';
import { RESOURCE_FIELDS, type OtlpSignal } from './otlp-types.js';
import type { WireRequestBySignal } from './otlp-wire.js';

/*
 * protobufjs reflection over the OTLP messages of otlp-proto-schema.ts. No OpenTelemetry package
 * publishes decoders: @opentelemetry/otlp-transformer dropped its generated protobufjs code in 0.218
 * for a hand-written encoder that cannot read requests (docs/adr/0007-otlp-proto-definitions.md).
 */
const MESSAGES = {
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsService',
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsService',
} as const satisfies Record<OtlpSignal, string>;

// int64 as decimal strings (a JS number loses nanoseconds), enums as numbers, bytes left as bytes.
const TO_WIRE: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false };

interface OtlpTypes {
  root: protobuf.Root;
  requests: Record<OtlpSignal, protobuf.Type>;
  responses: Record<OtlpSignal, protobuf.Type>;
}
let loaded: OtlpTypes | undefined;

function load(): OtlpTypes {
  if (loaded) return loaded;
  const root = createOtlpRoot();
  const pick = (suffix: string) =>
    Object.fromEntries(
      Object.entries(MESSAGES).map(([signal, name]) => [signal, root.lookupType(`${name}${suffix}`)]),
    ) as Record<OtlpSignal, protobuf.Type>;
  loaded = { root, requests: pick('Request'), responses: pick('Response') };
  return loaded;
}

/** Bytes that are not a protobuf encoding of the request (truncated, bad wire type, nested too deep). */
export class OtlpProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpProtobufError';
  }
}

/** Decodes a binary Export*ServiceRequest into its wire shape; throws OtlpProtobufError on bad bytes. */
export function decodeProtobufRequest<S extends OtlpSignal>(
  signal: S,
  bytes: Uint8Array,
): WireRequestBySignal[S] {
  const type = load().requests[signal];
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    throw new OtlpProtobufError(error instanceof Error ? error.message : String(error));
  }
  // toObject is typed loosely ({ [k: string]: any }); its output follows the schema in
  // otlp-proto-schema.ts, which the wire types transcribe, and the round-trip tests hold the two together.
  const wire: WireRequestBySignal[S] = type.toObject(message, TO_WIRE);
  return wire;
}

/** Encodes an Export*ServiceResponse given in its lowerCamelCase object form. */
export function encodeProtobufResponse(signal: OtlpSignal, response: Record<string, unknown>): Buffer {
  const type = load().responses[signal];
  const bytes = type.encode(type.fromObject(response)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A protobuf request re-encoded with `mark` as a resource attribute of every resource (any attribute of the
 * same key the sender set is removed first, so only the server's value can be read downstream).
 */
export function markProtobufResources(
  signal: OtlpSignal,
  bytes: Uint8Array,
  mark: { key: string; value: string },
): Uint8Array {
  const type = load().requests[signal];
  const message = type.toObject(type.decode(bytes), { longs: String, bytes: Array }) as Record<
    string,
    { resource?: { attributes?: { key: string }[] } }[] | undefined
  >;
  const field = RESOURCE_FIELDS[signal];
  for (const r of message[field] ?? []) {
    const resource = (r.resource ??= {});
    resource.attributes = (resource.attributes ?? []).filter((a) => a.key !== mark.key);
    resource.attributes.push({ key: mark.key, value: { stringValue: mark.value } } as { key: string });
  }
  return type.encode(type.fromObject(message)).finish();
}

/** A google.rpc.Status, the body OTLP/HTTP requires for a failed protobuf request. */
export function encodeRpcStatus(code: number, message: string): Buffer {
  const type = load().root.lookupType('google.rpc.Status');
  const bytes = type.encode(type.fromObject({ code, message })).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The values of an OTLP enum by name (e.g. `SPAN_KIND_SERVER` → 2), for JSON senders that spell names. */
export function otlpEnumValues(fullName: string): Readonly<Record<string, number>> {
  return load().root.lookupEnum(fullName).values;
}

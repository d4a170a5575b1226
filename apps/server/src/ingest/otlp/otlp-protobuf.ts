import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import type { OtlpSignal } from './otlp-types.js';
import type { WireRequestBySignal } from './otlp-wire.js';

/*
 * The OTLP .proto files come from @elastic/mockotlpserver, which ships them unmodified from
 * open-telemetry/opentelemetry-proto (kept in step with opentelemetry-js). No OpenTelemetry package
 * publishes decoders: @opentelemetry/otlp-transformer dropped its generated protobufjs code in 0.218
 * for a hand-written encoder that cannot read requests.
 */
const PROTO_PACKAGE = '@elastic/mockotlpserver';
const SERVICE_FILES = [
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
];
const SERVICES = {
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

/**
 * `LogRecord.event_name` (field 12) arrived in opentelemetry-proto 1.5.0; the shipped files are 1.4.0.
 * Adding the one field keeps events' names, and becomes a no-op once the files carry it.
 */
function addMissingFields(root: protobuf.Root): void {
  const logRecord = root.lookupType('opentelemetry.proto.logs.v1.LogRecord');
  if (!logRecord.fieldsById[12]) logRecord.add(new protobuf.Field('eventName', 12, 'string'));
}

function load(): OtlpTypes {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve(`${PROTO_PACKAGE}/package.json`));
  const root = new protobuf.Root();
  // The files import each other by paths relative to the proto root, not to the importing file.
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
  root.loadSync(SERVICE_FILES);
  addMissingFields(root);
  root.resolveAll();
  const pick = (suffix: string) =>
    Object.fromEntries(
      Object.entries(SERVICES).map(([signal, name]) => [signal, root.lookupType(`${name}${suffix}`)]),
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
  // toObject is typed loosely ({ [k: string]: any }); its output follows the .proto files, which the
  // wire types transcribe, and the round-trip tests hold the two together.
  const wire: WireRequestBySignal[S] = type.toObject(message, TO_WIRE);
  return wire;
}

/** Encodes an Export*ServiceResponse given in its lowerCamelCase object form. */
export function encodeProtobufResponse(signal: OtlpSignal, response: Record<string, unknown>): Buffer {
  const type = load().responses[signal];
  const bytes = type.encode(type.fromObject(response)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The values of an OTLP enum by name (e.g. `SPAN_KIND_SERVER` → 2), for JSON senders that spell names. */
export function otlpEnumValues(fullName: string): Readonly<Record<string, number>> {
  return load().root.lookupEnum(fullName).values;
}

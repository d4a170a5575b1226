import { AppError } from '../../errors.js';
import { fastJsonLogs } from './otlp-json-fast.js';
import { OtlpJsonShapeError, formatPath, parseJsonRequest } from './otlp-json.js';
import { normalizeOtlp } from './otlp-normalize.js';
import { OtlpValueError } from './otlp-values.js';
import { OtlpProtobufError, decodeProtobufRequest, encodeProtobufResponse } from './otlp-protobuf.js';
import type { OtlpRequestBySignal, OtlpSignal } from './otlp-types.js';
import type { WireRequestBySignal } from './otlp-wire.js';

/** The two OTLP/HTTP encodings and their media types. */
export const OTLP_MEDIA_TYPES = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
} as const;

/** An OTLP/HTTP body encoding. */
export type OtlpFormat = keyof typeof OTLP_MEDIA_TYPES;

/** The partial-success counter of each signal's Export*ServiceResponse. */
const REJECTED_FIELD = {
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
} as const satisfies Record<OtlpSignal, string>;

/** The OTLP encoding a Content-Type names (parameters such as charset ignored), or null. */
export function otlpFormat(contentType: string | undefined): OtlpFormat | null {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === OTLP_MEDIA_TYPES.protobuf) return 'protobuf';
  if (mediaType === OTLP_MEDIA_TYPES.json) return 'json';
  return null;
}

function unsupportedMediaType(contentType: string | undefined): AppError {
  const accepted = Object.values(OTLP_MEDIA_TYPES);
  const named = contentType ? `content type "${contentType}" is` : 'a body without a content type is';
  return new AppError(
    'unsupported_media_type',
    `${named} not supported for OTLP; use ${accepted.join(' or ')}`,
    {
      contentType: contentType ?? null,
      accepted,
    },
  );
}

function invalidBody(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('invalid_body', message, details);
}

function jsonText(bytes: Buffer): unknown {
  try {
    // A leading BOM is legal in JSON text over HTTP but JSON.parse rejects it.
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw invalidBody(`the OTLP/JSON body is not valid JSON: ${(error as Error).message}`);
  }
}

function parseJson<S extends OtlpSignal>(signal: S, parsed: unknown): WireRequestBySignal[S] {
  try {
    return parseJsonRequest(signal, parsed);
  } catch (error) {
    if (!(error instanceof OtlpJsonShapeError)) throw error;
    throw invalidBody(`the OTLP/JSON body is not an OTLP ${signal} export request: ${error.message}`, {
      issues: error.issues,
    });
  }
}

function parseProtobuf<S extends OtlpSignal>(signal: S, bytes: Buffer): WireRequestBySignal[S] {
  try {
    return decodeProtobufRequest(signal, bytes);
  } catch (error) {
    if (!(error instanceof OtlpProtobufError)) throw error;
    throw invalidBody(`the OTLP protobuf body is malformed: ${error.message}`);
  }
}

function decodeWire<S extends OtlpSignal>(
  signal: S,
  format: OtlpFormat,
  bytes: Buffer,
): WireRequestBySignal[S] {
  try {
    return format === 'json' ? parseJson(signal, jsonText(bytes)) : parseProtobuf(signal, bytes);
  } catch (error) {
    // The schemas and protobufjs both bound nesting; should a stack still overflow, it is the body's fault.
    if (error instanceof RangeError) throw invalidBody('the OTLP body nests values too deeply');
    throw error;
  }
}

/**
 * Decodes an OTLP/HTTP export request body (already decompressed) of the given signal, JSON or
 * protobuf by its Content-Type, into the normalized request; 415 for other types, 400 naming the field
 * for a malformed body.
 */
export function decodeOtlp<S extends OtlpSignal>(
  signal: S,
  contentType: string | undefined,
  bytes: Buffer,
): OtlpRequestBySignal[S] {
  const format = otlpFormat(contentType);
  if (!format) throw unsupportedMediaType(contentType);
  if (signal === 'logs' && format === 'json') {
    // Player beacons: the common shape is decoded in one walk; anything unusual takes the checked path.
    const parsed = jsonText(bytes);
    const fast = fastJsonLogs(parsed);
    if (fast) return fast as OtlpRequestBySignal[S];
    try {
      return normalized(signal, parseJson(signal, parsed));
    } catch (error) {
      if (error instanceof RangeError) throw invalidBody('the OTLP body nests values too deeply');
      throw error;
    }
  }
  return normalized(signal, decodeWire(signal, format, bytes));
}

function normalized<S extends OtlpSignal>(signal: S, wire: WireRequestBySignal[S]): OtlpRequestBySignal[S] {
  try {
    return normalizeOtlp(signal, wire);
  } catch (error) {
    if (!(error instanceof OtlpValueError)) throw error;
    const path = formatPath(error.path);
    throw invalidBody(`the OTLP ${signal} request is invalid at ${path}: ${error.message}`, {
      issues: [{ path, message: error.message }],
    });
  }
}

/** What a partially accepted export tells the sender. */
export interface OtlpPartialSuccess {
  rejected: number;
  errorMessage: string;
}

/**
 * Encodes the Export*ServiceResponse in the request's encoding (JSON unless it was protobuf): empty
 * when everything was accepted, else with `partialSuccess`. int64 counts go out as JSON strings, as
 * the proto3 JSON mapping (and the Collector) write them.
 */
export function encodeOtlpResponse(
  signal: OtlpSignal,
  contentType: string | undefined,
  partial: OtlpPartialSuccess | null,
): { contentType: string; body: Buffer } {
  const response = partial
    ? {
        partialSuccess: {
          [REJECTED_FIELD[signal]]: String(partial.rejected),
          errorMessage: partial.errorMessage,
        },
      }
    : {};
  if (otlpFormat(contentType) === 'protobuf') {
    return { contentType: OTLP_MEDIA_TYPES.protobuf, body: encodeProtobufResponse(signal, response) };
  }
  return { contentType: OTLP_MEDIA_TYPES.json, body: Buffer.from(JSON.stringify(response)) };
}

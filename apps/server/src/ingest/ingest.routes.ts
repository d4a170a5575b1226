import { ERROR_CODES, type ErrorCode } from '@coursecast/api';
import { INGEST_OUTCOMES, INGEST_SIGNALS } from '@coursecast/semconv';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from '../auth/client-key.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { createBodyGuard, type BodyTicket } from './body-guard.js';
import { recordLimits } from './ingest-service.js';
import { decodeRequestFactory } from './otlp/decode-request.js';
import { otlpFormat } from './otlp/otlp-decode.js';
import { encodeRpcStatus } from './otlp/otlp-protobuf.js';
import { decodeCharged, receiveOtlp, type OtlpScope } from './otlp-receiver.js';
import { firstRejection } from './record-limits.js';
import type { TelemetryPipeline } from './telemetry-pipeline.js';

export interface IngestRoutesDeps {
  config: Config['ingest'];
  pipeline: TelemetryPipeline;
}

const CMCD_TYPE = 'application/cmcd';
const SIGNAL_OF: Record<string, string> = {
  '/v1/logs': INGEST_SIGNALS.logs,
  '/v1/traces': INGEST_SIGNALS.traces,
  '/v1/metrics': INGEST_SIGNALS.metrics,
  '/v1/cmcd': INGEST_SIGNALS.cmcd,
};

// OTLP/HTTP's failure body for protobuf requests is a google.rpc.Status with a gRPC code (the spec's table).
const GRPC_CODE_OF_STATUS: Record<number, number> = { 400: 3, 413: 3, 415: 3, 429: 8, 503: 14 };

/**
 * OTLP/HTTP receivers (`/v1/logs`, `/v1/traces`, `/v1/metrics`; JSON or protobuf, gzip) and CMCD v2 event mode
 * (`/v1/cmcd`, `application/cmcd`). Same origin as the player, no cookies; every answer comes after the
 * records it accepted are committed.
 */
export const ingestRoutes: FastifyPluginAsync<IngestRoutesDeps> = async (app, deps) => {
  const { config: c } = deps;
  const scope: OtlpScope = {
    pipeline: deps.pipeline,
    c,
    bodyLimits: { maxBodyBytes: c.maxBodyBytes, maxDecodedBytes: c.maxDecodedBytes },
    recordLimits: recordLimits(c),
    decodeInline: decodeRequestFactory(),
    chargeNode: (what, n) => chargeNode(deps.pipeline, c, what, n),
  };
  guardIngest(app, scope);
  app.post('/v1/logs', (request, reply) => receiveOtlp(scope, 'logs', request, reply));
  app.post('/v1/traces', (request, reply) => receiveOtlp(scope, 'traces', request, reply));
  app.post('/v1/metrics', (request, reply) => receiveOtlp(scope, 'metrics', request, reply));
  app.post('/v1/cmcd', (request, reply) => receiveCmcd(scope, request, reply));
};

/** Raw bodies, the per-client rate limit, CORS and the count of refusals, for every receiver. */
function guardIngest(app: FastifyInstance, { pipeline, c }: OtlpScope): void {
  // Bodies arrive as bytes whatever their type: they may be gzip, protobuf or CMCD text, decoded below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: c.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  // Refused before the body is read, so a flood costs a map lookup per request.
  const bodies = createBodyGuard({
    maxInFlightPerClient: c.maxInFlightPerClient,
    maxBodyMemoryBytes: c.maxBodyMemoryBytes,
    bodyTimeoutMs: c.bodyTimeoutSeconds * 1000,
    maxBodyBytes: c.maxBodyBytes,
  });
  const tickets = new WeakMap<FastifyRequest, BodyTicket>();
  app.addHook('onRequest', async (request, reply) => {
    const client = clientKey(request.ip);
    const retry = pipeline.rateLimiter.take(client);
    if (retry !== null) {
      throw new AppError('rate_limited', `more than ${c.ratePerSecond} requests per second from ${client}`, {
        retryAfterSeconds: retry,
      });
    }
    // Telemetry gives way to media: under the volume's floor it takes nothing (uploads still can).
    if (pipeline.guard.volumeLow()) {
      throw new AppError(
        'insufficient_storage',
        'the data volume is nearly full: telemetry is not taken now',
        {
          retryAfterSeconds: 60,
        },
      );
    }
    // The node's byte budget, charged before the body is read when its length is declared.
    const length = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(length)) chargeNode(pipeline, c, 'bytes', length);
    // Last: a request refused above holds no place. A body too slow to arrive loses its connection.
    const ticket = bodies.admit(client, Number.isFinite(length) ? length : null, () => {
      pipeline.instruments.refused(
        SIGNAL_OF[request.routeOptions.url ?? ''] ?? 'unknown',
        408,
        'body_timeout',
      );
      request.raw.destroy();
    });
    reply.raw.once('close', () => ticket.release());
    tickets.set(request, ticket);
  });
  app.addHook('preValidation', async (request) => tickets.get(request)?.received());
  // A body without a declared length (chunked) is charged once read.
  app.addHook('preHandler', async (request) => {
    if (request.headers['content-length'] === undefined && Buffer.isBuffer(request.body)) {
      chargeNode(pipeline, c, 'bytes', request.body.length);
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('access-control-allow-origin', '*');
    if (reply.statusCode < 400) return payload;
    const signal = SIGNAL_OF[request.routeOptions.url ?? ''] ?? 'unknown';
    const error = errorOfBody(payload);
    pipeline.instruments.refused(signal, reply.statusCode, error.code);
    return signal !== INGEST_SIGNALS.cmcd ? otlpFailure(request, reply, payload, error.message) : payload;
  });
  for (const url of Object.keys(SIGNAL_OF)) app.options(url, preflight);
}

/** Takes `n` from the node's budget, or refuses the request (503, Retry-After) when it is spent. */
export function chargeNode(
  pipeline: TelemetryPipeline,
  c: Config['ingest'],
  what: 'records' | 'bytes',
  n: number,
): void {
  const retry = pipeline.nodeBudget.take(what, n);
  if (retry === null) return;
  const rate = what === 'records' ? `${c.nodeRecordsPerSecond} records` : `${c.nodeBytesPerSecond} bytes`;
  throw new AppError(
    'ingest_overloaded',
    `the node's telemetry budget (${rate} per second) is spent; retry later`,
    {
      retryAfterSeconds: retry,
    },
  );
}

/**
 * A failed OTLP request answered in its own encoding: protobuf senders get a google.rpc.Status (what the
 * OpenTelemetry exporters parse), JSON senders the server's JSON error body.
 */
function otlpFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  message: string,
): unknown {
  if (otlpFormat(request.headers['content-type']) !== 'protobuf') return payload;
  void reply.header('content-type', 'application/x-protobuf');
  return encodeRpcStatus(GRPC_CODE_OF_STATUS[reply.statusCode] ?? 13, message);
}

/** The code and message of an error answer's JSON body (`internal` when it is not one of ours). */
function errorOfBody(payload: unknown): { code: string; message: string } {
  try {
    const e = (JSON.parse(String(payload)) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof e?.code === 'string' && ERROR_CODES.includes(e.code as ErrorCode)) {
      return { code: e.code, message: typeof e.message === 'string' ? e.message : e.code };
    }
  } catch {
    // Not JSON: not one of our error bodies.
  }
  return { code: 'internal', message: String(payload) };
}

async function receiveCmcd(
  scope: OtlpScope,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline } = scope;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== CMCD_TYPE) {
    throw new AppError(
      'unsupported_media_type',
      `CMCD events must be sent as ${CMCD_TYPE}, not "${type || 'none'}"`,
    );
  }
  const decoded = await decodeCharged(scope, 'cmcd', request);
  if (decoded.signal !== 'cmcd') throw new Error('the CMCD receiver got another signal back');
  const r = await pipeline.ingest.storeMapped(decoded.batch, INGEST_SIGNALS.cmcd);
  const rejected = r.rejected + decoded.undecodable.length;
  pipeline.instruments.records(
    INGEST_SIGNALS.cmcd,
    INGEST_OUTCOMES.rejected,
    decoded.undecodable.length,
    'undecodable',
  );
  // CMCD has no response body of its own: 204 when all was taken, else a JSON account of what was not.
  if (rejected === 0) return reply.status(204).send();
  return reply.status(200).send({
    accepted: r.stored + r.duplicates,
    rejected,
    errors: decoded.undecodable.slice(0, 10).map((x) => ({ line: x.line, reason: x.reason })),
    firstRejection: firstRejection(r),
  });
}

async function preflight(_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return reply
    .code(204)
    .headers({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, content-encoding, traceparent, tracestate',
      'access-control-max-age': '86400',
    })
    .send();
}

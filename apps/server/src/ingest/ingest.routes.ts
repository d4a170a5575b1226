import { INGEST_OUTCOMES, INGEST_SIGNALS } from '@coursecast/semconv';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { decodeCmcdEvents } from './cmcd/cmcd-events.js';
import { cmcdEventRecords } from './cmcd/cmcd-mapping.js';
import type { RecordLimits } from './event-mapper.js';
import type { IngestResult } from './ingest-service.js';
import type { DecodePool } from './otlp/decode-pool.js';
import { decodeOtlp, encodeOtlpResponse } from './otlp/otlp-decode.js';
import { logBatches, pointRows, spanRows } from './otlp/otlp-mapping.js';
import type { OtlpSignal } from './otlp/otlp-types.js';
import { readBody, type BodyLimits } from './otlp/request-body.js';
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

/** What every receiver reads: the pipeline, the ingest limits, and the limits in the shapes decoders take. */
interface IngestScope {
  readonly pipeline: TelemetryPipeline;
  readonly c: Config['ingest'];
  readonly limits: BodyLimits;
  readonly recordLimits: RecordLimits;
}

/**
 * OTLP/HTTP receivers (`/v1/logs`, `/v1/traces`, `/v1/metrics`; JSON or protobuf, gzip) and CMCD v2 event mode
 * (`/v1/cmcd`, `application/cmcd`). Same origin as the player, no cookies; every answer comes after the
 * records it accepted are committed.
 */
export const ingestRoutes: FastifyPluginAsync<IngestRoutesDeps> = async (app, deps) => {
  const { config: c } = deps;
  const scope: IngestScope = {
    pipeline: deps.pipeline,
    c,
    limits: { maxBodyBytes: c.maxBodyBytes, maxDecodedBytes: c.maxDecodedBytes },
    recordLimits: {
      maxAttributes: c.maxAttributes,
      maxAttributeLength: c.maxAttributeLength,
      maxFutureMs: c.maxFutureSeconds * 1000,
      maxPastMs: c.maxPastSeconds * 1000,
    },
  };
  guardIngest(app, scope);
  app.post('/v1/logs', (request, reply) => receiveLogs(scope, request, reply));
  app.post('/v1/traces', (request, reply) => receiveTraces(scope, request, reply));
  app.post('/v1/metrics', (request, reply) => receiveMetrics(scope, request, reply));
  app.post('/v1/cmcd', (request, reply) => receiveCmcd(scope, request, reply));
};

/** Raw bodies, the per-client rate limit, CORS and the count of refusals, for every receiver. */
function guardIngest(app: FastifyInstance, { pipeline, c }: IngestScope): void {
  // Bodies arrive as bytes whatever their type: they may be gzip, protobuf or CMCD text, decoded below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: c.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  // Refused before the body is read, so a flood costs a map lookup per request.
  app.addHook('onRequest', async (request) => {
    const retry = pipeline.rateLimiter.take(request.ip);
    if (retry !== null) {
      throw new AppError(
        'rate_limited',
        `more than ${c.ratePerSecond} requests per second from ${request.ip}`,
        {
          retryAfterSeconds: retry,
        },
      );
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('access-control-allow-origin', '*');
    if (reply.statusCode >= 400) {
      pipeline.instruments.refused(SIGNAL_OF[request.routeOptions.url ?? ''] ?? 'unknown', reply.statusCode);
    }
    return payload;
  });
  for (const url of Object.keys(SIGNAL_OF)) app.options(url, preflight);
}

/** The request's body, decompressed within the limits. */
async function body(scope: IngestScope, request: FastifyRequest): Promise<Buffer> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return readBody(raw, request.headers['content-encoding'], scope.limits);
}

function answer(
  reply: FastifyReply,
  signal: OtlpSignal,
  contentType: string | undefined,
  accepted: number,
  rejected: number,
  message: string | null,
): FastifyReply {
  // Nothing usable at all is a bad request (OTLP/HTTP); some rejected is a partial success.
  if (accepted === 0 && rejected > 0) {
    throw new AppError('invalid_body', `every record was rejected: ${message ?? 'invalid'}`, { rejected });
  }
  const res = encodeOtlpResponse(
    signal,
    contentType,
    rejected > 0 ? { rejected, errorMessage: message ?? '' } : null,
  );
  return reply.status(200).header('content-type', res.contentType).send(res.body);
}

function checkRecordCount(c: Config['ingest'], n: number): void {
  if (n > c.maxRecords) {
    throw new AppError('payload_too_large', `${n} records in one request (limit ${c.maxRecords})`, {
      limit: c.maxRecords,
    });
  }
}

async function receiveLogs(
  scope: IngestScope,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline } = scope;
  const type = request.headers['content-type'];
  const total: IngestResult = { stored: 0, duplicates: 0, unknown: 0, rejected: 0, firstRejection: null };
  const add = (r: IngestResult): void => {
    total.stored += r.stored;
    total.duplicates += r.duplicates;
    total.rejected += r.rejected;
    total.firstRejection ??= r.firstRejection;
  };
  const decoded = pipeline.decoders
    ? await logsInWorker(scope, pipeline.decoders, request, add)
    : await logsInline(scope, request, add);
  if (total.stored > 0) pipeline.forwarder?.forward('logs', type ?? 'application/json', Buffer.from(decoded));
  return answer(reply, 'logs', type, total.stored + total.duplicates, total.rejected, total.firstRejection);
}

/**
 * Decompression, parsing, validation and mapping happen in a worker; this loop stores the rows. Resolves to
 * the decoded request (for the forwarder), empty when there is none to forward.
 */
async function logsInWorker(
  scope: IngestScope,
  decoders: DecodePool,
  request: FastifyRequest,
  add: (r: IngestResult) => void,
): Promise<Buffer | Uint8Array> {
  const { pipeline, c } = scope;
  const result = await decoders.decode({
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    contentType: request.headers['content-type'],
    contentEncoding: request.headers['content-encoding'],
    userAgent: request.headers['user-agent'],
    receivedAt: Date.now(),
    bodyLimits: scope.limits,
    recordLimits: scope.recordLimits,
    maxRecords: c.maxRecords,
    wantDecoded: pipeline.forwarder !== null,
  });
  for (const b of result.batches) add(await pipeline.ingest.storeMapped(b, INGEST_SIGNALS.logs));
  return result.decoded ?? new Uint8Array();
}

/** Decodes and stores the logs on the event loop (no decode workers); resolves to the decoded request. */
async function logsInline(
  scope: IngestScope,
  request: FastifyRequest,
  add: (r: IngestResult) => void,
): Promise<Buffer> {
  const bytes = await body(scope, request);
  const batches = logBatches(decodeOtlp('logs', request.headers['content-type'], bytes));
  checkRecordCount(
    scope.c,
    batches.reduce((n, b) => n + b.records.length, 0),
  );
  for (const b of batches) {
    add(
      await scope.pipeline.ingest.events(b.records, {
        signal: INGEST_SIGNALS.logs,
        source: 'otlp',
        service: b.service,
        userAgent: b.userAgent ?? request.headers['user-agent'],
      }),
    );
  }
  return bytes;
}

async function receiveTraces(
  scope: IngestScope,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline } = scope;
  const type = request.headers['content-type'];
  const bytes = await body(scope, request);
  const { rows, rejected } = spanRows(decodeOtlp('traces', type, bytes));
  checkRecordCount(scope.c, rows.length + rejected);
  await pipeline.ingest.spans(rows);
  if (rows.length > 0) pipeline.forwarder?.forward('traces', type ?? 'application/json', bytes);
  pipeline.instruments.records(INGEST_SIGNALS.traces, INGEST_OUTCOMES.stored, rows.length);
  pipeline.instruments.records(INGEST_SIGNALS.traces, INGEST_OUTCOMES.rejected, rejected, 'undecodable');
  return answer(
    reply,
    'traces',
    type,
    rows.length,
    rejected,
    rejected > 0 ? 'spans without ids or times' : null,
  );
}

async function receiveMetrics(
  scope: IngestScope,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline } = scope;
  const type = request.headers['content-type'];
  const bytes = await body(scope, request);
  const { rows, rejected, reason } = pointRows(decodeOtlp('metrics', type, bytes));
  checkRecordCount(scope.c, rows.length + rejected);
  await pipeline.ingest.points(rows);
  if (rows.length > 0) pipeline.forwarder?.forward('metrics', type ?? 'application/json', bytes);
  pipeline.instruments.records(INGEST_SIGNALS.metrics, INGEST_OUTCOMES.stored, rows.length);
  pipeline.instruments.records(INGEST_SIGNALS.metrics, INGEST_OUTCOMES.rejected, rejected, 'undecodable');
  return answer(reply, 'metrics', type, rows.length, rejected, reason);
}

async function receiveCmcd(
  scope: IngestScope,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { pipeline, c } = scope;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== CMCD_TYPE) {
    throw new AppError(
      'unsupported_media_type',
      `CMCD events must be sent as ${CMCD_TYPE}, not "${type || 'none'}"`,
    );
  }
  const text = (await body(scope, request)).toString('utf8');
  const decoded = decodeCmcdEvents(text, { maxRecords: c.maxRecords, maxLineBytes: c.maxAttributeLength });
  const r = await pipeline.ingest.events(cmcdEventRecords(decoded.records), {
    signal: INGEST_SIGNALS.cmcd,
    source: 'cmcd',
    service: null,
    userAgent: request.headers['user-agent'],
  });
  const rejected = r.rejected + decoded.rejected.length;
  pipeline.instruments.records(
    INGEST_SIGNALS.cmcd,
    INGEST_OUTCOMES.rejected,
    decoded.rejected.length,
    'undecodable',
  );
  // CMCD has no response body of its own: 204 when all was taken, else a JSON account of what was not.
  if (rejected === 0) return reply.status(204).send();
  return reply.status(200).send({
    accepted: r.stored + r.duplicates,
    rejected,
    errors: decoded.rejected.slice(0, 10).map((x) => ({ line: x.line, reason: x.reason })),
    firstRejection: r.firstRejection,
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

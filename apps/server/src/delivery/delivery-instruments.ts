import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_CDN_CMCD_SOURCE,
  ATTR_CDN_EVICTION_REASON,
  ATTR_CMCD_BITRATE_KBPS,
  ATTR_CMCD_BUFFER_LENGTH_MS,
  ATTR_CMCD_BUFFER_STARVATION,
  ATTR_CMCD_OBJECT_TYPE,
  ATTR_CONTENT_TYPE,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  METRIC_CDN_CACHE_CAPACITY,
  METRIC_CDN_CACHE_EVICTIONS,
  METRIC_CDN_CACHE_OBJECTS,
  METRIC_CDN_CACHE_SIZE,
  METRIC_CDN_CMCD_BITRATE,
  METRIC_CDN_CMCD_BUFFER_LENGTH,
  METRIC_CDN_CMCD_ERRORS,
  METRIC_CDN_CMCD_STARVATIONS,
  METRIC_CDN_COALESCED,
  METRIC_CDN_ORIGIN_ERRORS,
  METRIC_CDN_ORIGIN_FETCH_DURATION,
  METRIC_CDN_REQUESTS,
  METRIC_CDN_EGRESS,
  SPAN_CONTENT_ORIGIN_FETCH,
  SPAN_CONTENT_SERVE_REQUEST,
  type CdnCacheStatus,
  type CdnEvictionReason,
  type CmcdSource,
  type ContentObjectType,
} from '@coursecast/semconv';
import {
  createCounter,
  createFastCounter,
  createHistogram,
  createObservableGauge,
} from '../instrumentation/instruments.js';
import { createHttpDurationRecorder, type HttpDurationRecorder } from '../instrumentation/http-duration.js';

/** What the cache gauges read, at collection time only. */
export interface CacheGaugeSource {
  bytes(): number;
  objects(): number;
  capacity(): number;
}

/** Spans and metrics of delivery (origin and edge), recorded once per request, never per byte. */
export interface DeliveryInstruments {
  /** Starts the SERVER span of one request, child of the caller's `traceparent` when it sent one. */
  startServe(
    headers: IncomingHttpHeaders,
    attributes: Attributes,
    startTime?: number,
  ): { span: Span; ctx: Context };
  /** Starts the CLIENT span of an origin fetch and fills `carrier` with its `traceparent`. */
  startOriginFetch(
    parent: Context,
    attributes: Attributes,
    carrier: Record<string, string>,
  ): { span: Span; ctx: Context };
  /** Ends a span as failed with an `error.type`. */
  fail(span: Span, errorType: string, message: string): void;
  served(status: CdnCacheStatus, objectType: ContentObjectType, bytes: number): void;
  readonly http: HttpDurationRecorder;
  originFetched(
    objectType: ContentObjectType,
    statusCode: number | null,
    errorType: string | null,
    seconds: number,
  ): void;
  coalesced(): void;
  evicted(reason: CdnEvictionReason, count: number): void;
  cmcdError(source: CmcdSource): void;
  /** A request's valid CMCD (its span attributes): buffer length, bitrate and starvation, traced or not. */
  cmcdReported(attributes: Attributes): void;
  observeCache(source: CacheGaugeSource): void;
}

const propagator = new W3CTraceContextPropagator();

/** Creates the delivery instruments on a tracer and meter. */
export function createDeliveryInstruments(tracer: Tracer, meter: Meter): DeliveryInstruments {
  const requests = createFastCounter(meter, METRIC_CDN_REQUESTS);
  const bytes = createFastCounter(meter, METRIC_CDN_EGRESS);
  const originDuration = createHistogram(meter, METRIC_CDN_ORIGIN_FETCH_DURATION);
  const originErrors = createCounter(meter, METRIC_CDN_ORIGIN_ERRORS);
  const coalesced = createCounter(meter, METRIC_CDN_COALESCED);
  const evictions = createCounter(meter, METRIC_CDN_CACHE_EVICTIONS);
  const cmcdErrors = createCounter(meter, METRIC_CDN_CMCD_ERRORS);
  const cmcdBuffer = createHistogram(meter, METRIC_CDN_CMCD_BUFFER_LENGTH);
  const cmcdBitrate = createHistogram(meter, METRIC_CDN_CMCD_BITRATE);
  const cmcdStarved = createCounter(meter, METRIC_CDN_CMCD_STARVATIONS);
  // One attribute object per object type token (a closed set, checked by the CMCD reader), reused per request.
  const byObjectType = new Map<string, Attributes>();
  const http = createHttpDurationRecorder(meter);
  const requestAttrs = new Map<string, Attributes>();
  const bytesAttrs = new Map<string, Attributes>();

  return {
    startServe(headers, attributes, startTime) {
      const parent =
        headers.traceparent === undefined
          ? ROOT_CONTEXT
          : propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(
        SPAN_CONTENT_SERVE_REQUEST,
        { kind: SpanKind.SERVER, attributes, ...(startTime !== undefined ? { startTime } : {}) },
        parent,
      );
      return { span, ctx: trace.setSpan(parent, span) };
    },
    startOriginFetch(parent, attributes, carrier) {
      const span = tracer.startSpan(SPAN_CONTENT_ORIGIN_FETCH, { kind: SpanKind.CLIENT, attributes }, parent);
      const ctx = trace.setSpan(parent, span);
      propagator.inject(ctx, carrier, defaultTextMapSetter);
      return { span, ctx };
    },
    fail(span, errorType, message) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    },
    served(status, objectType, size) {
      const key = `${status}|${objectType}`;
      let attrs = requestAttrs.get(key);
      if (!attrs) {
        attrs = { [ATTR_CDN_CACHE_STATUS]: status, [ATTR_CONTENT_TYPE]: objectType };
        requestAttrs.set(key, attrs);
      }
      requests.add(1, key, attrs);
      let battrs = bytesAttrs.get(status);
      if (!battrs) {
        battrs = { [ATTR_CDN_CACHE_STATUS]: status };
        bytesAttrs.set(status, battrs);
      }
      bytes.add(size, status, battrs);
    },
    http,
    originFetched(objectType, statusCode, errorType, seconds) {
      const attrs: Attributes = { [ATTR_CONTENT_TYPE]: objectType };
      if (statusCode !== null) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = statusCode;
      if (errorType !== null) {
        attrs[ATTR_ERROR_TYPE] = errorType;
        originErrors.add(1, { [ATTR_ERROR_TYPE]: errorType });
      }
      originDuration.record(seconds, attrs);
    },
    coalesced() {
      coalesced.add(1);
    },
    evicted(reason, count) {
      if (count > 0) evictions.add(count, { [ATTR_CDN_EVICTION_REASON]: reason });
    },
    cmcdError(source) {
      cmcdErrors.add(1, { [ATTR_CDN_CMCD_SOURCE]: source });
    },
    cmcdReported(a) {
      const ot = typeof a[ATTR_CMCD_OBJECT_TYPE] === 'string' ? a[ATTR_CMCD_OBJECT_TYPE] : 'none';
      let attrs = byObjectType.get(ot);
      if (!attrs) {
        attrs = { [ATTR_CMCD_OBJECT_TYPE]: ot };
        byObjectType.set(ot, attrs);
      }
      const bl = a[ATTR_CMCD_BUFFER_LENGTH_MS];
      if (typeof bl === 'number') cmcdBuffer.record(bl / 1000, attrs);
      const br = a[ATTR_CMCD_BITRATE_KBPS];
      if (typeof br === 'number') cmcdBitrate.record(br, attrs);
      if (a[ATTR_CMCD_BUFFER_STARVATION] === true) cmcdStarved.add(1, attrs);
    },
    observeCache(source) {
      createObservableGauge(meter, METRIC_CDN_CACHE_SIZE).addCallback((r) => r.observe(source.bytes()));
      createObservableGauge(meter, METRIC_CDN_CACHE_OBJECTS).addCallback((r) => r.observe(source.objects()));
      createObservableGauge(meter, METRIC_CDN_CACHE_CAPACITY).addCallback((r) =>
        r.observe(source.capacity()),
      );
    },
  };
}

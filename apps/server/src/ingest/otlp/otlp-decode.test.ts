import {
  JsonMetricsSerializer,
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeOtlp, encodeOtlpResponse } from './otlp-decode.js';
import {
  JSON_TYPE,
  PROTO_TYPE,
  SPAN_ID,
  TRACE_ID,
  json,
  protobufRequest,
  sdkLogRecords,
  sdkMetrics,
  sdkSpans,
} from '../../../test-support/otlp-fixtures.js';
import type { OtlpSignal } from './otlp-types.js';

/** Decodes the same request sent both ways and checks both give one normalized object. */
function decodeBoth<S extends OtlpSignal>(signal: S, protoBytes: Uint8Array, jsonBytes: Uint8Array) {
  const fromProto = decodeOtlp(signal, PROTO_TYPE, Buffer.from(protoBytes));
  const fromJson = decodeOtlp(signal, 'application/json; charset=utf-8', Buffer.from(jsonBytes));
  expect(fromJson).toStrictEqual(fromProto);
  return fromProto;
}

describe('decodeOtlp round trips through the official serializers', () => {
  it('decodes SDK logs identically from protobuf and JSON', async () => {
    const records = await sdkLogRecords();
    const request = decodeBoth(
      'logs',
      ProtobufLogsSerializer.serializeRequest(records)!,
      JsonLogsSerializer.serializeRequest(records)!,
    );
    const [rl] = request.resourceLogs;
    expect(rl?.resource.attributes).toMatchObject({ 'service.name': 'player', 'service.version': '1.4.0' });
    const sl = rl!.scopeLogs[0]!;
    expect(sl.scope).toEqual({
      name: 'coursecast.player',
      version: '0.3.1',
      attributes: {},
      droppedAttributesCount: 0,
    });
    expect(sl.logRecords[0]).toStrictEqual({
      timeUnixNano: 1_700_000_000_123_456_789n,
      observedTimeUnixNano: 1_700_000_001_000_000_005n,
      severityNumber: 13,
      severityText: 'WARN',
      eventName: 'playback.stall',
      body: { reason: 'buffer', ranges: [1, 2.5, true, 'x'], raw: 'AAH+/w==' },
      attributes: { 'view.id': 'v1', 'view.seq': 7, 'stall.ms': 812.5, muted: false, tags: ['a', 'b'] },
      droppedAttributesCount: 0,
      flags: 1,
      traceId: TRACE_ID,
      spanId: SPAN_ID,
    });
    expect(sl.logRecords[1]).toMatchObject({
      body: 'plain message',
      eventName: null,
      severityNumber: null,
      severityText: null,
      traceId: null,
      spanId: null,
    });
  });

  it('decodes SDK spans identically from protobuf and JSON', async () => {
    const spans = await sdkSpans();
    const request = decodeBoth(
      'traces',
      ProtobufTraceSerializer.serializeRequest(spans)!,
      JsonTraceSerializer.serializeRequest(spans)!,
    );
    const decoded = request.resourceSpans[0]!.scopeSpans[0]!.spans;
    const parent = decoded.find((s) => s.name === 'GET /hls')!;
    const child = decoded.find((s) => s.name === 'origin fetch')!;
    expect(parent.parentSpanId).toBeNull();
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child).toMatchObject({
      traceId: parent.traceId,
      parentSpanId: parent.spanId,
      kind: 3,
      startTimeUnixNano: 1_700_000_000_000_000_500n,
      endTimeUnixNano: 1_700_000_001_000_000_000n,
      attributes: { 'cdn.cache_status': 'MISS', 'http.response.status_code': 200 },
      events: [
        {
          timeUnixNano: 1_700_000_000_000_000_900n,
          name: 'first byte',
          attributes: { 'bytes.received': 1024 },
        },
      ],
      links: [{ traceId: TRACE_ID, spanId: SPAN_ID, attributes: { why: 'retry' } }],
      status: { code: 2, message: 'origin timeout' },
    });
  });

  it('decodes SDK metrics of every kind identically from protobuf and JSON', async () => {
    const metrics = await sdkMetrics();
    const request = decodeBoth(
      'metrics',
      ProtobufMetricsSerializer.serializeRequest(metrics)!,
      JsonMetricsSerializer.serializeRequest(metrics)!,
    );
    const byName = new Map(request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
    expect(byName.get('content.transcode.errors')?.data).toMatchObject({
      type: 'sum',
      isMonotonic: true,
      aggregationTemporality: 2,
      dataPoints: [{ value: 3, attributes: { 'error.type': 'timeout' } }],
    });
    expect(byName.get('hls.sessions.active')?.data).toMatchObject({
      type: 'sum',
      isMonotonic: false,
      dataPoints: [{ value: -2 }],
    });
    const histogram = byName.get('content.transcode.duration')!;
    expect(histogram.unit).toBe('s');
    expect(histogram.data).toMatchObject({
      type: 'histogram',
      dataPoints: [{ count: 2, sum: 13.5, min: 1.5, max: 12, attributes: { 'content.quality': '720p' } }],
    });
    const point = histogram.data?.type === 'histogram' ? histogram.data.dataPoints[0]! : undefined;
    expect(point?.bucketCounts).toHaveLength(point!.explicitBounds.length + 1);
    expect(point?.bucketCounts.reduce((a, b) => a + b)).toBe(2);
    expect(point?.startTimeUnixNano).toBeTypeOf('bigint');
    expect(byName.get('cdn.cache.bytes')?.data).toMatchObject({
      type: 'gauge',
      dataPoints: [{ value: 4096 }],
    });
    expect(byName.get('segment.size')?.data).toMatchObject({
      type: 'exponentialHistogram',
      dataPoints: [{ count: 1, sum: 180_000, positive: { bucketCounts: [1] } }],
    });
  });
});

describe('decodeOtlp of hand-built requests', () => {
  it('reads OTLP/JSON variants the SDK never sends: enum names, string numbers, nulls', () => {
    const body = {
      resourceSpans: [
        {
          resource: null,
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: SPAN_ID,
                  parentSpanId: '',
                  name: 'x',
                  kind: 'SPAN_KIND_SERVER',
                  startTimeUnixNano: 1_700_000_000,
                  endTimeUnixNano: '0',
                  status: { code: 'STATUS_CODE_OK' },
                  droppedAttributesCount: '4',
                  attributes: [
                    { key: 'd', value: { doubleValue: 'NaN' } },
                    { key: 'n', value: null },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const span = decodeOtlp('traces', JSON_TYPE, json(body)).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: null,
      kind: 2,
      startTimeUnixNano: 1_700_000_000n,
      endTimeUnixNano: null,
      status: { code: 1, message: '' },
      droppedAttributesCount: 4,
      attributes: { d: NaN, n: null },
    });
  });

  it('keeps int64 exact: a number when safe, the decimal string beyond 2^53', () => {
    const attributes = [
      { key: 'safe', value: { intValue: '9007199254740991' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'min', value: { intValue: '-9223372036854775808' } },
    ];
    const record = { timeUnixNano: '18446744073709551615', attributes };
    const viaJson = decodeOtlp(
      'logs',
      JSON_TYPE,
      json({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }),
    );
    const viaProto = decodeOtlp(
      'logs',
      PROTO_TYPE,
      protobufRequest('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }),
    );
    expect(viaJson).toStrictEqual(viaProto);
    const decoded = viaJson.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(decoded.timeUnixNano).toBe(18_446_744_073_709_551_615n);
    expect(decoded.attributes).toEqual({
      safe: 9007199254740991,
      big: '9007199254740993',
      min: '-9223372036854775808',
    });
  });

  it('decodes summaries and exemplars identically from protobuf and JSON', () => {
    // The SDK makes neither, so the request is built by hand: ids as hex for JSON, as bytes for protobuf.
    const request = (traceId: unknown, spanId: unknown) => {
      const summary = {
        dataPoints: [
          {
            timeUnixNano: '1700000000000000001',
            count: '4',
            sum: 10,
            quantileValues: [
              { quantile: 0.5, value: 2 },
              { quantile: 1, value: 5 },
            ],
          },
        ],
      };
      const exemplar = {
        timeUnixNano: '5',
        asInt: '12',
        filteredAttributes: [{ key: 'k', value: { boolValue: true } }],
        traceId,
        spanId,
      };
      const metrics = [
        { name: 'rtt', summary, metadata: [{ key: 'm', value: { stringValue: 'x' } }] },
        { name: 'level', gauge: { dataPoints: [{ asDouble: 1, exemplars: [exemplar] }] } },
      ];
      return { resourceMetrics: [{ scopeMetrics: [{ metrics }] }] };
    };
    const viaJson = decodeOtlp('metrics', JSON_TYPE, json(request(TRACE_ID, SPAN_ID)));
    const ids = [Buffer.from(TRACE_ID, 'hex'), Buffer.from(SPAN_ID, 'hex')] as const;
    const viaProto = decodeOtlp('metrics', PROTO_TYPE, protobufRequest('metrics', request(...ids)));
    expect(viaJson).toStrictEqual(viaProto);
    const [summary, gauge] = viaJson.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(summary).toStrictEqual({
      name: 'rtt',
      description: '',
      unit: '',
      metadata: { m: 'x' },
      data: {
        type: 'summary',
        dataPoints: [
          {
            attributes: {},
            startTimeUnixNano: null,
            timeUnixNano: 1_700_000_000_000_000_001n,
            flags: 0,
            count: 4,
            sum: 10,
            quantileValues: [
              { quantile: 0.5, value: 2 },
              { quantile: 1, value: 5 },
            ],
          },
        ],
      },
    });
    expect(gauge?.data).toMatchObject({
      type: 'gauge',
      dataPoints: [
        {
          value: 1,
          exemplars: [
            {
              value: 12,
              timeUnixNano: 5n,
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              filteredAttributes: { k: true },
            },
          ],
        },
      ],
    });
  });

  it('turns all-zero ids into null and keeps a __proto__ attribute as data', () => {
    const record = {
      traceId: '0'.repeat(32),
      spanId: '0'.repeat(16),
      attributes: [{ key: '__proto__', value: { stringValue: 'polluted?' } }],
    };
    const logs = decodeOtlp(
      'logs',
      JSON_TYPE,
      json({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }),
    );
    const decoded = logs.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(decoded.traceId).toBeNull();
    expect(decoded.spanId).toBeNull();
    expect(Object.getPrototypeOf(decoded.attributes)).toBe(Object.prototype);
    expect(Object.keys(decoded.attributes)).toEqual(['__proto__']);
    expect(JSON.stringify(decoded.attributes)).toBe('{"__proto__":"polluted?"}');
  });

  it('treats an empty body or {} as an empty request, and ignores snake_case keys as OTLP says', () => {
    expect(decodeOtlp('logs', PROTO_TYPE, Buffer.alloc(0))).toStrictEqual({ resourceLogs: [] });
    expect(decodeOtlp('traces', JSON_TYPE, json({}))).toStrictEqual({ resourceSpans: [] });
    expect(decodeOtlp('metrics', JSON_TYPE, json({ resource_metrics: [{}] }))).toStrictEqual({
      resourceMetrics: [],
    });
  });
});

describe('encodeOtlpResponse', () => {
  it('answers an empty message when everything was accepted, in the request encoding', () => {
    expect(encodeOtlpResponse('logs', JSON_TYPE, null)).toEqual({
      contentType: JSON_TYPE,
      body: Buffer.from('{}'),
    });
    expect(encodeOtlpResponse('traces', PROTO_TYPE, null)).toEqual({
      contentType: PROTO_TYPE,
      body: Buffer.alloc(0),
    });
  });

  it('reports a partial success that the official exporters read back', () => {
    const partial = { rejected: 3, errorMessage: '3 records lacked a view id' };
    const logsJson = encodeOtlpResponse('logs', 'application/json; charset=utf-8', partial);
    expect(JSON.parse(logsJson.body.toString())).toEqual({
      partialSuccess: { rejectedLogRecords: '3', errorMessage: '3 records lacked a view id' },
    });
    const logsProto = encodeOtlpResponse('logs', PROTO_TYPE, partial);
    expect(logsProto.contentType).toBe(PROTO_TYPE);
    expect(ProtobufLogsSerializer.deserializeResponse(logsProto.body).partialSuccess).toMatchObject({
      rejectedLogRecords: 3,
      errorMessage: partial.errorMessage,
    });
    const spans = ProtobufTraceSerializer.deserializeResponse(
      encodeOtlpResponse('traces', PROTO_TYPE, partial).body,
    );
    expect(spans.partialSuccess).toMatchObject({ rejectedSpans: 3 });
    const points = ProtobufMetricsSerializer.deserializeResponse(
      encodeOtlpResponse('metrics', PROTO_TYPE, partial).body,
    );
    expect(points.partialSuccess).toMatchObject({ rejectedDataPoints: 3 });
    const jsonPoints = JsonMetricsSerializer.deserializeResponse(
      encodeOtlpResponse('metrics', JSON_TYPE, partial).body,
    );
    expect(jsonPoints.partialSuccess).toMatchObject({ rejectedDataPoints: '3' });
  });
});

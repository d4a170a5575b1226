import type {
  OtlpExemplar,
  OtlpExponentialBuckets,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpMetric,
  OtlpMetricData,
  OtlpMetricsRequest,
  OtlpNumberDataPoint,
  OtlpRequestBySignal,
  OtlpResource,
  OtlpScope,
  OtlpSignal,
  OtlpSpan,
  OtlpTracesRequest,
} from './otlp-types.js';
import {
  at,
  attrValue,
  attributes,
  count,
  double,
  each,
  enumValue,
  id,
  int32,
  text,
  time,
  type Opt,
} from './otlp-values.js';
import type {
  WireBuckets,
  WireDouble,
  WireEnum,
  WireExemplar,
  WireInt64,
  WireLogRecord,
  WireLogsRequest,
  WireMetric,
  WireMetricsRequest,
  WireNumberDataPoint,
  WirePointBase,
  WireRequestBySignal,
  WireResource,
  WireScope,
  WireSpan,
  WireTracesRequest,
} from './otlp-wire.js';

function resource(r: Opt<WireResource>): OtlpResource {
  return at('resource', () => ({
    attributes: attributes(r?.attributes),
    droppedAttributesCount: int32(r?.droppedAttributesCount),
  }));
}

function scope(s: Opt<WireScope>): OtlpScope {
  return at('scope', () => ({
    name: s?.name ?? '',
    version: text(s?.version),
    attributes: attributes(s?.attributes),
    droppedAttributesCount: int32(s?.droppedAttributesCount),
  }));
}

function logRecord(r: WireLogRecord): OtlpLogRecord {
  return {
    timeUnixNano: time(r.timeUnixNano),
    observedTimeUnixNano: time(r.observedTimeUnixNano),
    severityNumber: enumValue(r.severityNumber, 'opentelemetry.proto.logs.v1.SeverityNumber') || null,
    severityText: text(r.severityText),
    eventName: text(r.eventName),
    body: at('body', () => attrValue(r.body)),
    attributes: attributes(r.attributes),
    droppedAttributesCount: int32(r.droppedAttributesCount),
    flags: int32(r.flags),
    traceId: id(r.traceId, 16, 'traceId'),
    spanId: id(r.spanId, 8, 'spanId'),
  };
}

function normalizeLogs(wire: WireLogsRequest): OtlpLogsRequest {
  return {
    resourceLogs: each('resourceLogs', wire.resourceLogs, (rl) => ({
      resource: resource(rl.resource),
      scopeLogs: each('scopeLogs', rl.scopeLogs, (sl) => ({
        scope: scope(sl.scope),
        logRecords: each('logRecords', sl.logRecords, logRecord),
        schemaUrl: text(sl.schemaUrl),
      })),
      schemaUrl: text(rl.schemaUrl),
    })),
  };
}

function span(s: WireSpan): OtlpSpan {
  return {
    traceId: id(s.traceId, 16, 'traceId'),
    spanId: id(s.spanId, 8, 'spanId'),
    parentSpanId: id(s.parentSpanId, 8, 'parentSpanId'),
    traceState: text(s.traceState),
    flags: int32(s.flags),
    name: s.name ?? '',
    kind: enumValue(s.kind, 'opentelemetry.proto.trace.v1.Span.SpanKind'),
    startTimeUnixNano: time(s.startTimeUnixNano),
    endTimeUnixNano: time(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    droppedAttributesCount: int32(s.droppedAttributesCount),
    events: each('events', s.events, (e) => ({
      timeUnixNano: time(e.timeUnixNano),
      name: e.name ?? '',
      attributes: attributes(e.attributes),
      droppedAttributesCount: int32(e.droppedAttributesCount),
    })),
    droppedEventsCount: int32(s.droppedEventsCount),
    links: each('links', s.links, (l) => ({
      traceId: id(l.traceId, 16, 'traceId'),
      spanId: id(l.spanId, 8, 'spanId'),
      traceState: text(l.traceState),
      attributes: attributes(l.attributes),
      droppedAttributesCount: int32(l.droppedAttributesCount),
      flags: int32(l.flags),
    })),
    droppedLinksCount: int32(s.droppedLinksCount),
    status: {
      code: enumValue(s.status?.code, 'opentelemetry.proto.trace.v1.Status.StatusCode'),
      message: s.status?.message ?? '',
    },
  };
}

function normalizeTraces(wire: WireTracesRequest): OtlpTracesRequest {
  return {
    resourceSpans: each('resourceSpans', wire.resourceSpans, (rs) => ({
      resource: resource(rs.resource),
      scopeSpans: each('scopeSpans', rs.scopeSpans, (ss) => ({
        scope: scope(ss.scope),
        spans: each('spans', ss.spans, span),
        schemaUrl: text(ss.schemaUrl),
      })),
      schemaUrl: text(rs.schemaUrl),
    })),
  };
}

function pointValue(p: { asDouble?: Opt<WireDouble>; asInt?: Opt<WireInt64> }): number | null {
  if (p.asDouble != null) return Number(p.asDouble);
  return p.asInt == null ? null : Number(p.asInt);
}

function exemplar(e: WireExemplar): OtlpExemplar {
  return {
    filteredAttributes: attributes(e.filteredAttributes, 'filteredAttributes'),
    timeUnixNano: time(e.timeUnixNano),
    value: pointValue(e),
    traceId: id(e.traceId, 16, 'traceId'),
    spanId: id(e.spanId, 8, 'spanId'),
  };
}

function pointBase(p: WirePointBase) {
  return {
    attributes: attributes(p.attributes),
    startTimeUnixNano: time(p.startTimeUnixNano),
    timeUnixNano: time(p.timeUnixNano),
    flags: int32(p.flags),
  };
}

function numberPoint(p: WireNumberDataPoint): OtlpNumberDataPoint {
  return { ...pointBase(p), value: pointValue(p), exemplars: each('exemplars', p.exemplars, exemplar) };
}

function buckets(b: Opt<WireBuckets>): OtlpExponentialBuckets {
  return { offset: int32(b?.offset), bucketCounts: (b?.bucketCounts ?? []).map(count) };
}

function temporality(value: Opt<WireEnum>): number {
  return enumValue(value, 'opentelemetry.proto.metrics.v1.AggregationTemporality');
}

function metricData(m: WireMetric): OtlpMetricData | null {
  if (m.gauge)
    return { type: 'gauge', dataPoints: each('gauge.dataPoints', m.gauge.dataPoints, numberPoint) };
  if (m.sum) {
    return {
      type: 'sum',
      aggregationTemporality: temporality(m.sum.aggregationTemporality),
      isMonotonic: m.sum.isMonotonic ?? false,
      dataPoints: each('sum.dataPoints', m.sum.dataPoints, numberPoint),
    };
  }
  if (m.histogram) {
    return {
      type: 'histogram',
      aggregationTemporality: temporality(m.histogram.aggregationTemporality),
      dataPoints: each('histogram.dataPoints', m.histogram.dataPoints, (p) => ({
        ...pointBase(p),
        count: count(p.count),
        sum: double(p.sum),
        min: double(p.min),
        max: double(p.max),
        bucketCounts: (p.bucketCounts ?? []).map(count),
        explicitBounds: (p.explicitBounds ?? []).map(Number),
        exemplars: each('exemplars', p.exemplars, exemplar),
      })),
    };
  }
  if (m.exponentialHistogram) {
    return {
      type: 'exponentialHistogram',
      aggregationTemporality: temporality(m.exponentialHistogram.aggregationTemporality),
      dataPoints: each('exponentialHistogram.dataPoints', m.exponentialHistogram.dataPoints, (p) => ({
        ...pointBase(p),
        count: count(p.count),
        sum: double(p.sum),
        min: double(p.min),
        max: double(p.max),
        scale: int32(p.scale),
        zeroCount: count(p.zeroCount),
        zeroThreshold: double(p.zeroThreshold) ?? 0,
        positive: buckets(p.positive),
        negative: buckets(p.negative),
        exemplars: each('exemplars', p.exemplars, exemplar),
      })),
    };
  }
  if (m.summary) {
    return {
      type: 'summary',
      dataPoints: each('summary.dataPoints', m.summary.dataPoints, (p) => ({
        ...pointBase(p),
        count: count(p.count),
        sum: double(p.sum) ?? 0,
        quantileValues: (p.quantileValues ?? []).map((q) => ({
          quantile: double(q.quantile) ?? 0,
          value: double(q.value) ?? 0,
        })),
      })),
    };
  }
  return null;
}

function metric(m: WireMetric): OtlpMetric {
  return {
    name: m.name ?? '',
    description: m.description ?? '',
    unit: m.unit ?? '',
    metadata: attributes(m.metadata, 'metadata'),
    data: metricData(m),
  };
}

function normalizeMetrics(wire: WireMetricsRequest): OtlpMetricsRequest {
  return {
    resourceMetrics: each('resourceMetrics', wire.resourceMetrics, (rm) => ({
      resource: resource(rm.resource),
      scopeMetrics: each('scopeMetrics', rm.scopeMetrics, (sm) => ({
        scope: scope(sm.scope),
        metrics: each('metrics', sm.metrics, metric),
        schemaUrl: text(sm.schemaUrl),
      })),
      schemaUrl: text(rm.schemaUrl),
    })),
  };
}

const NORMALIZERS: { [S in OtlpSignal]: (wire: WireRequestBySignal[S]) => OtlpRequestBySignal[S] } = {
  logs: normalizeLogs,
  traces: normalizeTraces,
  metrics: normalizeMetrics,
};

/** Turns a wire request (from JSON or protobuf) into the normalized one; throws OtlpValueError. */
export function normalizeOtlp<S extends OtlpSignal>(
  signal: S,
  wire: WireRequestBySignal[S],
): OtlpRequestBySignal[S] {
  return NORMALIZERS[signal](wire);
}

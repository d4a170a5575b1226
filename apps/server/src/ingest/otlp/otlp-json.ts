import { z } from 'zod';
import { otlpEnumValues } from './otlp-protobuf.js';
import { MAX_VALUE_DEPTH } from './otlp-wire.js';
import type { OtlpSignal } from './otlp-types.js';
import type {
  WireAnyValue,
  WireDouble,
  WireEnum,
  WireInt32,
  WireInt64,
  WireKeyValue,
  WireLogsRequest,
  WireMetricsRequest,
  WireRequestBySignal,
  WireTracesRequest,
} from './otlp-wire.js';

/*
 * OTLP/JSON is the proto3 JSON mapping with lowerCamelCase keys, hex trace/span ids and integer enums.
 * Unknown keys (snake_case ones included) are ignored, as the OTLP spec tells receivers to. Following
 * proto3 JSON, null stands for the default, and numbers may come as strings (64-bit integers usually
 * do; doubles may be "NaN"/"Infinity"). Enum names are accepted too. The schemas only check: turning
 * those spellings into values is otlp-values' job, shared with protobuf. No transforms here: in a
 * micro-benchmark, fields wrapped in transforms parsed several times slower than plain checks.
 */

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Optional, and null means absent (proto3 JSON's "default value"). */
function opt<T extends z.ZodType>(schema: T) {
  return schema.nullish();
}

function int64(signed: boolean) {
  const digits = signed ? /^-?\d{1,20}$/ : /^\d{1,20}$/;
  const [min, max] = signed ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
  const what = signed ? 'a 64-bit integer' : 'an unsigned 64-bit integer';
  return z.custom<WireInt64>((v) => {
    if (typeof v === 'number') return Number.isInteger(v) && (signed || v >= 0);
    if (typeof v !== 'string' || !digits.test(v)) return false;
    const n = BigInt(v);
    return n >= min && n <= max;
  }, `expected ${what} (a decimal string or a number)`);
}
const sint64 = int64(true);
const uint64 = int64(false);

const DOUBLE_STRING = /^(NaN|-?Infinity|-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;
const double = z.custom<WireDouble>(
  (v) => typeof v === 'number' || (typeof v === 'string' && DOUBLE_STRING.test(v)),
  'expected a number',
);

function int32(min: number, max: number) {
  return z.custom<WireInt32>((v) => {
    const n = typeof v === 'string' && /^-?\d{1,10}$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
  }, `expected an integer from ${min} to ${max}`);
}
const uint32 = int32(0, 0xffffffff);
const sint32 = int32(-0x80000000, 0x7fffffff);

/** An enum field: its integer value, or its name as the .proto spells it. */
function enumOf(fullName: string) {
  return z.custom<WireEnum>((v) => {
    if (typeof v === 'number') return Number.isInteger(v);
    return typeof v === 'string' && Object.hasOwn(otlpEnumValues(fullName), v);
  }, `expected an integer or a ${fullName} name`);
}

const traceId = z.string().regex(/^([0-9a-fA-F]{32})?$/, 'expected a trace id of 32 hex digits');
const spanId = z.string().regex(/^([0-9a-fA-F]{16})?$/, 'expected a span id of 16 hex digits');
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

/** At most one member of a proto oneof may be set. */
function oneOf<T extends Record<string, unknown>>(keys: readonly (keyof T)[], what: string) {
  return (value: T, ctx: z.RefinementCtx) => {
    const set = keys.filter((k) => value[k] != null);
    if (set.length > 1) {
      ctx.addIssue({ code: 'custom', message: `${what} sets more than one of ${set.join(', ')}` });
    }
  };
}

const ANY_VALUE_KEYS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

const tooDeep = opt(z.custom<never>(() => false, `values nest deeper than ${MAX_VALUE_DEPTH} levels`));

/**
 * AnyValue and KeyValue, one schema per nesting level down to MAX_VALUE_DEPTH. Unrolled rather than
 * recursive: zod guards recursive schemas against cyclic input with a per-object memo, which made a
 * 20k-record body several times slower to check (parsed JSON holds no cycle), and a fixed depth
 * bounds the stack.
 */
function valueLevels(): { anyValue: z.ZodType<WireAnyValue>; keyValue: z.ZodType<WireKeyValue> } {
  let below: { anyValue: z.ZodType<WireAnyValue>; keyValue: z.ZodType<WireKeyValue> } | undefined;
  for (let depth = MAX_VALUE_DEPTH; depth >= 0; depth--) {
    const anyValue: z.ZodType<WireAnyValue> = z
      .object({
        stringValue: opt(z.string()),
        boolValue: opt(z.boolean()),
        intValue: opt(sint64),
        doubleValue: opt(double),
        arrayValue: below ? opt(z.object({ values: opt(z.array(below.anyValue)) })) : tooDeep,
        kvlistValue: below ? opt(z.object({ values: opt(z.array(below.keyValue)) })) : tooDeep,
        bytesValue: opt(base64),
      })
      .superRefine(oneOf(ANY_VALUE_KEYS, 'an AnyValue'));
    below = { anyValue, keyValue: z.object({ key: opt(z.string()), value: opt(anyValue) }) };
  }
  return below!;
}
const { anyValue, keyValue } = valueLevels();
const attributes = opt(z.array(keyValue));

const resource = opt(z.object({ attributes, droppedAttributesCount: opt(uint32) }));
const scope = opt(
  z.object({
    name: opt(z.string()),
    version: opt(z.string()),
    attributes,
    droppedAttributesCount: opt(uint32),
  }),
);
const schemaUrl = opt(z.string());

const logRecord = z.object({
  timeUnixNano: opt(uint64),
  observedTimeUnixNano: opt(uint64),
  severityNumber: opt(enumOf('opentelemetry.proto.logs.v1.SeverityNumber')),
  severityText: opt(z.string()),
  body: opt(anyValue),
  attributes,
  droppedAttributesCount: opt(uint32),
  flags: opt(uint32),
  traceId: opt(traceId),
  spanId: opt(spanId),
  eventName: opt(z.string()),
});

const logsRequest: z.ZodType<WireLogsRequest> = z.object({
  resourceLogs: opt(
    z.array(
      z.object({
        resource,
        scopeLogs: opt(z.array(z.object({ scope, logRecords: opt(z.array(logRecord)), schemaUrl }))),
        schemaUrl,
      }),
    ),
  ),
});

const span = z.object({
  traceId: opt(traceId),
  spanId: opt(spanId),
  traceState: opt(z.string()),
  parentSpanId: opt(spanId),
  flags: opt(uint32),
  name: opt(z.string()),
  kind: opt(enumOf('opentelemetry.proto.trace.v1.Span.SpanKind')),
  startTimeUnixNano: opt(uint64),
  endTimeUnixNano: opt(uint64),
  attributes,
  droppedAttributesCount: opt(uint32),
  events: opt(
    z.array(
      z.object({
        timeUnixNano: opt(uint64),
        name: opt(z.string()),
        attributes,
        droppedAttributesCount: opt(uint32),
      }),
    ),
  ),
  droppedEventsCount: opt(uint32),
  links: opt(
    z.array(
      z.object({
        traceId: opt(traceId),
        spanId: opt(spanId),
        traceState: opt(z.string()),
        attributes,
        droppedAttributesCount: opt(uint32),
        flags: opt(uint32),
      }),
    ),
  ),
  droppedLinksCount: opt(uint32),
  status: opt(
    z.object({
      message: opt(z.string()),
      code: opt(enumOf('opentelemetry.proto.trace.v1.Status.StatusCode')),
    }),
  ),
});

const tracesRequest: z.ZodType<WireTracesRequest> = z.object({
  resourceSpans: opt(
    z.array(
      z.object({
        resource,
        scopeSpans: opt(z.array(z.object({ scope, spans: opt(z.array(span)), schemaUrl }))),
        schemaUrl,
      }),
    ),
  ),
});

const pointBase = {
  attributes,
  startTimeUnixNano: opt(uint64),
  timeUnixNano: opt(uint64),
  flags: opt(uint32),
};
const exemplars = opt(
  z.array(
    z
      .object({
        filteredAttributes: attributes,
        timeUnixNano: opt(uint64),
        asDouble: opt(double),
        asInt: opt(sint64),
        spanId: opt(spanId),
        traceId: opt(traceId),
      })
      .superRefine(oneOf(['asDouble', 'asInt'], 'an exemplar')),
  ),
);
const numberPoints = opt(
  z.array(
    z
      .object({ ...pointBase, asDouble: opt(double), asInt: opt(sint64), exemplars })
      .superRefine(oneOf(['asDouble', 'asInt'], 'a data point')),
  ),
);
const temporality = opt(enumOf('opentelemetry.proto.metrics.v1.AggregationTemporality'));
const histogramStats = { count: opt(uint64), sum: opt(double), min: opt(double), max: opt(double) };
const buckets = opt(z.object({ offset: opt(sint32), bucketCounts: opt(z.array(uint64)) }));

const METRIC_DATA_KEYS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

const metric = z
  .object({
    name: opt(z.string()),
    description: opt(z.string()),
    unit: opt(z.string()),
    gauge: opt(z.object({ dataPoints: numberPoints })),
    sum: opt(
      z.object({
        dataPoints: numberPoints,
        aggregationTemporality: temporality,
        isMonotonic: opt(z.boolean()),
      }),
    ),
    histogram: opt(
      z.object({
        dataPoints: opt(
          z.array(
            z.object({
              ...pointBase,
              ...histogramStats,
              bucketCounts: opt(z.array(uint64)),
              explicitBounds: opt(z.array(double)),
              exemplars,
            }),
          ),
        ),
        aggregationTemporality: temporality,
      }),
    ),
    exponentialHistogram: opt(
      z.object({
        dataPoints: opt(
          z.array(
            z.object({
              ...pointBase,
              ...histogramStats,
              scale: opt(sint32),
              zeroCount: opt(uint64),
              positive: buckets,
              negative: buckets,
              exemplars,
              zeroThreshold: opt(double),
            }),
          ),
        ),
        aggregationTemporality: temporality,
      }),
    ),
    summary: opt(
      z.object({
        dataPoints: opt(
          z.array(
            z.object({
              ...pointBase,
              count: opt(uint64),
              sum: opt(double),
              quantileValues: opt(z.array(z.object({ quantile: opt(double), value: opt(double) }))),
            }),
          ),
        ),
      }),
    ),
    metadata: attributes,
  })
  .superRefine(oneOf(METRIC_DATA_KEYS, 'a metric'));

const metricsRequest: z.ZodType<WireMetricsRequest> = z.object({
  resourceMetrics: opt(
    z.array(
      z.object({
        resource,
        scopeMetrics: opt(z.array(z.object({ scope, metrics: opt(z.array(metric)), schemaUrl }))),
        schemaUrl,
      }),
    ),
  ),
});

const REQUEST_SCHEMAS: { [S in OtlpSignal]: z.ZodType<WireRequestBySignal[S]> } = {
  logs: logsRequest,
  traces: tracesRequest,
  metrics: metricsRequest,
};

/** Where a problem is, as `resourceLogs[0].scopeLogs[1].logRecords[2].traceId`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** A JSON body that does not have the shape of an OTLP export request. */
export class OtlpJsonShapeError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'OtlpJsonShapeError';
  }
}

/** Validates a parsed OTLP/JSON body against the signal's export request; throws OtlpJsonShapeError. */
export function parseJsonRequest<S extends OtlpSignal>(signal: S, body: unknown): WireRequestBySignal[S] {
  const result = REQUEST_SCHEMAS[signal].safeParse(body);
  if (result.success) return result.data;
  // A broken sender repeats one mistake per record; the first few issues say enough.
  const issues = result.error.issues
    .slice(0, 5)
    .map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new OtlpJsonShapeError(issues);
}

import { ProxyTracerProvider, createNoopMeter, type Meter, type Tracer } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config.js';
import { createPrometheusEndpoint, type PrometheusEndpoint } from './prometheus-endpoint.js';

/** The server's tracer and meter, plus what is needed to expose and stop them. */
export interface Instrumentation {
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Renders the Prometheus text exposition; null when Prometheus is disabled. */
  readonly renderPrometheus: (() => Promise<string>) | null;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A span exporter batched by the instrumentation (bounded queue, drops counted on /metrics). */
export interface BatchedSpanExporter {
  exporter: SpanExporter;
  maxQueueSize: number;
  scheduledDelayMillis: number;
}

/** Extra processors/readers, e.g. an in-memory exporter in tests or the store exporter. */
export interface InstrumentationExtras {
  spanProcessors?: SpanProcessor[];
  metricReaders?: MetricReader[];
  /** Exporters to batch here, so their dropped spans are counted like the OTLP exporter's. */
  batchedSpanExporters?: BatchedSpanExporter[];
}

const INSTRUMENTATION_SCOPE = '@coursecast/server';

function otlpSignalUrl(
  base: string | undefined,
  explicit: string | undefined,
  signal: string,
): string | null {
  if (explicit) return explicit;
  if (!base) return null;
  return `${base.replace(/\/$/, '')}/v1/${signal}`;
}

/**
 * Wires the OTel SDK: Prometheus pull exporter (served by our own /metrics route, no second port),
 * OTLP/HTTP exporters when an endpoint is configured. Every exporter is batched and asynchronous so
 * telemetry never blocks a request or a transcode.
 */
export function createInstrumentation(
  config: Config['instrumentation'],
  version: string,
  extras: InstrumentationExtras = {},
): Instrumentation {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: config.serviceName,
    [ATTR_SERVICE_VERSION]: version,
  });
  const readers: MetricReader[] = [...(extras.metricReaders ?? [])];
  let prometheus: PrometheusEndpoint | null = null;
  const tracesUrl = config.disabled
    ? null
    : otlpSignalUrl(config.otlpEndpoint, config.otlpTracesEndpoint, 'traces');
  const metricsUrl = config.disabled
    ? null
    : otlpSignalUrl(config.otlpEndpoint, config.otlpMetricsEndpoint, 'metrics');
  if (metricsUrl) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: metricsUrl, headers: config.otlpHeaders }),
        exportIntervalMillis: config.metricExportIntervalMs,
      }),
    );
  }
  if (!config.disabled && config.prometheus) {
    prometheus = createPrometheusEndpoint();
    readers.push(prometheus.reader);
  }
  const batched = extras.batchedSpanExporters ?? [];
  const nothing = (extras.spanProcessors ?? []).length === 0 && batched.length === 0 && readers.length === 0;
  if (config.disabled && nothing) return noopInstrumentation();
  const meterProvider = new MeterProvider({ resource, readers });
  // Every bounded queue of spans counts what it drops: `otel_sdk_processor_span_processed_total{error_type}`
  // for the batch processors, `otel_sdk_exporter_span_exported_total{error_type}` for the OTLP exporter.
  const batch = (exporter: SpanExporter, maxQueueSize: number, scheduledDelayMillis = 5000): SpanProcessor =>
    new BatchSpanProcessor({
      exporter,
      maxQueueSize,
      scheduledDelayMillis,
      selfObsMeterProvider: meterProvider,
    });
  const spanProcessors: SpanProcessor[] = [
    ...(extras.spanProcessors ?? []),
    ...batched.map((b) => batch(b.exporter, b.maxQueueSize, b.scheduledDelayMillis)),
  ];
  if (tracesUrl) {
    const exporter = new OTLPTraceExporter({
      url: tracesUrl,
      headers: config.otlpHeaders,
      selfObsMeterProvider: meterProvider,
    });
    spanProcessors.push(batch(exporter, 4096));
  }
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors, sampler: sampler(config) });

  return {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_SCOPE, version),
    meter: meterProvider.getMeter(INSTRUMENTATION_SCOPE, version),
    renderPrometheus: prometheus ? () => prometheus.render() : null,
    async forceFlush() {
      await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

function sampler(config: Config['instrumentation']): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** OTEL_SDK_DISABLED: the API's no-op tracer and meter, so instrumented code costs nanoseconds. */
function noopInstrumentation(): Instrumentation {
  return {
    tracer: new ProxyTracerProvider().getTracer(INSTRUMENTATION_SCOPE),
    meter: createNoopMeter(),
    renderPrometheus: null,
    async forceFlush() {},
    async shutdown() {},
  };
}

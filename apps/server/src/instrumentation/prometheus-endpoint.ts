import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { prometheusMetricName } from '@coursecast/semconv';

/** A pull reader for the MeterProvider and the text it renders for /metrics. */
export interface PrometheusEndpoint {
  readonly reader: PrometheusExporter;
  render(): Promise<string>;
}

/** Renames every metric to its Prometheus name with the unit suffix (see semconv/prometheus-names.ts). */
function withPrometheusNames(rm: ResourceMetrics): ResourceMetrics {
  return {
    ...rm,
    scopeMetrics: rm.scopeMetrics.map((sm) => ({
      ...sm,
      metrics: sm.metrics.map((m) => ({
        ...m,
        descriptor: {
          ...m.descriptor,
          name: prometheusMetricName(
            m.descriptor.name,
            m.descriptor.unit,
            m.dataPointType === DataPointType.GAUGE,
          ),
        },
      })),
    })),
  };
}

/** Creates the reader; the exporter's own HTTP server is never started (we serve on our port). */
export function createPrometheusEndpoint(): PrometheusEndpoint {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  return {
    reader,
    async render() {
      const { resourceMetrics, errors } = await reader.collect();
      const text = serializer.serialize(withPrometheusNames(resourceMetrics));
      return errors.length ? `# ${errors.length} collection error(s)\n${text}` : text;
    },
  };
}

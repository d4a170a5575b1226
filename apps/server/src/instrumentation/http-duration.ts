import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@coursecast/semconv';
import { createHistogram } from './instruments.js';

/** Records OTel's `http.server.request.duration`, reusing attribute objects per label combination. */
export interface HttpDurationRecorder {
  record(method: string, route: string, status: number, cacheStatus: string | null, seconds: number): void;
}

/** Creates the recorder; several route groups may share one per meter. */
export function createHttpDurationRecorder(meter: Meter): HttpDurationRecorder {
  const histogram: Histogram = createHistogram(meter, METRIC_HTTP_SERVER_REQUEST_DURATION);
  const attrs = new Map<string, Attributes>();
  return {
    record(method, route, status, cacheStatus, seconds) {
      const key = `${method}|${route}|${status}|${cacheStatus ?? ''}`;
      let a = attrs.get(key);
      if (!a) {
        a = {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_HTTP_ROUTE]: route,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
        };
        if (cacheStatus !== null) a[ATTR_CDN_CACHE_STATUS] = cacheStatus;
        // Methods and routes are bounded by the router; the map is bounded by their product.
        if (attrs.size < 4096) attrs.set(key, a);
      }
      histogram.record(seconds, a);
    },
  };
}

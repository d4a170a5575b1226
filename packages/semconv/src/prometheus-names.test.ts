import { describe, expect, it } from 'vitest';
import { prometheusMetricName } from './prometheus-names.js';

describe('prometheusMetricName', () => {
  it('appends the unit as a word and drops annotations', () => {
    expect(prometheusMetricName('content.transcode.duration', 's')).toBe(
      'content_transcode_duration_seconds',
    );
    expect(prometheusMetricName('content.transcode.errors', '{error}')).toBe('content_transcode_errors');
    expect(prometheusMetricName('content.transcode.speed', '1')).toBe('content_transcode_speed');
    expect(prometheusMetricName('cdn.hit', '1', true)).toBe('cdn_hit_ratio');
    expect(prometheusMetricName('cdn.served', 'By')).toBe('cdn_served_bytes');
    expect(prometheusMetricName('net.rate', 'By/s')).toBe('net_rate_bytes_per_second');
  });
  it('does not repeat a unit already in the name', () => {
    expect(prometheusMetricName('http.server.request.duration_seconds', 's')).toBe(
      'http_server_request_duration_seconds',
    );
  });
});

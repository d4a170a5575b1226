import { expect, it } from 'vitest';
import { protobufRequest } from '../../../test-support/otlp-fixtures.js';
import { createOtlpRoot } from './otlp-proto-schema.js';
import { markReceived } from './origin-mark.js';

const KEY = 'coursecast.telemetry.origin';

it('marks every resource of a protobuf request as received, replacing what the sender claimed', () => {
  const resource = (claim: string | null) => ({
    attributes: [
      { key: 'service.name', value: { stringValue: 'svc' } },
      ...(claim ? [{ key: KEY, value: { stringValue: claim } }] : []),
    ],
  });
  const span = {
    traceId: Buffer.alloc(16, 1),
    spanId: Buffer.alloc(8, 2),
    name: 's',
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
  };
  const body = protobufRequest('traces', {
    resourceSpans: [
      { resource: resource('server'), scopeSpans: [{ spans: [span] }] },
      { resource: resource(null), scopeSpans: [{ spans: [span] }] },
    ],
  });
  const type = createOtlpRoot().lookupType(
    'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  );
  const relayed = type.toObject(type.decode(markReceived('traces', 'protobuf', body)), { longs: String }) as {
    resourceSpans: {
      resource: { attributes: { key: string; value: { stringValue: string } }[] };
      scopeSpans: { spans: { name: string }[] }[];
    }[];
  };
  for (const rs of relayed.resourceSpans) {
    expect(rs.resource.attributes.filter((a) => a.key === KEY)).toEqual([
      { key: KEY, value: { stringValue: 'received' } },
    ]);
    expect(rs.resource.attributes[0]).toEqual({ key: 'service.name', value: { stringValue: 'svc' } });
    expect(rs.scopeSpans[0]!.spans[0]!.name).toBe('s');
  }
});

it('marks a JSON request the same way, leaving the rest as it was', () => {
  const request = {
    resourceMetrics: [
      { resource: { attributes: [{ key: KEY, value: { stringValue: 'server' } }] }, scopeMetrics: [] },
      { scopeMetrics: [] },
    ],
  };
  const relayed = JSON.parse(
    Buffer.from(markReceived('metrics', 'json', Buffer.from(JSON.stringify(request)))).toString(),
  ) as {
    resourceMetrics: { resource: { attributes: unknown[] }; scopeMetrics: unknown[] }[];
  };
  expect(relayed.resourceMetrics.map((r) => r.resource.attributes)).toEqual([
    [{ key: KEY, value: { stringValue: 'received' } }],
    [{ key: KEY, value: { stringValue: 'received' } }],
  ]);
  expect(relayed.resourceMetrics.map((r) => r.scopeMetrics)).toEqual([[], []]);
});

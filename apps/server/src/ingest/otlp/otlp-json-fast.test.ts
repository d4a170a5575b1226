import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { otlpLogs } from '../../../test-support/otlp-json.js';
import { parseJsonRequest } from './otlp-json.js';
import { fastJsonLogs } from './otlp-json-fast.js';
import { normalizeOtlp } from './otlp-normalize.js';
import { sdkLogRecords, SPAN_ID, TRACE_ID } from '../../../test-support/otlp-fixtures.js';

/** The checked path's result for a parsed body (what the fast path must equal whenever it answers). */
const checked = (parsed: unknown) => normalizeOtlp('logs', parseJsonRequest('logs', parsed));
const record = (extra: Record<string, unknown>) => ({
  resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', ...extra }] }] }],
});

describe('the fast OTLP/JSON logs path', () => {
  it('answers player beacons and SDK output exactly as the checked path does', async () => {
    const beacon = otlpLogs(
      [
        {
          name: 'content.heartbeat',
          timeMs: 1_700_000_000_123,
          attrs: { 'content.view.id': 'v', 'content.view.seq': 3, ratio: 0.5, on: true, tags: ['a', 'b'] },
        },
        {
          name: 'content.view_end',
          timeMs: 1_700_000_001_000,
          attrs: { 'content.view.id': 'v', 'content.view.seq': 0 },
        },
      ],
      { 'service.name': 'player', 'user_agent.original': 'Mozilla/5.0' },
    );
    const sdk = JSON.parse(
      Buffer.from(JsonLogsSerializer.serializeRequest(await sdkLogRecords())!).toString(),
    ) as {
      resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
    };
    // The SDK fixture's first record has a kvlist and bytes body: the fast path hands it over.
    expect(fastJsonLogs(sdk)).toBeNull();
    const scalarOnly = structuredClone(sdk);
    scalarOnly.resourceLogs[0]!.scopeLogs[0]!.logRecords.splice(0, 1);
    for (const body of [
      beacon,
      scalarOnly,
      record({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID, severityNumber: 9 }),
    ]) {
      const fast = fastJsonLogs(body);
      expect(fast).not.toBeNull();
      expect(fast).toStrictEqual(checked(body));
    }
  });

  it('hands anything unusual to the checked path', () => {
    for (const body of [
      record({ body: { kvlistValue: { values: [] } } }),
      record({ body: { bytesValue: 'AAE=' } }),
      record({ attributes: [{ key: 'x', value: { doubleValue: 'NaN' } }] }),
      record({ attributes: [{ key: 'x', value: { stringValue: 'a', intValue: '1' } }] }),
      record({ attributes: [{ key: '__proto__', value: { stringValue: 'a' } }] }),
      record({ severityNumber: 'SEVERITY_NUMBER_WARN' }),
      record({ traceId: 'abc' }),
      record({ time_unix_nano: '1' }),
      record({ timeUnixNano: 1.5 }),
      record({ attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }] }),
      { resourceLogs: {} },
      [],
    ]) {
      expect(fastJsonLogs(body), JSON.stringify(body)).toBeNull();
    }
  });
});

import { ATTR_VIEW_ID, ATTR_VIEW_SEQ, PLAYBACK_EVENTS } from '@coursecast/semconv/browser';
import { describe, expect, it } from 'vitest';
import { fastJsonLogs } from '../../../apps/server/src/ingest/otlp/otlp-json-fast.js';
import { encodeLogs, encodeSpans, keyValues, unixNano } from './otlp-encode.js';
import { SPAN_KINDS, STATUS_CODES, type SdkEvent, type SdkSpan } from './sdk-types.js';
import type { OtlpBody } from '../test-support/fake-fetch.js';

const resource = { 'service.name': 'player', 'browser.language': 'en' };
const scope = { name: '@coursecast/player-sdk', version: '0.1.0' };
const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

// A JSON body as a plain object, for deep comparisons.
const parse = (json: string): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;

describe('unixNano', () => {
  it('turns epoch ms into exact decimal nanoseconds, without a double beyond 2^53', () => {
    expect(unixNano(1_700_000_000_123)).toBe('1700000000123000000');
    expect(unixNano(1_700_000_000_123.5)).toBe('1700000000123500000');
    expect(unixNano(1_700_000_000_000.25)).toBe('1700000000000250000');
    // performance.timeOrigin + now() has sub-µs noise; it rounds to the nearest ns.
    expect(unixNano(1_700_000_000_123 + 4e-7)).toMatch(/^1700000000123000\d{3}$/);
    expect(unixNano(1_700_000_000_123 + 0.999_999_9)).toBe('1700000000124000000');
    expect(unixNano(0.5)).toBe('500000');
    // A double near 1.75e12 ms is exact to 2^-12 ms (244 ns): the string is that double, to the ns.
    const ns = BigInt(unixNano(1_752_000_000_987.654)) - 1_752_000_000_987_654_000n;
    expect(ns >= -244n && ns <= 244n).toBe(true);
  });

  it('sends 0 (unset) for a time that is not one', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 1e20]) expect(unixNano(bad)).toBe('0');
  });
});

describe('keyValues', () => {
  it('maps strings, booleans, safe integers (as int64 strings) and doubles; drops non-finite numbers', () => {
    expect(
      keyValues({
        s: 'x',
        b: false,
        i: 42,
        neg: -7,
        d: 0.5,
        big: 2 ** 60,
        nan: Number.NaN,
        inf: Number.NEGATIVE_INFINITY,
      }),
    ).toEqual([
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'neg', value: { intValue: '-7' } },
      { key: 'd', value: { doubleValue: 0.5 } },
      { key: 'big', value: { doubleValue: 2 ** 60 } },
    ]);
  });
});

const viewStart = (view: string, timeMs = Date.now()): SdkEvent => ({
  name: PLAYBACK_EVENTS.viewStart,
  timeMs,
  attributes: { [ATTR_VIEW_ID]: view, [ATTR_VIEW_SEQ]: 0, 'content.position_s': 12.5 },
  traceId: TRACE,
  spanId: SPAN,
});

const requestSpan = (traceId: string, parentSpanId?: string): SdkSpan => ({
  traceId,
  spanId: SPAN,
  parentSpanId,
  name: 'GET segment',
  kind: SPAN_KINDS.client,
  startMs: 1_700_000_000_000.5,
  endMs: 1_700_000_000_042,
  attributes: { 'http.response.status_code': 200 },
  status: { code: STATUS_CODES.error, message: 'timeout' },
});

describe('encodeLogs', () => {
  it('writes an ExportLogsServiceRequest: resource, scope, one record per event with eventName and event.name', () => {
    const body = parse(encodeLogs(resource, scope, [viewStart('v1', 1_700_000_000_001.25)]));
    expect(body).toEqual({
      resourceLogs: [
        {
          resource: { attributes: keyValues(resource) },
          scopeLogs: [
            {
              scope,
              logRecords: [
                {
                  timeUnixNano: '1700000000001250000',
                  observedTimeUnixNano: '1700000000001250000',
                  eventName: 'content.view_start',
                  attributes: [
                    { key: 'content.view.id', value: { stringValue: 'v1' } },
                    { key: 'content.view.seq', value: { intValue: '0' } },
                    { key: 'content.position_s', value: { doubleValue: 12.5 } },
                    { key: 'event.name', value: { stringValue: 'content.view_start' } },
                  ],
                  traceId: TRACE,
                  spanId: SPAN,
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('leaves out absent ids and never writes event.name twice', () => {
    const e: SdkEvent = { name: 'a.b', timeMs: 1, attributes: { 'event.name': 'stale' } };
    const record = (parse(encodeLogs({}, scope, [e])) as OtlpBody).resourceLogs![0]!.scopeLogs[0]!
      .logRecords[0]!;
    expect(record).not.toHaveProperty('traceId');
    expect(record).not.toHaveProperty('spanId');
    expect(record.attributes).toEqual([{ key: 'event.name', value: { stringValue: 'a.b' } }]);
  });

  it("stays within the server's fast OTLP/JSON path", () => {
    expect(fastJsonLogs(parse(encodeLogs(resource, scope, [viewStart('v1')])))).not.toBeNull();
  });
});

describe('encodeSpans', () => {
  it('writes an ExportTraceServiceRequest with ids, kind, times, attributes and status', () => {
    const body = parse(encodeSpans(resource, scope, [requestSpan(TRACE, 'ef'.repeat(8))]));
    expect(body).toEqual({
      resourceSpans: [
        {
          resource: { attributes: keyValues(resource) },
          scopeSpans: [
            {
              scope,
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  parentSpanId: 'ef'.repeat(8),
                  name: 'GET segment',
                  kind: 3,
                  startTimeUnixNano: '1700000000000500000',
                  endTimeUnixNano: '1700000000042000000',
                  attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
                  status: { code: 2, message: 'timeout' },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('leaves out an absent parent and an absent status', () => {
    const { status: _status, ...noStatus } = requestSpan(TRACE);
    const span = (parse(encodeSpans({}, scope, [noStatus])) as OtlpBody).resourceSpans![0]!.scopeSpans[0]!
      .spans[0];
    expect(span).not.toHaveProperty('parentSpanId');
    expect(span).not.toHaveProperty('status');
  });
});

import { ATTR_CONTENT_PATH, SPAN_CONTENT_SERVE_REQUEST } from '@coursecast/semconv';
import { INVALID_SPAN_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { serverTimingTraceEntry, traceResponseValue } from './trace-response.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const sampledParent = (parentSpan = '00f067aa0ba902b7') => `00-${TRACE_ID}-${parentSpan}-01`;

describe('traceResponseValue', () => {
  it('formats a recorded span as version-trace-span-flags', () => {
    const span = new BasicTracerProvider().getTracer('t').startSpan('s');
    const { traceId, spanId } = span.spanContext();
    expect(traceResponseValue(span)).toBe(`00-${traceId}-${spanId}-01`);
    span.end();
  });

  it('gives nothing for spans that record nothing: invalid, sampled out, or already ended', () => {
    expect(traceResponseValue(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))).toBeNull();
    const valid = { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    expect(traceResponseValue(trace.wrapSpanContext(valid))).toBeNull();
    const off = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('t').startSpan('s');
    expect(traceResponseValue(off)).toBeNull();
    const ended = new BasicTracerProvider().getTracer('t').startSpan('s');
    ended.end();
    expect(traceResponseValue(ended)).toBeNull();
  });

  it('wraps a value as a Server-Timing entry', () => {
    expect(serverTimingTraceEntry(`00-${TRACE_ID}-00f067aa0ba902b7-01`)).toBe(
      `traceparent;desc="00-${TRACE_ID}-00f067aa0ba902b7-01"`,
    );
  });
});

async function serveSpan(server: TestServer, url: string, count: number) {
  await server.cc.instrumentation.forceFlush();
  const spans = server.spans
    .getFinishedSpans()
    .filter((s) => s.name === SPAN_CONTENT_SERVE_REQUEST && s.attributes[ATTR_CONTENT_PATH] === url);
  expect(spans).toHaveLength(count);
  return spans.at(-1)!;
}

describe('the edge names its span on every answer', () => {
  let t: TestServer;
  let p: PublishedItem;
  beforeAll(async () => {
    t = await startTestServer({}, { startQueue: false });
    p = await publishItem(t.cc, {
      '360p/seg_00001.m4s': patternBytes(20_000, 1),
      '360p/seg_00002.m4s': patternBytes(1000, 2),
      'master.m3u8': '#EXTM3U\n',
    });
  });
  afterAll(() => t?.close());

  it('continues the player’s sampled trace and answers the serve_request span’s ids, miss and hit', async () => {
    const url = p.mediaPath('360p/seg_00001.m4s');
    for (const [i, status] of [
      [1, /^coursecast; fwd=miss/],
      [2, /^coursecast; hit/],
    ] as const) {
      const res = await t.cc.app.inject({ url, headers: { traceparent: sampledParent() } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-status']).toMatch(status);
      const span = await serveSpan(t, url, i);
      const { traceId, spanId } = span.spanContext();
      expect(traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      const expected = `00-${TRACE_ID}-${spanId}-01`;
      expect(res.headers.traceresponse).toBe(expected);
      expect(String(res.headers['server-timing']).endsWith(`, traceparent;desc="${expected}"`)).toBe(true);
    }
  });

  it('names the span of refusals too, and lets browsers read the header', async () => {
    const res = await t.cc.app.inject({
      url: p.mediaPath('360p/seg_09999.m4s'),
      headers: { traceparent: sampledParent() },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers.traceresponse).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(res.headers['access-control-expose-headers']).toContain('traceresponse');
  });

  it('adopts a traceparent query parameter when there is no header (a frame navigation can send no header)', async () => {
    const file = p.mediaPath('360p/seg_00002.m4s');
    const parentOf = async (query: string, headers: Record<string, string> = {}) => {
      const res = await t.cc.app.inject({ url: `${file}?${query}`, headers });
      expect(res.statusCode).toBe(200);
      await t.cc.instrumentation.forceFlush();
      const span = t.spans
        .getFinishedSpans()
        .filter((x) => x.name === SPAN_CONTENT_SERVE_REQUEST && x.attributes[ATTR_CONTENT_PATH] === file)
        .at(-1)!;
      return { trace: span.spanContext().traceId, parent: span.parentSpanContext?.spanId ?? null };
    };
    const fromQuery = await parentOf(`lang=en&traceparent=${sampledParent('1111111111111111')}`);
    expect(fromQuery).toEqual({ trace: TRACE_ID, parent: '1111111111111111' });
    // The header wins; a malformed value is ignored (the request is not refused for it).
    const both = await parentOf(`traceparent=${sampledParent('1111111111111111')}`, {
      traceparent: sampledParent('2222222222222222'),
    });
    expect(both.parent).toBe('2222222222222222');
    const bad = await parentOf('traceparent=00-nothex-1111111111111111-01');
    expect(bad.trace).not.toBe(TRACE_ID);
  });

  it('says nothing when the player’s trace is not sampled (the span records nothing)', async () => {
    const res = await t.cc.app.inject({
      url: p.mediaPath('master.m3u8'),
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.traceresponse).toBeUndefined();
    expect(res.headers['server-timing']).toMatch(/^edge;dur=[\d.]+, origin;dur=[\d.]+$/);
  });
});

describe('the origin', () => {
  let t: TestServer;
  let p: PublishedItem;
  beforeAll(async () => {
    t = await startTestServer({ delivery: { edge: false } }, { startQueue: false });
    p = await publishItem(t.cc, { 'master.m3u8': '#EXTM3U\n' });
  });
  afterAll(() => t?.close());

  it('names its span where it answers browsers (/media/ without an edge)', async () => {
    const url = p.mediaPath('master.m3u8');
    const res = await t.cc.app.inject({ url, headers: { traceparent: sampledParent() } });
    expect(res.statusCode).toBe(200);
    const { spanId } = (await serveSpan(t, url, 1)).spanContext();
    const expected = `00-${TRACE_ID}-${spanId}-01`;
    expect(res.headers.traceresponse).toBe(expected);
    expect(res.headers['server-timing']).toBe(`traceparent;desc="${expected}"`);
  });

  it('does not on /origin/, whose answers edges and CDNs cache with their headers', async () => {
    const res = await t.cc.app.inject({
      url: p.originPath('master.m3u8'),
      headers: { traceparent: sampledParent() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.traceresponse).toBeUndefined();
    expect(res.headers['server-timing']).toBeUndefined();
  });
});

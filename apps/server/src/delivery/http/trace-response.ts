import type { IncomingHttpHeaders } from 'node:http';
import { INVALID_SPANID, INVALID_TRACEID, type Span } from '@opentelemetry/api';

/**
 * The W3C `traceresponse` value (Trace Context Level 2 draft) of a server span, `00-<trace>-<span>-<flags>`,
 * or null when the span is not recorded: the ids of an unrecorded span lead a browser to nothing.
 * Must be read before the span ends (an ended span no longer records). String compares only: the API's
 * own validity check runs regexes, and this runs on every traced hit.
 */
export function traceResponseValue(span: Span): string | null {
  if (!span.isRecording()) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (traceId === INVALID_TRACEID || spanId === INVALID_SPANID) return null;
  const flags = traceFlags & 0xff;
  return `00-${traceId}-${spanId}-${flags < 16 ? '0' : ''}${flags.toString(16)}`;
}

/**
 * The `Server-Timing` entry carrying a traceresponse value. Browsers expose Server-Timing through
 * Resource Timing (`PerformanceResourceTiming.serverTiming`) where they expose no headers at all
 * (a native `<video>`), so it is the one way every player can learn the server's trace.
 */
export function serverTimingTraceEntry(traceResponse: string): string {
  return `traceparent;desc="${traceResponse}"`;
}

/**
 * Adds `Server-Timing` (edge and origin durations, and the span's traceparent when it records) and
 * `traceresponse` to a flat header list: what lets a browser join its request to the edge's trace.
 */
export function pushTimingHeaders(
  headers: string[],
  span: Span,
  edgeMs: number,
  originMs: number | null,
): void {
  const traceResponse = traceResponseValue(span);
  let timing = `edge;dur=${edgeMs.toFixed(2)}`;
  if (originMs !== null) timing += `, origin;dur=${originMs.toFixed(2)}`;
  if (traceResponse !== null) {
    timing += `, ${serverTimingTraceEntry(traceResponse)}`;
    headers.push('traceresponse', traceResponse);
  }
  headers.push('server-timing', timing);
}

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A request that can't carry headers (a frame's navigation: a module's launch document) may name its parent
 * span as a `traceparent` query parameter; it is adopted as the header when there is none, so the answer's
 * span joins the page's trace. The query never reaches the cache key (paths only).
 */
export function adoptQueryTraceparent(headers: IncomingHttpHeaders, query: string): void {
  if (headers.traceparent !== undefined || !query.includes('traceparent=')) return;
  const value = new URLSearchParams(query).get('traceparent');
  if (value !== null && TRACEPARENT.test(value)) headers.traceparent = value;
}

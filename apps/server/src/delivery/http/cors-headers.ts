/**
 * Delivered media is public and fetched cross-origin by players (hls.js uses XHR/fetch). Timing-Allow-Origin
 * lets the player SDK read resource timing and Server-Timing; the exposed headers let it read cache status
 * and `traceresponse` (the server span that answered, to join the player's request to the server's trace).
 */
export const MEDIA_CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'timing-allow-origin': '*',
  'access-control-expose-headers':
    'cache-status, server-timing, traceresponse, cmsd-static, cmsd-dynamic, content-range, content-length, ' +
    'age, etag',
} as const;

/** The answer to a CORS preflight: players send Range, traceparent and CMCD headers. */
export const MEDIA_PREFLIGHT_HEADERS = {
  ...MEDIA_CORS_HEADERS,
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers':
    'range, if-none-match, if-modified-since, if-range, traceparent, tracestate, baggage, ' +
    'cmcd-object, cmcd-request, cmcd-session, cmcd-status',
  'access-control-max-age': '86400',
} as const;

/** The CORS headers as flat name/value pairs (what `writeHead` takes). */
export const CORS_PAIRS: readonly string[] = Object.entries(MEDIA_CORS_HEADERS).flat();
/** The preflight answer's headers as flat name/value pairs. */
export const PREFLIGHT_PAIRS: readonly string[] = Object.entries(MEDIA_PREFLIGHT_HEADERS).flat();

/** Origin headers plus CORS, as flat name/value pairs. */
export function pairs(headers: Record<string, string>): string[] {
  const out = CORS_PAIRS.slice();
  for (const [name, value] of Object.entries(headers)) out.push(name, value);
  return out;
}

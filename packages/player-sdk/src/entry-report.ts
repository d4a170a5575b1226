// How the SDK's separate entries (tracks, live) send their one event: OTLP/JSON logs, fire and forget. The core has
// its own batching transport; these send one cumulative report at a time, so a lost one costs only delay.
import { encodeLogs } from './otlp-encode.js';
import { SDK_NAME, SDK_VERSION, sdkResource } from './sdk-resource.js';
import type { Attrs } from './sdk-types.js';

/** Sends one event; a failure is dropped (telemetry never breaks what it observes: the next report carries it). */
export function sendEntryEvent(
  doFetch: typeof fetch,
  endpoint: string,
  event: { name: string; timeMs: number; attributes: Attrs },
  keepalive: boolean,
): void {
  const body = encodeLogs(sdkResource(), { name: SDK_NAME, version: SDK_VERSION }, [event]);
  try {
    doFetch(endpoint, {
      method: 'POST',
      body,
      keepalive,
      headers: { 'content-type': 'application/json' },
    }).catch(() => undefined);
  } catch {
    // A fetch that throws at once (no network API) is dropped the same way.
  }
}

import { createBeaconTransport } from './beacon-transport.js';
import type { Transport } from './sdk-types.js';
import { SDK_NAME, SDK_VERSION, sdkResource } from './sdk-resource.js';

const g = globalThis;

/** The endpoint's sibling for spans: `/v1/logs` → `/v1/traces`. */
export function tracesUrlFor(logsUrl: string): string {
  return logsUrl.replace(/\/v1\/logs(\?|$)/, '/v1/traces$1');
}

/** A transport to the page's own origin (or `endpoint`), with the browser's fetch, beacon and timers. */
export function defaultTransport(
  endpoint: string,
  tracesEndpoint: string | undefined,
  flushMs: number,
  onError: (e: unknown) => void,
): Transport {
  return createBeaconTransport({
    logsUrl: endpoint,
    tracesUrl: tracesEndpoint ?? tracesUrlFor(endpoint),
    resource: sdkResource(),
    scope: { name: SDK_NAME, version: SDK_VERSION },
    flushMs,
    fetch: (url, init) => g.fetch(url, init),
    ...(typeof g.navigator?.sendBeacon === 'function'
      ? { sendBeacon: (u: string, d: Blob) => g.navigator.sendBeacon(u, d) }
      : {}),
    timers: {
      setTimeout: (fn, ms) => g.setTimeout(fn, ms),
      clearTimeout: (h) => g.clearTimeout(h as number),
    },
    random: Math.random,
    onError,
  });
}

/** Where an SDK entry point sends: its caller's transport, or a default one to `endpoint`. */
export interface TransportChoice {
  /** OTLP/HTTP logs URL (default `/v1/logs`); spans go to the sibling `/v1/traces`. */
  endpoint?: string;
  tracesEndpoint?: string;
  /** Send through this transport (e.g. a monitor's) instead of one of the entry point's own. */
  transport?: Transport;
}

/** The caller's transport, or a default one that the entry point owns (`own`: it must destroy it when done). */
export function transportFor(o: TransportChoice, flushMs = 5000): { transport: Transport; own: boolean } {
  if (o.transport) return { transport: o.transport, own: false };
  return {
    transport: defaultTransport(o.endpoint ?? '/v1/logs', o.tracesEndpoint, flushMs, () => {}),
    own: true,
  };
}

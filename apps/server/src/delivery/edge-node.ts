import type { Config } from '../config.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { createEdgeCache, type EdgeCache } from './edge-cache.js';
import { createEdgeFetcher, type EdgeFetcher } from './edge-fetch.js';
import { createEdgeHandler, type EdgeHandler } from './edge-handler.js';
import type { FaultInjector } from './fault-injector.js';
import type { OriginClient } from './origin-client.js';

/** An edge cache node: the store, the fetcher in front of one origin, and purge. */
export interface EdgeNode {
  readonly cache: EdgeCache;
  readonly fetcher: EdgeFetcher;
  readonly settings: Config['delivery'];
  /** Answers `/media/` requests. */
  readonly handler: EdgeHandler;
  /** Test-only fault rules the handler consults; null unless `testing.faults` is on. */
  readonly faults: FaultInjector | null;
  /** Drops every cached object of an item (deleted or re-transcoded); returns how many. */
  purgeItem(itemId: string): number;
  close(): void;
}

/** Creates an edge node; the caller picks the origin (in-process or HTTP). */
export function createEdgeNode(
  settings: Config['delivery'],
  telemetry: DeliveryTelemetry,
  origin: OriginClient,
  onError: (err: unknown) => void = () => {},
  faults: FaultInjector | null = null,
): EdgeNode {
  const cache = createEdgeCache(settings.cacheBytes, (reason, n) => telemetry.evicted(reason, n));
  telemetry.observeCache(cache);
  const fetcher = createEdgeFetcher(cache, origin, telemetry, {
    maxObjectBytes: settings.maxObjectBytes,
    originTimeoutMs: settings.originTimeoutMs,
    staleIfErrorSeconds: settings.staleIfErrorSeconds,
    originRegion: settings.originRegion,
    serverName: settings.serverName,
  });
  const handler = createEdgeHandler({
    cache,
    fetcher,
    telemetry,
    serverName: settings.serverName,
    duressInflight: settings.duressInflight,
    hitSpanRatio: settings.hitSpanRatio,
    faults,
    onError,
  });
  return {
    cache,
    fetcher,
    settings,
    handler,
    faults,
    purgeItem(itemId) {
      fetcher.purgeItem(itemId);
      return cache.purgeItem(itemId);
    },
    close: () => origin.close(),
  };
}

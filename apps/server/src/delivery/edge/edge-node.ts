import type { Config } from '../../config.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import { createEdgeCache, type EdgeCache } from './edge-cache.js';
import { createEdgeFetcher, type EdgeFetcher } from './edge-fetch.js';
import { createEdgeHandler, type EdgeHandler } from './edge-handler.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { OriginClient } from './origin-client.js';
import type { MediaLinks } from '../../catalog/media-links.js';

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
  instruments: DeliveryInstruments,
  origin: OriginClient,
  onError: (err: unknown) => void = () => {},
  faults: FaultInjector | null = null,
  links: MediaLinks | null = null,
): EdgeNode {
  const cache = createEdgeCache(settings.cacheBytes, (reason, n) => instruments.evicted(reason, n));
  instruments.observeCache(cache);
  const fetcher = createEdgeFetcher(cache, origin, instruments, {
    maxObjectBytes: settings.maxObjectBytes,
    originTimeoutMs: settings.originTimeoutMs,
    staleIfErrorSeconds: settings.staleIfErrorSeconds,
    originRegion: settings.originRegion,
    serverName: settings.serverName,
  });
  const handler = createEdgeHandler({
    cache,
    fetcher,
    instruments,
    serverName: settings.serverName,
    duressInflight: settings.duressInflight,
    hitSpanRatio: settings.hitSpanRatio,
    faults,
    onError,
    links,
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

import { browserContainer } from '@coursecast/media';
import type { CatalogStore } from '../store/index.js';

/** What an event is enriched with from the catalog: the item's source codec and container. */
export interface ItemFacts {
  codec: string | null;
  container: string | null;
}

/** Cached catalog lookups for enrichment (one query per item per TTL, not per event). */
export interface ItemFactsCache {
  get(itemId: string): Promise<ItemFacts | null>;
}

/** Creates the cache; unknown items are cached too, so a flood of bogus ids costs one lookup each per TTL. */
export function createItemFactsCache(
  store: Pick<CatalogStore, 'getItem'>,
  o: { ttlMs: number; maxItems: number; now?: () => number },
): ItemFactsCache {
  const now = o.now ?? Date.now;
  const cache = new Map<string, { facts: Promise<ItemFacts | null>; at: number }>();
  return {
    get(itemId) {
      const hit = cache.get(itemId);
      if (hit && now() - hit.at < o.ttlMs) return hit.facts;
      const facts = store.getItem(itemId).then(
        (item) => {
          if (!item) return null;
          // Only a video has a codec and a container; documents and modules are enriched with neither.
          const info = item.kind === 'video' ? item.sourceInfo : null;
          return {
            codec: info?.video?.codec ?? null,
            container: info ? browserContainer(info) : null,
          };
        },
        // Enrichment is best effort: an event is never refused because the catalog hiccuped.
        () => null,
      );
      cache.delete(itemId);
      cache.set(itemId, { facts, at: now() });
      if (cache.size > o.maxItems) cache.delete(cache.keys().next().value as string);
      return facts;
    },
  };
}

import { CDN_EVICTION_REASONS, type CdnEvictionReason } from '@coursecast/semconv';

/** A complete 200 response held in memory, with what freshness decisions need. */
export interface CachedObject {
  /** Canonical request path, e.g. `/media/itm_1/job_2/720p/seg_00001.m4s`. */
  readonly key: string;
  readonly itemId: string;
  readonly body: Buffer;
  /** Origin headers replayed on every answer (content-type, etag, cache-control...). */
  readonly headers: Readonly<Record<string, string>>;
  /** The same plus the CORS headers, as flat name/value pairs ready for `writeHead` (built once per store). */
  readonly replay: readonly string[];
  readonly etag: string;
  readonly lastModifiedMs: number;
  /** When the origin's answer arrived (ms since epoch), minus the Age it already had. */
  storedAt: number;
  freshUntil: number;
  /** May be served stale while a background revalidation runs, until then. */
  staleWhileRevalidateUntil: number;
  /** May be served stale when the origin fails, until then. */
  staleIfErrorUntil: number;
}

/** A bounded, least-recently-used store of CachedObjects. */
export interface EdgeCache {
  /** The object, marked most recently used; undefined when absent. */
  get(key: string): CachedObject | undefined;
  /** Stores (or replaces) an object and evicts the least recently used ones beyond the bound. */
  set(object: CachedObject): void;
  /** Removes every object of an item; returns how many. */
  purgeItem(itemId: string): number;
  /** Removes everything; returns how many. */
  purgeAll(): number;
  bytes(): number;
  objects(): number;
  capacity(): number;
}

/** Per-object bookkeeping beyond the body (key, headers, Map entry): counted so tiny objects can't overrun. */
const OVERHEAD_BYTES = 512;

function cost(object: CachedObject): number {
  return object.body.length + OVERHEAD_BYTES;
}

/**
 * An in-memory LRU bounded by bytes. A Map keeps insertion order, so "use" is delete + re-insert and the
 * eviction candidate is the first key: O(1) both ways, no linked list to maintain.
 */
export function createEdgeCache(
  capacityBytes: number,
  onEvict: (reason: CdnEvictionReason, count: number) => void = () => {},
): EdgeCache {
  const entries = new Map<string, CachedObject>();
  let used = 0;

  function remove(key: string): boolean {
    const old = entries.get(key);
    if (!old) return false;
    entries.delete(key);
    used -= cost(old);
    return true;
  }

  return {
    get(key) {
      const object = entries.get(key);
      if (object) {
        entries.delete(key);
        entries.set(key, object);
      }
      return object;
    },
    set(object) {
      remove(object.key);
      if (cost(object) > capacityBytes) return;
      entries.set(object.key, object);
      used += cost(object);
      let evicted = 0;
      while (used > capacityBytes) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        remove(oldest.value);
        evicted++;
      }
      if (evicted > 0) onEvict(CDN_EVICTION_REASONS.capacity, evicted);
    },
    purgeItem(itemId) {
      let n = 0;
      for (const [key, object] of entries) if (object.itemId === itemId && remove(key)) n++;
      if (n > 0) onEvict(CDN_EVICTION_REASONS.purge, n);
      return n;
    },
    purgeAll() {
      const n = entries.size;
      entries.clear();
      used = 0;
      if (n > 0) onEvict(CDN_EVICTION_REASONS.purge, n);
      return n;
    },
    bytes: () => used,
    objects: () => entries.size,
    capacity: () => capacityBytes,
  };
}

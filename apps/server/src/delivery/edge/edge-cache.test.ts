import { describe, expect, it } from 'vitest';
import { CDN_EVICTION_REASONS, type CdnEvictionReason } from '@coursecast/semconv';
import { createEdgeCache, type CachedObject } from './edge-cache.js';

/** The per-object bookkeeping the cache adds to every body. */
const OVERHEAD = 512;

function object(key: string, bodyBytes: number, itemId = 'itm_1'): CachedObject {
  return {
    key,
    itemId,
    body: Buffer.alloc(bodyBytes, 0x61),
    headers: { 'content-type': 'video/iso.segment' },
    replay: [],
    etag: `"${key}"`,
    lastModifiedMs: 0,
    storedAt: 0,
    freshUntil: 1000,
    staleWhileRevalidateUntil: 1000,
    staleIfErrorUntil: 1000,
  };
}

function recorder(): {
  events: [CdnEvictionReason, number][];
  onEvict: (reason: CdnEvictionReason, count: number) => void;
} {
  const events: [CdnEvictionReason, number][] = [];
  return { events, onEvict: (reason, count) => events.push([reason, count]) };
}

/** The keys still held. Probes with get(), which reorders the LRU: call it only at the end of a test. */
function held(cache: ReturnType<typeof createEdgeCache>, keys: string[]): string[] {
  return keys.filter((k) => cache.get(k) !== undefined);
}

describe('createEdgeCache: accounting', () => {
  it('starts empty and reports its capacity', () => {
    const cache = createEdgeCache(10_000);
    expect({ bytes: cache.bytes(), objects: cache.objects(), capacity: cache.capacity() }).toEqual({
      bytes: 0,
      objects: 0,
      capacity: 10_000,
    });
  });

  it('counts the body plus a 512-byte overhead per object', () => {
    const cache = createEdgeCache(10_000);
    cache.set(object('/a', 100));
    cache.set(object('/b', 0));
    expect(cache.bytes()).toBe(100 + OVERHEAD + 0 + OVERHEAD);
    expect(cache.objects()).toBe(2);
  });

  it('returns the stored object itself', () => {
    const cache = createEdgeCache(10_000);
    const a = object('/a', 10);
    cache.set(a);
    expect(cache.get('/a')).toBe(a);
    expect(cache.get('/missing')).toBeUndefined();
  });

  it('replacing a key counts only the new body, once', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(10_000, onEvict);
    cache.set(object('/a', 1000));
    const replacement = object('/a', 300);
    cache.set(replacement);
    expect(cache.bytes()).toBe(300 + OVERHEAD);
    expect(cache.objects()).toBe(1);
    expect(cache.get('/a')).toBe(replacement);
    expect(events).toEqual([]);
  });

  it('replacing a key with the same size keeps the byte count', () => {
    const cache = createEdgeCache(10_000);
    cache.set(object('/a', 100));
    cache.set(object('/a', 100));
    expect(cache.bytes()).toBe(100 + OVERHEAD);
  });
});

describe('createEdgeCache: byte bound', () => {
  it('stores an object whose cost equals the capacity exactly', () => {
    const cache = createEdgeCache(1000 + OVERHEAD);
    cache.set(object('/a', 1000));
    expect(cache.objects()).toBe(1);
    expect(cache.bytes()).toBe(cache.capacity());
  });

  it('does not store an object larger than the capacity, and evicts nothing for it', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(2000, onEvict);
    cache.set(object('/small', 100));
    cache.set(object('/huge', 2000 - OVERHEAD + 1));
    expect(cache.get('/huge')).toBeUndefined();
    expect(cache.get('/small')).toBeDefined();
    expect(cache.bytes()).toBe(100 + OVERHEAD);
    expect(events).toEqual([]);
  });

  it('counts the overhead against the bound: many empty bodies still fill it', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(4 * OVERHEAD, onEvict);
    for (let i = 0; i < 10; i++) cache.set(object(`/e${i}`, 0));
    expect(cache.objects()).toBe(4);
    expect(cache.bytes()).toBe(4 * OVERHEAD);
    expect(events).toEqual([
      ['capacity', 1],
      ['capacity', 1],
      ['capacity', 1],
      ['capacity', 1],
      ['capacity', 1],
      ['capacity', 1],
    ]);
  });

  it('never holds more bytes than its capacity', () => {
    const cache = createEdgeCache(5000);
    for (let i = 0; i < 50; i++) {
      cache.set(object(`/o${i}`, (i * 37) % 900));
      expect(cache.bytes()).toBeLessThanOrEqual(5000);
    }
  });

  it('replacing a key with an object too large to keep drops the old copy', () => {
    const cache = createEdgeCache(1000);
    cache.set(object('/a', 10));
    cache.set(object('/a', 1000));
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.bytes()).toBe(0);
    expect(cache.objects()).toBe(0);
  });
});

describe('createEdgeCache: least-recently-used eviction', () => {
  // Room for exactly three 100-byte objects.
  const CAPACITY = 3 * (100 + OVERHEAD);
  const KEYS = ['/a', '/b', '/c', '/d', '/e'];

  it('evicts the oldest insertion first and reports it with reason capacity', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(CAPACITY, onEvict);
    for (const k of ['/a', '/b', '/c', '/d']) cache.set(object(k, 100));
    expect(events).toEqual([[CDN_EVICTION_REASONS.capacity, 1]]);
    expect(held(cache, KEYS)).toEqual(['/b', '/c', '/d']);
    expect(cache.bytes()).toBe(CAPACITY);
  });

  it('a get makes an entry the most recently used', () => {
    const cache = createEdgeCache(CAPACITY);
    for (const k of ['/a', '/b', '/c']) cache.set(object(k, 100));
    expect(cache.get('/a')).toBeDefined();
    cache.set(object('/d', 100));
    expect(held(cache, KEYS)).toEqual(['/a', '/c', '/d']);
  });

  it('a get of a missing key changes nothing', () => {
    const cache = createEdgeCache(CAPACITY);
    for (const k of ['/a', '/b', '/c']) cache.set(object(k, 100));
    expect(cache.get('/zz')).toBeUndefined();
    cache.set(object('/d', 100));
    expect(held(cache, KEYS)).toEqual(['/b', '/c', '/d']);
  });

  it('replacing a key makes it the most recently used', () => {
    const cache = createEdgeCache(CAPACITY);
    for (const k of ['/a', '/b', '/c']) cache.set(object(k, 100));
    cache.set(object('/a', 100));
    cache.set(object('/d', 100));
    expect(held(cache, KEYS)).toEqual(['/a', '/c', '/d']);
  });

  it('evicts as many old entries as a large newcomer needs, reported as one count', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(CAPACITY, onEvict);
    for (const k of ['/a', '/b', '/c']) cache.set(object(k, 100));
    // 2 * 100 + 512 bytes of body: needs the room of two 100-byte objects plus its own overhead.
    cache.set(object('/big', 2 * 100 + OVERHEAD));
    expect(events).toEqual([[CDN_EVICTION_REASONS.capacity, 2]]);
    expect(held(cache, [...KEYS, '/big'])).toEqual(['/c', '/big']);
    expect(cache.bytes()).toBe(100 + OVERHEAD + 2 * 100 + 2 * OVERHEAD);
  });

  it('does not call onEvict when nothing is evicted', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(CAPACITY, onEvict);
    for (const k of ['/a', '/b', '/c']) cache.set(object(k, 100));
    expect(events).toEqual([]);
  });

  it('works without an eviction callback', () => {
    const cache = createEdgeCache(CAPACITY);
    for (const k of KEYS) cache.set(object(k, 100));
    expect(cache.objects()).toBe(3);
  });
});

describe('createEdgeCache: purges', () => {
  function filled(
    onEvict?: (reason: CdnEvictionReason, count: number) => void,
  ): ReturnType<typeof createEdgeCache> {
    const cache = createEdgeCache(100_000, onEvict);
    cache.set(object('/media/itm_1/j/a', 10, 'itm_1'));
    cache.set(object('/media/itm_2/j/a', 20, 'itm_2'));
    cache.set(object('/media/itm_1/j/b', 30, 'itm_1'));
    cache.set(object('/media/itm_3/j/a', 40, 'itm_3'));
    return cache;
  }

  it("purgeItem removes only that item's objects and reports them as purge", () => {
    const { events, onEvict } = recorder();
    const cache = filled(onEvict);
    expect(cache.purgeItem('itm_1')).toBe(2);
    expect(events).toEqual([[CDN_EVICTION_REASONS.purge, 2]]);
    expect(
      held(cache, ['/media/itm_1/j/a', '/media/itm_1/j/b', '/media/itm_2/j/a', '/media/itm_3/j/a']),
    ).toEqual(['/media/itm_2/j/a', '/media/itm_3/j/a']);
    expect(cache.objects()).toBe(2);
    expect(cache.bytes()).toBe(20 + 40 + 2 * OVERHEAD);
  });

  it('purgeItem matches the item id exactly, not by prefix', () => {
    const cache = createEdgeCache(100_000);
    cache.set(object('/media/itm_10/j/a', 10, 'itm_10'));
    expect(cache.purgeItem('itm_1')).toBe(0);
    expect(cache.objects()).toBe(1);
  });

  it('purgeItem of an item with nothing cached returns 0 and reports nothing', () => {
    const { events, onEvict } = recorder();
    const cache = filled(onEvict);
    expect(cache.purgeItem('itm_9')).toBe(0);
    expect(events).toEqual([]);
    expect(cache.objects()).toBe(4);
  });

  it('purgeAll removes everything, resets the byte count and reports purge', () => {
    const { events, onEvict } = recorder();
    const cache = filled(onEvict);
    expect(cache.purgeAll()).toBe(4);
    expect(events).toEqual([[CDN_EVICTION_REASONS.purge, 4]]);
    expect({ bytes: cache.bytes(), objects: cache.objects(), capacity: cache.capacity() }).toEqual({
      bytes: 0,
      objects: 0,
      capacity: 100_000,
    });
  });

  it('purgeAll of an empty cache returns 0 and reports nothing', () => {
    const { events, onEvict } = recorder();
    const cache = createEdgeCache(1000, onEvict);
    expect(cache.purgeAll()).toBe(0);
    expect(events).toEqual([]);
  });

  it('the cache is usable again after a purge, with correct accounting', () => {
    const cache = filled();
    cache.purgeAll();
    cache.set(object('/x', 5));
    expect(cache.bytes()).toBe(5 + OVERHEAD);
    expect(cache.objects()).toBe(1);
  });
});

import { expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';
import { createViewDedupe } from './view-dedupe.js';

it('allows a burst, then refuses with the seconds until the next token, per client', () => {
  let now = 0;
  const rl = createRateLimiter({ perSecond: 2, burst: 3, maxClients: 10, now: () => now });
  expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([null, null, null]);
  expect(rl.take('a')).toBe(1);
  expect(rl.take('b')).toBeNull();
  now = 500;
  expect(rl.take('a')).toBeNull();
  expect(rl.take('a')).toBe(1);
});

it('forgets the least recently seen client beyond maxClients', () => {
  const rl = createRateLimiter({ perSecond: 0.001, burst: 1, maxClients: 2, now: () => 0 });
  expect(rl.take('a')).toBeNull();
  expect(rl.take('a')).not.toBeNull();
  rl.take('b');
  rl.take('c');
  // 'a' was forgotten, so it starts again with a full bucket.
  expect(rl.take('a')).toBeNull();
});

it('stores a re-sent event once, and accepts a retry after a failed commit', () => {
  const d = createViewDedupe({ maxViews: 100 });
  const keys = [
    { viewId: 'v', seq: 0 },
    { viewId: 'v', seq: 1 },
  ];
  expect(d.reserve(keys)).toEqual({ fresh: [true, true], duplicates: 0 });
  // The same beacon racing in another request while the first is being committed.
  expect(d.reserve(keys)).toEqual({ fresh: [false, false], duplicates: 2 });
  d.release(keys);
  expect(d.reserve(keys).duplicates).toBe(0);
  d.commit(keys);
  expect(d.reserve([...keys, { viewId: 'v', seq: 2 }])).toEqual({
    fresh: [false, false, true],
    duplicates: 2,
  });
  d.preload('old', [5]);
  expect(d.reserve([{ viewId: 'old', seq: 5 }]).duplicates).toBe(1);
});

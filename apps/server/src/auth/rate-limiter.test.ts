import { expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

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

it('takes costs above one; a cost above the burst empties a full bucket into debt', () => {
  let now = 0;
  const rl = createRateLimiter({ perSecond: 100, burst: 200, maxClients: 10, now: () => now });
  expect(rl.take('node', 150)).toBeNull();
  expect(rl.take('node', 100)).toBe(1);
  now = 2000;
  expect(rl.take('node', 1000)).toBeNull();
  // 200 - 1000 = -800 tokens: 10 s until a cost of 200 fits again.
  expect(rl.take('node', 200)).toBe(10);
});

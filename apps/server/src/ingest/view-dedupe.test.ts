import { expect, it } from 'vitest';
import { createViewDedupe } from './view-dedupe.js';

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

it('remembers a long view in constant space, out-of-order sequence numbers included', () => {
  const d = createViewDedupe({ maxViews: 10 });
  const keys = Array.from({ length: 5000 }, (_, seq) => ({
    viewId: 'long',
    seq: seq === 10 ? 4999 : seq === 4999 ? 10 : seq,
  }));
  d.reserve(keys);
  d.commit(keys);
  expect(
    d.reserve([
      { viewId: 'long', seq: 10 },
      { viewId: 'long', seq: 4999 },
      { viewId: 'long', seq: 5000 },
    ]),
  ).toEqual({
    fresh: [false, false, true],
    duplicates: 2,
  });
});

import { describe, expect, it } from 'vitest';
import { coveredSeconds, mergeRanges } from './watched-ranges.js';

describe('watched ranges', () => {
  it('merges overlapping and adjacent ranges, in any order, clipped to the lecture', () => {
    expect(
      mergeRanges(
        [[0, 10]],
        [
          [5, 20],
          [30, 40],
          [20, 25],
        ],
        100,
      ),
    ).toEqual([
      [0, 25],
      [30, 40],
    ]);
    expect(
      mergeRanges(
        [],
        [
          [90, 130],
          [-5, 3],
        ],
        100,
      ),
    ).toEqual([
      [0, 3],
      [90, 100],
    ]);
    // A rewatch adds nothing.
    const once = mergeRanges([], [[0, 60]], 100);
    expect(
      coveredSeconds(
        mergeRanges(
          once,
          [
            [10, 50],
            [0, 60],
          ],
          100,
        ),
      ),
    ).toBe(60);
  });

  it('ignores empty and reversed ranges', () => {
    expect(
      mergeRanges(
        [],
        [
          [5, 5],
          [9, 3],
        ],
        100,
      ),
    ).toEqual([]);
    expect(coveredSeconds([])).toBe(0);
  });
});

import { expect, it } from 'vitest';
import { histogramQuantile, mergeHistograms } from './histogram-math.js';

it('interpolates quantiles inside the bucket holding the rank, clamped to the observed min and max', () => {
  const h = { bounds: [1, 2, 4], counts: [0, 10, 10, 0], count: 20, sum: 50, min: 1.2, max: 3.9 };
  expect(histogramQuantile(h, 0.5)).toBeCloseTo(2);
  expect(histogramQuantile(h, 0.75)).toBeCloseTo(3);
  expect(histogramQuantile(h, 0.01)).toBeCloseTo(1.2);
  expect(histogramQuantile(h, 1)).toBeCloseTo(3.9);
  expect(histogramQuantile({ ...h, counts: [0, 0, 0, 0], count: 0 }, 0.5)).toBeNull();
});

it('merges histograms of one layout and skips others', () => {
  const a = { bounds: [1, 2], counts: [1, 2, 3], count: 6, sum: 10, min: 0.5, max: 5 };
  const b = { bounds: [1, 2], counts: [4, 0, 1], count: 5, sum: 4, min: 0.1, max: 3 };
  const other = { bounds: [1, 3], counts: [9, 9, 9], count: 27, sum: 40, min: 0, max: 9 };
  expect(mergeHistograms([a, b, other])).toEqual({
    bounds: [1, 2],
    counts: [5, 2, 4],
    count: 11,
    sum: 14,
    min: 0.1,
    max: 5,
  });
  expect(mergeHistograms([])).toBeNull();
});

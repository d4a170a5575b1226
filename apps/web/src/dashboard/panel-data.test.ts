import { describe, expect, it } from 'vitest';
import { formatCount, formatFactor, formatMs, formatPercent, formatSeconds } from './number-format.js';
import {
  alignToBuckets,
  bucketStarts,
  histogramPosition,
  isPanelEmpty,
  pivotGroups,
  stackValues,
} from './panel-data.js';

describe('panel data transforms', () => {
  it('cuts a range into server-aligned buckets', () => {
    expect(bucketStarts(65_000, 200_000, 60_000)).toEqual([60_000, 120_000, 180_000]);
    expect(bucketStarts(10, 5, 60_000)).toEqual([]);
    expect(bucketStarts(0, 1e12, 1)).toHaveLength(2000);
  });

  it('aligns sparse rows to the buckets, leaving gaps as null (or a fill)', () => {
    const times = [0, 10, 20];
    expect(alignToBuckets(times, [{ t: 10, v: 5 }], (r) => r.v)).toEqual([null, 5, null]);
    expect(alignToBuckets(times, [{ t: 20, v: 1 }], (r) => r.v, 0)).toEqual([0, 0, 1]);
  });

  it('pivots series points by group, largest first, and stacks them', () => {
    const points = [
      { t: 0, group: 'MISS', value: 1 },
      { t: 0, group: 'HIT', value: 3 },
      { t: 10, group: 'HIT', value: 2 },
    ];
    const { groups, values } = pivotGroups(points, [0, 10], 0);
    expect(groups).toEqual(['HIT', 'MISS']);
    expect(values).toEqual([
      [3, 2],
      [1, 0],
    ]);
    expect(stackValues(values)).toEqual([
      [3, 2],
      [4, 2],
    ]);
  });

  it('places quantiles on the histogram axis inside their bucket', () => {
    const bounds = [250, 500, 1000];
    expect(histogramPosition(bounds, 250)).toBe(0.5);
    expect(histogramPosition(bounds, 750)).toBe(2);
    expect(histogramPosition(bounds, 500)).toBe(1.5);
    expect(histogramPosition(bounds, 5000)).toBe(3);
  });

  it('knows when a panel has nothing to show', () => {
    expect(isPanelEmpty('summary', { views: 0, success_rate: null })).toBe(true);
    expect(isPanelEmpty('summary', { views: 2 })).toBe(false);
    expect(isPanelEmpty('success-by-codec', [])).toBe(true);
    expect(isPanelEmpty('startup-histogram', { count: 0, counts: [0, 0] })).toBe(true);
    expect(isPanelEmpty('origin-latency', { summary: { count: 0 }, series: [] })).toBe(true);
    expect(isPanelEmpty('origin-latency', { summary: { count: 3 }, series: [] })).toBe(false);
    expect(isPanelEmpty('cdn-hit-ratio', { byStatus: [], ratio: [] })).toBe(true);
    // Panels this page does not know yet: empty only when nothing but empties.
    expect(isPanelEmpty('future-panel', { a: [], b: { c: null } })).toBe(true);
    expect(isPanelEmpty('future-panel', { a: [], b: 0 })).toBe(false);
  });
});

describe('number formatting', () => {
  it('formats counts, percentages, durations and factors for a locale', () => {
    expect(formatCount(12345, 'en-US')).toBe('12,345');
    expect(formatCount(12345, 'de-DE')).toBe('12.345');
    expect(formatPercent(2 / 3, 'en-US')).toBe('66.7%');
    expect(formatPercent(0.004, 'en-US')).toBe('0.4%');
    expect(formatPercent(0, 'en-US')).toBe('0%');
    expect(formatMs(850, 'en-US')).toBe('850 ms');
    expect(formatMs(1250, 'en-US')).toBe('1.25 s');
    expect(formatMs(150_000, 'en-US')).toBe('2.5 min');
    expect(formatSeconds(0.0042, 'en-US')).toBe('4.2 ms');
    expect(formatFactor(3.456, 'en-US')).toBe('3.46×');
  });

  it('shows a missing figure as a dash, never as 0', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

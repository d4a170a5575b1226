import { describe, expect, it } from 'vitest';
import { gridEnd, isUniformGrid, keyframeGrid, segmentGrid } from './segment-grid.js';

describe('segmentGrid', () => {
  it('covers the duration with fixed segments, the last one shorter', () => {
    const grid = segmentGrid(9, 2);
    expect(grid).toEqual({
      segmentSeconds: 2,
      count: 5,
      segments: [
        { index: 0, start: 0, duration: 2 },
        { index: 1, start: 2, duration: 2 },
        { index: 2, start: 4, duration: 2 },
        { index: 3, start: 6, duration: 2 },
        { index: 4, start: 8, duration: 1 },
      ],
    });
    expect(gridEnd(grid)).toBe(9);
    expect(isUniformGrid(grid)).toBe(true);
  });

  it('has no empty last segment when the duration is a multiple', () => {
    const grid = segmentGrid(12, 2);
    expect(grid.count).toBe(6);
    expect(grid.segments.at(-1)).toEqual({ index: 5, start: 10, duration: 2 });
  });

  it('merges a tail of a few ms (AAC priming) into the last segment', () => {
    const grid = segmentGrid(12.021, 2);
    expect(grid.count).toBe(6);
    expect(grid.segments.at(-1)).toEqual({ index: 5, start: 10, duration: 2.021 });
    // Half a segment or 0.5 s, whichever is less: 0.6 s stays a segment of its own.
    expect(segmentGrid(12.6, 2).segments.at(-1)).toEqual({ index: 6, start: 12, duration: 0.6 });
    expect(segmentGrid(4.4, 4).segments.map((s) => s.duration)).toEqual([4.4]);
  });

  it('keeps float noise out of the times', () => {
    const grid = segmentGrid(1, 0.1);
    expect(grid.count).toBe(10);
    expect(grid.segments[3]).toEqual({ index: 3, start: 0.3, duration: 0.1 });
  });

  it('is one segment for a clip shorter than a segment', () => {
    expect(segmentGrid(1.5, 4).segments).toEqual([{ index: 0, start: 0, duration: 1.5 }]);
  });

  it.each([
    [0, 2],
    [-1, 2],
    [Number.NaN, 2],
    [Number.POSITIVE_INFINITY, 2],
    [10, 0],
    [10, Number.NaN],
  ])('rejects duration %s with segment %s', (duration, segment) => {
    expect(() => segmentGrid(duration, segment)).toThrow(RangeError);
    expect(() => segmentGrid(duration, segment)).toThrow(/must be a positive finite number of seconds/);
  });
});

describe('keyframeGrid', () => {
  it('starts each segment on a keyframe at least the target after the previous one', () => {
    const keyframes = [0.021, 1.521, 3.021, 4.521, 6.021, 7.521, 9.021, 10.521];
    const grid = keyframeGrid(keyframes, 12.021, 2);
    expect(grid.segments).toEqual([
      { index: 0, start: 0, duration: 3.021 },
      { index: 1, start: 3.021, duration: 3 },
      { index: 2, start: 6.021, duration: 3 },
      { index: 3, start: 9.021, duration: 3 },
    ]);
    expect(grid.segmentSeconds).toBe(2);
    expect(isUniformGrid(grid)).toBe(false);
  });

  it('takes every keyframe when they are at least the target apart, sparse or not', () => {
    const grid = keyframeGrid([0, 2, 4, 10, 12.5], 14, 2);
    expect(grid.segments.map((s) => [s.start, s.duration])).toEqual([
      [0, 2],
      [2, 2],
      [4, 6],
      [10, 2.5],
      [12.5, 1.5],
    ]);
  });

  it('counts a gap a few µs short of the target (6-decimal printing) as long enough', () => {
    const grid = keyframeGrid([0, 1.999999, 3.999998], 6, 2);
    expect(grid.segments.map((s) => s.start)).toEqual([0, 1.999999, 3.999998]);
  });

  it('ignores unsorted input, duplicates, keyframes past the end and a keyframe right before it', () => {
    const grid = keyframeGrid([4, 0, 2, 2, Number.NaN, 7.9, 9], 8, 2);
    expect(grid.segments.map((s) => s.start)).toEqual([0, 2, 4]);
    expect(grid.segments.at(-1)!.duration).toBe(4);
  });

  it('is one segment without keyframes after the first', () => {
    expect(keyframeGrid([0], 5, 2).segments).toEqual([{ index: 0, start: 0, duration: 5 }]);
  });

  it('rejects a non-positive duration or target', () => {
    expect(() => keyframeGrid([0], 0, 2)).toThrow(RangeError);
    expect(() => keyframeGrid([0], 10, -2)).toThrow(/targetSeconds/);
  });
});

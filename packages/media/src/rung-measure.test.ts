import { describe, expect, it } from 'vitest';
import { measureVariant } from './rung-measure.js';

describe('measureVariant', () => {
  it('computes average and peak segment bitrates', () => {
    const m = measureVariant(
      [
        { duration: 4, bytes: 500_000 },
        { duration: 4, bytes: 1_000_000 },
        { duration: 2, bytes: 250_000 },
      ],
      4,
    );
    expect(m.segmentCount).toBe(3);
    expect(m.segmentBytes).toBe(1_750_000);
    expect(m.mediaSeconds).toBe(10);
    expect(m.averageBitrate).toBe(1_400_000);
    expect(m.peakBitrate).toBe(2_000_000);
  });

  it('leaves a short final segment out of the peak but not out of the average', () => {
    const m = measureVariant(
      [
        { duration: 4, bytes: 500_000 },
        { duration: 0.04, bytes: 40_000 },
      ],
      4,
    );
    expect(m.peakBitrate).toBe(1_000_000);
    expect(m.averageBitrate).toBeCloseTo((540_000 * 8) / 4.04, 6);
  });

  it('uses a lone short segment when it is all there is', () => {
    expect(measureVariant([{ duration: 1, bytes: 1000 }], 4).peakBitrate).toBe(8000);
  });
});

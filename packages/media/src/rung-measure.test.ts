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

  it('measures a short final segment with the one before it (RFC 8216: runs of 0.5 to 1.5 target durations)', () => {
    const m = measureVariant(
      [
        { duration: 4, bytes: 500_000 },
        { duration: 0.04, bytes: 40_000 },
      ],
      4,
    );
    // Alone the tail would be 8 Mb/s; in its run with the segment before it, every bit counts once.
    expect(m.peakBitrate).toBeCloseTo((540_000 * 8) / 4.04, 6);
    expect(m.peakBitrate).toBeGreaterThan(1_000_000);
    expect(m.averageBitrate).toBeCloseTo((540_000 * 8) / 4.04, 6);
  });

  it('takes the fullest run, whichever segments it spans', () => {
    const m = measureVariant(
      [
        { duration: 4, bytes: 400_000 },
        { duration: 1, bytes: 600_000 },
        { duration: 1, bytes: 600_000 },
        { duration: 4, bytes: 400_000 },
      ],
      4,
    );
    // The two short, full segments form a run of 2 s (half the target): 4.8 Mb/s.
    expect(m.peakBitrate).toBe(4_800_000);
  });

  it('uses a lone short segment when it is all there is', () => {
    expect(measureVariant([{ duration: 1, bytes: 1000 }], 4).peakBitrate).toBe(8000);
  });
});

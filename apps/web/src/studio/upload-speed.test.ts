import { describe, expect, it } from 'vitest';
import { createSpeedMeter, formatLeft, formatRate } from './upload-speed.js';

describe('the upload speed meter', () => {
  it('measures the recent rate and the time left, and forgets on reset', () => {
    const m = createSpeedMeter(5000);
    expect(m.bytesPerSecond()).toBeNull();
    m.sample(0, 0);
    m.sample(1_000_000, 1000);
    expect(m.bytesPerSecond()).toBe(1_000_000);
    expect(m.secondsLeft(10_000_000)).toBe(9);
    // Only the last 5 s count: a stall after a fast start shows as a slower rate.
    m.sample(1_000_000, 7000);
    expect(m.bytesPerSecond()).toBe(0);
    expect(m.secondsLeft(10_000_000)).toBeNull();
    m.reset();
    expect(m.bytesPerSecond()).toBeNull();
  });

  it('words rates and durations', () => {
    expect(formatRate(1_572_864)).toBe('1.5 MB/s');
    expect(formatRate(900)).toBe('900 B/s');
    expect(formatLeft(42)).toBe('42 s left');
    expect(formatLeft(190)).toBe('3 min left');
    expect(formatLeft(3 * 3600 + 600)).toBe('3 h 10 min left');
  });
});

import { describe, expect, it } from 'vitest';
import { cappedMaxrate, jitBandwidth, type JitLoad } from './jit-bandwidth.js';
import { segmentGrid } from './segment-grid.js';
import { gridTargetDuration } from './vod-media-playlist.js';

function load(
  duration: number,
  segmentSeconds: number,
  video: JitLoad['video'],
  audio: number | null,
): JitLoad {
  const grid = segmentGrid(duration, segmentSeconds);
  return { grid, targetDuration: gridTargetDuration(grid), video, audioBitrate: audio };
}

describe('jitBandwidth', () => {
  it('bounds a VBV encode by maxrate plus the buffer over the shortest run RFC 8216 measures', () => {
    const vbv = {
      kind: 'vbv',
      bitrate: 1_000_000,
      maxrate: 1_100_000,
      bufsize: 2_000_000,
      frameRate: 30,
    } as const;
    // 60 s on a 4 s grid: every run is one 4 s segment.
    const even = jitBandwidth(load(60, 4, vbv, null));
    expect(even.peak).toBeGreaterThan(1_100_000 + 2_000_000 / 4);
    expect(even.peak).toBeLessThan((1_100_000 + 2_000_000 / 4) * 1.1);
    // A 2.5 s tail is measured alone: the same buffer over fewer seconds.
    const tail = jitBandwidth(load(62.5, 4, vbv, null));
    expect(tail.peak).toBeGreaterThan(1_100_000 + 2_000_000 / 2.5);
    expect(even.average).toBeGreaterThan(1_000_000);
    expect(even.average).toBeLessThan(1_100_000);
  });

  it('counts the audio at its peak, and MPEG-TS overhead that matters most at low rates', () => {
    const vbv = { kind: 'vbv', bitrate: 200_000, maxrate: 220_000, bufsize: 400_000, frameRate: 30 } as const;
    const silent = jitBandwidth(load(60, 4, vbv, null));
    const voiced = jitBandwidth(load(60, 4, vbv, 128_000));
    expect(voiced.peak - silent.peak).toBeGreaterThan(128_000 * 1.1);
    expect(voiced.average - silent.average).toBeGreaterThan(128_000);
    // Tables (PAT, PMT, SDT) and a PES per frame: tens of kb/s whatever the video's rate.
    expect(silent.average).toBeGreaterThan(200_000 + 40_000);
  });

  it('measures copied video from its bytes per segment', () => {
    const grid = segmentGrid(12, 4);
    const bytes = [500_000, 1_000_000, 250_000];
    const copied = jitBandwidth({
      grid,
      targetDuration: 4,
      video: { kind: 'copied', bytes, frameRate: 25 },
      audioBitrate: null,
    });
    expect(copied.peak).toBeGreaterThan((1_000_000 * 8) / 4);
    expect(copied.peak).toBeLessThan((1_000_000 * 8 * 1.05) / 4 + 100_000);
  });
});

describe('cappedMaxrate', () => {
  it('gives the highest maxrate whose promise fits the cap, tail segments included', () => {
    for (const [duration, segmentSeconds, cap] of [
      [10.021, 2, 600_000],
      [61, 4, 1_500_000],
      [3, 4, 400_000],
    ] as const) {
      const base = load(duration, segmentSeconds, { kind: 'none' }, 128_000);
      const maxrate = cappedMaxrate({ ...base, frameRate: 30 }, cap, 0.5);
      const promised = jitBandwidth({
        ...base,
        video: { kind: 'vbv', bitrate: maxrate / 1.1, maxrate, bufsize: maxrate / 2, frameRate: 30 },
      });
      expect(promised.peak).toBeLessThanOrEqual(cap);
      expect(promised.peak).toBeGreaterThan(cap - 2_000);
    }
  });

  it('is 0 when the audio and the muxer alone exceed the cap', () => {
    const base = load(60, 4, { kind: 'none' }, 320_000);
    expect(cappedMaxrate({ ...base, frameRate: 30 }, 300_000, 0.5)).toBe(0);
  });
});

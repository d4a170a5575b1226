import { describe, expect, it } from 'vitest';
import { FrameCrcReader } from './frame-crc-read.js';
import { LiveInputStats } from './live-input-stats.js';

const HEADER = `#tb 0: 1/1000
#media_type 0: video
#codec_id 0: h264
#dimensions 0: 1280x720
#sar 0: 1/1
#tb 1: 1/1000
#media_type 1: audio
#codec_id 1: aac
#sample_rate 1: 48000
#channel_layout_name 1: stereo
`;

describe('the live input as the listener reports it', () => {
  it('reads the streams once and each packet, a keyframe being a line without flags, across split chunks', () => {
    const reader = new FrameCrcReader();
    const text = `${HEADER}0,          0,          0,       33,    27118, 0x2e7b9b6b, S=1,        1\n0,         33,         33,       33,     4000, 0x643ed4aa, F=0x0\n1,          0,          0,       21,      265, 0x215b7c46\n`;
    const a = reader.push(text.slice(0, 200));
    const b = reader.push(text.slice(200));
    const streams = a.streams ?? b.streams;
    expect(streams).toEqual([
      expect.objectContaining({ index: 0, mediaType: 'video', codec: 'h264', width: 1280, height: 720 }),
      expect.objectContaining({
        index: 1,
        mediaType: 'audio',
        codec: 'aac',
        sampleRate: 48000,
        channelLayout: 'stereo',
      }),
    ]);
    expect([...a.packets, ...b.packets]).toEqual([
      { stream: 0, pts: 0, bytes: 27118, keyframe: true },
      { stream: 0, pts: 0.033, bytes: 4000, keyframe: false },
      { stream: 1, pts: 0, bytes: 265, keyframe: true },
    ]);
  });

  it('measures bitrate, frame rate and keyframe interval, and anchors the clock on the least-delayed packet', () => {
    const stats = new LiveInputStats(0);
    const t0 = 1_000_000;
    for (let i = 0; i < 90; i++) {
      // 30 fps, a keyframe every 2 s, 10 kB per frame; the first second arrives 300 ms late in one burst.
      const late = i < 30 ? 300 - i * 10 : 0;
      stats.add(
        { stream: 0, pts: i / 30, bytes: 10_000, keyframe: i % 60 === 0 },
        t0 + (i * 1000) / 30 + late,
      );
    }
    const h = stats.health();
    expect(h.frameRate).toBeCloseTo(30, 0);
    expect(h.keyframeInterval).toBe(2);
    expect(h.bitrate).toBeGreaterThan(2_300_000);
    expect(h.bitrate).toBeLessThan(2_500_000);
    expect(stats.wallTimeOf(0)).toBeCloseTo(t0, 0);
    expect(stats.keyframePts()).toEqual([0, 2]);
  });
});

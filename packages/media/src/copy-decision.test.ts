import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER_OPTIONS, planLadder, type LadderOptions } from './ladder-plan.js';
import type { VideoStreamInfo } from './media-info.js';
import { media, video } from '../test-support/media-info-fixtures.js';

/** A 1080p30 H.264 yuv420p source at 5 Mbps with 2 s GOPs: everything a copy needs. */
const copyable = (over: Partial<VideoStreamInfo> = {}): VideoStreamInfo =>
  video({ bitrate: 5_000_000, ...over });
const plan = (v: VideoStreamInfo, over: Partial<LadderOptions> = {}) =>
  planLadder(media(v), { ...DEFAULT_LADDER_OPTIONS, ...over });

describe('copy decision', () => {
  it('copies the top rung of a sane H.264 source and says why', () => {
    const p = plan(copyable());
    expect(p.copyDecision.copy).toBe(true);
    expect(p.rungs[0]).toMatchObject({ name: '1080p', mode: 'copy', videoBitrate: 5_000_000 });
    expect(p.rungs.slice(1).every((r) => r.mode === 'encode')).toBe(true);
    expect(p.keyframes).toBe('source');
    expect(p.copyDecision.reasons.join('; ')).toMatch(
      /h264 .*yuv420p.*1080p.*5\.00 Mbps.*every 2 s divide the 4 s/,
    );
  });

  it('accepts a 29.97 fps source whose 60-frame GOP is 2.002 s', () => {
    const p = plan(copyable({ frameRate: 29.97, keyframeInterval: { min: 2.002, max: 2.002, mean: 2.002 } }));
    expect(p.copyDecision.copy).toBe(true);
  });

  const rejections: [string, VideoStreamInfo, Partial<LadderOptions>, RegExp][] = [
    ['copy disabled', copyable(), { allowCopy: false }, /disabled by configuration/],
    ['not h264', copyable({ codec: 'hevc', profile: 'Main' }), {}, /codec hevc is not h264/],
    [
      '10-bit',
      copyable({ pixelFormat: 'yuv420p10le', profile: 'High 10' }),
      {},
      /yuv420p10le is not yuv420p/,
    ],
    ['4:2:2 profile', copyable({ profile: 'High 4:2:2' }), {}, /profile High 4:2:2/],
    ['rotated', copyable({ rotation: 90, width: 1080, height: 1920 }), {}, /rotated 90/],
    ['interlaced', copyable({ interlaced: true }), {}, /interlaced/],
    [
      'downscaled top',
      copyable({ width: 2560, height: 1440 }),
      {},
      /top rung 1080p is not the source height 1440p/,
    ],
    ['bitrate too high', copyable({ bitrate: 20_000_000 }), {}, /20\.00 Mbps exceeds 1\.5x the planned/],
    ['bitrate unknown', copyable({ bitrate: null }), {}, /bitrate unknown/],
    ['keyframes unknown', copyable({ keyframeInterval: null }), {}, /keyframe interval unknown/],
    [
      'irregular keyframes',
      copyable({ keyframeInterval: { min: 0.5, max: 4, mean: 2 } }),
      {},
      /irregular \(0\.5 s to 4 s\)/,
    ],
    [
      'interval not dividing the segment',
      copyable({ keyframeInterval: { min: 3, max: 3, mean: 3 } }),
      {},
      /3 s does not divide the 4 s segment/,
    ],
    [
      'interval longer than the segment',
      copyable({ keyframeInterval: { min: 8, max: 8, mean: 8 } }),
      {},
      /8 s does not divide/,
    ],
    ['frame rate reduced', copyable({ frameRate: 120 }), {}, /frame rate 120 is reduced/],
  ];

  for (const [what, v, over, reason] of rejections) {
    it(`encodes every rung when ${what}`, () => {
      const p = plan(v, over);
      expect(p.copyDecision.copy).toBe(false);
      expect(p.copyDecision.reasons.some((r) => reason.test(r))).toBe(true);
      expect(p.rungs.every((r) => r.mode === 'encode')).toBe(true);
      expect(p.keyframes).toBe('segment-grid');
    });
  }

  it('lists every failed condition, not just the first', () => {
    const p = plan(copyable({ codec: 'vp9', pixelFormat: 'yuv444p', keyframeInterval: null }));
    expect(p.copyDecision.reasons).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import {
  adaptLivePlan,
  DEFAULT_LIVE_LADDER_OPTIONS,
  planLiveLadder,
  type LiveInputInfo,
} from './live-ladder-plan.js';

const hd: LiveInputInfo = {
  video: { codec: 'h264', width: 1920, height: 1080, frameRate: 30 },
  audio: { codec: 'aac', sampleRate: 48000 },
  keyframeInterval: 2,
};

describe('a live ladder', () => {
  it('copies a 1080p H.264 input with 2 s keyframes over encoded 720p and 360p', () => {
    const plan = planLiveLadder(hd, DEFAULT_LIVE_LADDER_OPTIONS);
    expect(plan.rungs.map((r) => [r.name, r.width, r.height, r.mode])).toEqual([
      ['1080p', 1920, 1080, 'copy'],
      ['720p', 1280, 720, 'encode'],
      ['360p', 640, 360, 'encode'],
    ]);
    expect(plan.audio).toEqual({ name: 'audio', bitrate: 128_000 });
  });

  it('never goes above the input, and encodes when it cannot copy, saying why', () => {
    const small = planLiveLadder(
      { ...hd, video: { codec: 'hevc', width: 854, height: 480, frameRate: 25 }, keyframeInterval: 10 },
      DEFAULT_LIVE_LADDER_OPTIONS,
    );
    expect(small.rungs.map((r) => [r.name, r.mode])).toEqual([
      ['480p', 'encode'],
      ['360p', 'encode'],
    ]);
    expect(small.copyReasons).toEqual([
      'input codec hevc, not h264',
      'input keyframe interval 10 s is longer than the 2 s segments',
    ]);
    const big = planLiveLadder(
      { ...hd, video: { ...hd.video!, width: 3840, height: 2160 } },
      DEFAULT_LIVE_LADDER_OPTIONS,
    );
    expect(big.rungs[0]).toMatchObject({ name: '1080p', width: 1920, height: 1080, mode: 'encode' });
    const near = planLiveLadder(
      { ...hd, video: { ...hd.video!, width: 1280, height: 768 } },
      DEFAULT_LIVE_LADDER_OPTIONS,
    );
    // 720p is too close to the input's 768 to be worth a rung.
    expect(near.rungs.map((r) => r.name)).toEqual(['768p', '360p']);
  });

  it('plans an audio-only and a video-only input', () => {
    expect(planLiveLadder({ ...hd, video: null }, DEFAULT_LIVE_LADDER_OPTIONS)).toMatchObject({
      rungs: [],
      audio: { name: 'audio' },
    });
    expect(planLiveLadder({ ...hd, audio: null }, DEFAULT_LIVE_LADDER_OPTIONS).audio).toBeNull();
  });

  it("keeps the lecture's rungs for a later run, encoding the top one when the new input cannot be copied into it", () => {
    const plan = planLiveLadder(hd, DEFAULT_LIVE_LADDER_OPTIONS);
    const same = adaptLivePlan(plan, hd, DEFAULT_LIVE_LADDER_OPTIONS);
    expect(same.rungs.map((r) => r.mode)).toEqual(['copy', 'encode', 'encode']);
    const smaller = adaptLivePlan(
      plan,
      { ...hd, video: { ...hd.video!, width: 1280, height: 720 } },
      DEFAULT_LIVE_LADDER_OPTIONS,
    );
    expect(smaller.rungs.map((r) => [r.name, r.width, r.mode])).toEqual([
      ['1080p', 1920, 'encode'],
      ['720p', 1280, 'encode'],
      ['360p', 640, 'encode'],
    ]);
    expect(adaptLivePlan(plan, { ...hd, audio: null }, DEFAULT_LIVE_LADDER_OPTIONS).audio).toBeNull();
  });
});

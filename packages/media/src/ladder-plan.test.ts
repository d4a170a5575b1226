import { describe, expect, it } from 'vitest';
import { targetVideoBitrate } from './ladder-bitrate.js';
import { DEFAULT_LADDER_OPTIONS, planLadder, type LadderOptions } from './ladder-plan.js';
import { MediaError } from './media-error.js';
import { AUDIO, media, video } from '../test-support/media-info-fixtures.js';

const opts = (over: Partial<LadderOptions> = {}): LadderOptions => ({ ...DEFAULT_LADDER_OPTIONS, ...over });

describe('planLadder: rungs', () => {
  it('plans the configured heights for a 1080p source, highest first, keeping the aspect ratio', () => {
    const plan = planLadder(media(video()), opts());
    expect(plan.rungs.map((r) => [r.name, r.width, r.height])).toEqual([
      ['1080p', 1920, 1080],
      ['720p', 1280, 720],
      ['480p', 854, 480],
      ['360p', 640, 360],
    ]);
    expect(plan.qualities).toEqual(['1080p', '720p', '480p', '360p']);
    expect(plan.audio).toEqual({ bitrate: 128_000, channels: 2, sampleRate: 48_000 });
  });

  it('never upscales: a 720p source gets no 1080p rung', () => {
    const plan = planLadder(media(video({ width: 1280, height: 720 })), opts());
    expect(plan.qualities).toEqual(['720p', '480p', '360p']);
    expect(Math.max(...plan.rungs.map((r) => r.height))).toBeLessThanOrEqual(720);
  });

  it('gives a source below every configured height one rung at its own height', () => {
    const plan = planLadder(media(video({ width: 426, height: 240 })), opts());
    expect(plan.rungs.map((r) => [r.name, r.width, r.height])).toEqual([['240p', 426, 240]]);
  });

  it('caps a 1440p source at the largest configured height', () => {
    const plan = planLadder(media(video({ width: 2560, height: 1440 })), opts());
    expect(plan.qualities).toEqual(['1080p', '720p', '480p', '360p']);
    expect(plan.copyDecision.copy).toBe(false);
  });

  it('adds the source height when it is well above the next rung, but not when it is close', () => {
    const p900 = planLadder(media(video({ width: 1600, height: 900 })), opts());
    expect(p900.qualities).toEqual(['900p', '720p', '480p', '360p']);
    expect(p900.rungs[0]).toMatchObject({ width: 1600, height: 900 });
    const p800 = planLadder(media(video({ width: 1422, height: 800 })), opts());
    expect(p800.qualities).toEqual(['720p', '480p', '360p']);
  });

  it('plans portrait video on its short side', () => {
    const plan = planLadder(media(video({ width: 1080, height: 1920 })), opts({ heights: [720, 360] }));
    expect(plan.rungs.map((r) => [r.name, r.width, r.height])).toEqual([
      ['720p', 720, 1280],
      ['360p', 360, 640],
    ]);
  });

  it('rounds widths to even numbers', () => {
    const plan = planLadder(media(video({ width: 1440, height: 1080 })), opts({ heights: [1080, 350] }));
    for (const r of plan.rungs) expect(r.width % 2).toBe(0);
    expect(plan.rungs[1]).toMatchObject({ width: 466, height: 350 });
  });
});

describe('planLadder: bitrates', () => {
  it('uses the bpp table, with maxrate 1.1x and bufsize 2x', () => {
    const plan = planLadder(media(video()), opts());
    const top = plan.rungs[0]!;
    expect(top.videoBitrate).toBe(targetVideoBitrate(1920, 1080, 30));
    expect(top.videoBitrate).toBeGreaterThan(4_500_000);
    expect(top.videoBitrate).toBeLessThan(5_500_000);
    expect(top.maxrate).toBe(Math.round((top.videoBitrate * 1.1) / 1000) * 1000);
    expect(top.bufsize).toBe(top.videoBitrate * 2);
    const rates = plan.rungs.map((r) => r.videoBitrate);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
  });

  it('never gives a rung more bits than the source has', () => {
    const plan = planLadder(media(video({ bitrate: 1_000_000 })), opts());
    expect(plan.rungs[0]!.videoBitrate).toBe(1_000_000);
    for (const r of plan.rungs) expect(r.videoBitrate).toBeLessThanOrEqual(1_000_000);
    // Lower rungs are capped below the source too, in proportion to their size.
    expect(plan.rungs[1]!.videoBitrate).toBeLessThan(1_000_000);
  });

  it('estimates the source video bitrate from the container when the stream has none', () => {
    const info = { ...media(video({ bitrate: null })), bitrate: 1_192_000 };
    const plan = planLadder(info, opts());
    expect(plan.rungs[0]!.videoBitrate).toBe(1_000_000);
  });

  it('costs more bits at 60 fps, sub-linearly', () => {
    const r30 = targetVideoBitrate(1280, 720, 30);
    const r60 = targetVideoBitrate(1280, 720, 60);
    expect(r60 / r30).toBeGreaterThan(1.5);
    expect(r60 / r30).toBeLessThan(1.8);
  });

  it('halves frame rates above 60 and sets the GOP to one segment', () => {
    const plan = planLadder(media(video({ frameRate: 120 })), opts());
    expect(plan.frameRate).toBe(60);
    expect(plan.forceFrameRate).toBe(60);
    expect(plan.gopFrames).toBe(240);
    const ntsc = planLadder(media(video({ frameRate: 29.97 })), opts());
    expect(ntsc.forceFrameRate).toBeNull();
    expect(ntsc.gopFrames).toBe(120);
  });

  it('keeps a screen recording’s own frames: average bits on its frames, peak and GOP on its nominal rate', () => {
    const screen = video({ frameRate: 4.55, nominalFrameRate: 30, variableFrameRate: true, bitrate: null });
    const plan = planLadder(media(screen), opts());
    expect(plan).toMatchObject({
      frameTiming: 'variable',
      frameRate: 30,
      gopFrames: 120,
      forceFrameRate: null,
    });
    expect(plan.minFrameInterval).toBeNull();
    const top = plan.rungs[0]!;
    expect(top.videoBitrate).toBe(targetVideoBitrate(1920, 1080, 4.55));
    // A scroll at 30 fps may spend what a 30 fps rung would.
    expect(top.maxrate).toBe(Math.round((targetVideoBitrate(1920, 1080, 30) * 1.1) / 1000) * 1000);
    const steady = planLadder(media(video({ frameRate: 29.6, nominalFrameRate: 30 })), opts());
    expect(steady).toMatchObject({ frameTiming: 'constant', frameRate: 29.6 });
    expect(steady.rungs[0]!.maxrate).toBe(Math.round((steady.rungs[0]!.videoBitrate * 1.1) / 1000) * 1000);
  });

  it('caps a variable-rate source’s bursts at the halved nominal rate, without making it constant', () => {
    const fast = video({ frameRate: 20, nominalFrameRate: 120, variableFrameRate: true });
    const plan = planLadder(media(fast), opts());
    expect(plan).toMatchObject({
      frameTiming: 'variable',
      frameRate: 60,
      gopFrames: 240,
      forceFrameRate: null,
    });
    expect(plan.minFrameInterval).toBeGreaterThan(1 / 60 - 0.001);
    expect(plan.minFrameInterval).toBeLessThan(1 / 60);
  });

  it('keeps audio at most at the configured bitrate and the source’s own (64 kbps floor)', () => {
    expect(planLadder(media(video(), { ...AUDIO, bitrate: 96_000 }), opts()).audio!.bitrate).toBe(96_000);
    expect(planLadder(media(video(), { ...AUDIO, bitrate: 32_000 }), opts()).audio!.bitrate).toBe(64_000);
  });
});

describe('planLadder: sources without video or audio', () => {
  it('plans an audio-only source as one audio rendition', () => {
    const plan = planLadder(media(null), opts());
    expect(plan.rungs).toEqual([]);
    expect(plan.qualities).toEqual(['audio']);
    expect(plan.audio).not.toBeNull();
    expect(plan.copyDecision.copy).toBe(false);
  });

  it('plans a video without audio as video rungs only', () => {
    const plan = planLadder(media(video(), null), opts());
    expect(plan.audio).toBeNull();
    expect(plan.sourceStreams).toEqual({ video: 0, audio: null });
    expect(plan.qualities).toEqual(['1080p', '720p', '480p', '360p']);
  });

  it('throws no_streams when there is nothing to transcode', () => {
    let thrown: unknown = null;
    try {
      planLadder(media(null, null), opts());
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MediaError);
    expect((thrown as MediaError).type).toBe('no_streams');
  });
});

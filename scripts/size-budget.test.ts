import { describe, expect, it } from 'vitest';
import {
  measureProgressSize,
  measureSdkSize,
  measureTracksSize,
  measureLiveSize,
  LIVE_BUDGET_BYTES,
  PROGRESS_BUDGET_BYTES,
  SDK_BUDGET_BYTES,
  TRACKS_BUDGET_BYTES,
} from './size-budget.js';

describe('the player SDK size budget (scripts/size-budget.ts)', () => {
  it('keeps the single-file build within 10 KB min+gzip, without hls.js', async () => {
    const r = await measureSdkSize();
    expect(r.gzip, `${r.gzip} B min+gzip`).toBeLessThanOrEqual(SDK_BUDGET_BYTES);
    // The build really is the SDK: its public entry points are in it, hls.js is not.
    const { buildIife } = await import('../packages/player-sdk/iife-build.js');
    const code = await buildIife();
    expect(code).toContain('CoursecastPlayerSDK');
    expect(code).toContain('content.video_startup');
    expect(code).not.toMatch(/hlsjs|Hls\.DefaultConfig/);
    expect(r.minified).toBeGreaterThan(5000);
  });

  it('keeps the progress entry (pages opened from an LMS) within its own 1 KB, apart from the core', async () => {
    const r = await measureProgressSize();
    expect(r.gzip, `${r.gzip} B min+gzip`).toBeLessThanOrEqual(PROGRESS_BUDGET_BYTES);
    const { buildProgressEntry } = await import('../packages/player-sdk/iife-build.js');
    const code = await buildProgressEntry();
    expect(code).toContain('keepalive');
    // Nothing of the core comes with it.
    expect(code).not.toContain('content.video_startup');
  });

  it('keeps the tracks entry (pages with caption or audio tracks) within its own 2 KB, apart from the core', async () => {
    const r = await measureTracksSize();
    expect(r.gzip, `${r.gzip} B min+gzip`).toBeLessThanOrEqual(TRACKS_BUDGET_BYTES);
    const { buildTracksEntry } = await import('../packages/player-sdk/iife-build.js');
    const code = await buildTracksEntry();
    expect(code).toContain('content.track_usage');
    // Nothing of the core's view tracker comes with it.
    expect(code).not.toContain('content.video_startup');
  });

  it('keeps the live entry (live lectures only) within its own 2 KB, apart from the core', async () => {
    const r = await measureLiveSize();
    expect(r.gzip, `${r.gzip} B min+gzip`).toBeLessThanOrEqual(LIVE_BUDGET_BYTES);
    const { buildLiveEntry } = await import('../packages/player-sdk/iife-build.js');
    const code = await buildLiveEntry();
    expect(code).toContain('content.live_latency');
    expect(code).not.toContain('content.video_startup');
  });
});

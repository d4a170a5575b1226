import {
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_SWITCH_REASON,
  ATTR_VIEW_END_REASON,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { describe, expect, it, vi } from 'vitest';
import { bindHls, levelLabel } from './hls-adapter.js';
import { FakeHls } from '../test-support/fake-hls.js';
import { guardRig, trackerRig } from '../test-support/tracker-rig.js';

const E = PLAYBACK_EVENTS;

function rig() {
  let t = 1000;
  const hls = new FakeHls();
  const tr = trackerRig(() => t);
  const { guard, first } = guardRig();
  const onDestroying = vi.fn();
  const binding = bindHls({ hls: hls.like, tracker: tr.tracker, guard, now: () => t, onDestroying });
  const switches = () =>
    tr
      .named(E.qualitySwitch)
      .map((e) => [
        e.attributes[ATTR_QUALITY_FROM],
        e.attributes[ATTR_QUALITY_TO],
        e.attributes[ATTR_SWITCH_REASON],
      ]);
  return {
    ...tr,
    hls,
    guard,
    first,
    binding,
    onDestroying,
    switches,
    advance: (ms: number) => (t += ms),
    now: () => t,
  };
}

const nonFatal = (details: string) => ({ type: 'networkError', details, fatal: false });

describe('levelLabel', () => {
  it('labels a rendition by height, else by bitrate', () => {
    expect(levelLabel({ bitrate: 2_800_000, height: 720 })).toBe('720p');
    expect(levelLabel({ bitrate: 800_000 })).toBe('800k');
    expect(levelLabel({ bitrate: 64_499 })).toBe('64k');
    expect(levelLabel({ bitrate: 0 })).toBeUndefined();
    expect(levelLabel(undefined)).toBeUndefined();
  });
});

describe('bindHls', () => {
  it('does not report the first rendition, then reports switches up and down', () => {
    const r = rig();
    r.tracker.intent(r.now());
    r.hls.emit('hlsLevelSwitched', { level: 0 });
    expect(r.switches()).toEqual([]);
    expect(r.binding.quality()).toBe('360p');
    r.hls.emit('hlsLevelSwitched', { level: 2 });
    r.hls.emit('hlsLevelSwitched', { level: 2 });
    r.hls.emit('hlsLevelSwitched', { level: 1 });
    expect(r.switches()).toEqual([
      ['360p', '1080p', 'abr_up'],
      ['1080p', '720p', 'abr_down'],
    ]);
    expect(r.binding.quality()).toBe('720p');
  });

  it('calls a switch manual when the application fixed the level', () => {
    const r = rig();
    r.tracker.intent(r.now());
    r.hls.emit('hlsLevelSwitched', { level: 0 });
    r.hls.autoLevelEnabled = false;
    r.hls.emit('hlsLevelSwitched', { level: 2 });
    expect(r.switches()).toEqual([['360p', '1080p', 'manual']]);
  });

  it('labels a rendition without height by bitrate, or by index when it has neither', () => {
    const r = rig();
    r.hls.levels = [{ bitrate: 500_000 }, { bitrate: 0 }];
    r.tracker.intent(r.now());
    r.hls.emit('hlsLevelSwitched', { level: 1 });
    r.hls.emit('hlsLevelSwitched', { level: 0 });
    expect(r.switches()).toEqual([['1', '500k', 'abr_up']]);
  });

  it('takes a stall report as a buffering signal, not an error', () => {
    const r = rig();
    const stalled = vi.spyOn(r.tracker, 'stalled');
    r.tracker.intent(r.now());
    r.advance(40);
    r.hls.emit('hlsError', { type: 'mediaError', details: 'bufferStalledError', fatal: false });
    expect(stalled).toHaveBeenCalledWith(1040);
    expect(r.named(E.playbackError)).toHaveLength(0);
  });

  it('reports a non-fatal error at most 10 times per view and kind', () => {
    const r = rig();
    r.tracker.intent(r.now());
    for (let i = 0; i < 15; i++) r.hls.emit('hlsError', nonFatal('fragLoadError'));
    r.hls.emit('hlsError', nonFatal('levelLoadError'));
    const errors = r.named(E.playbackError);
    expect(errors.map((e) => e.attributes[ATTR_ERROR_DETAILS])).toEqual([
      ...Array<string>(10).fill('fragLoadError'),
      'levelLoadError',
    ]);
    expect(errors[0]!.attributes[ATTR_ERROR_FATAL]).toBe(false);
    expect(errors[0]!.attributes[ATTR_ERROR_TYPE]).toBe('networkError');
    // A new view counts again.
    r.tracker.end(r.now(), 'source_change');
    r.tracker.intent(r.now());
    r.hls.emit('hlsError', nonFatal('fragLoadError'));
    expect(r.named(E.playbackError)).toHaveLength(12);
  });

  it('reports a fatal error as one that ended playback, starting a view if none was live', () => {
    const r = rig();
    r.hls.emit('hlsError', { type: 'networkError', details: 'manifestLoadError', fatal: true });
    expect(r.names()).toEqual([E.viewStart, E.playbackError]);
    const err = r.named(E.playbackError)[0]!;
    expect(err.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'networkError',
      [ATTR_ERROR_DETAILS]: 'manifestLoadError',
      [ATTR_ERROR_FATAL]: true,
    });
    expect(r.urgencies[1]).toBe('now');
  });

  it('ends the live view when a new manifest starts loading', () => {
    const r = rig();
    r.hls.emit('hlsManifestLoading', { url: 'https://cdn.example/a/master.m3u8' });
    r.tracker.intent(r.now());
    r.hls.emit('hlsLevelSwitched', { level: 1 });
    // Reloading the same source is not a new one.
    r.hls.emit('hlsManifestLoading', { url: 'https://cdn.example/a/master.m3u8' });
    expect(r.named(E.viewEnd)).toHaveLength(0);
    r.hls.emit('hlsManifestLoading', { url: 'https://cdn.example/b/master.m3u8' });
    expect(r.named(E.viewEnd).map((e) => e.attributes[ATTR_VIEW_END_REASON])).toEqual(['source_change']);
    expect(r.tracker.live()).toBe(false);
    // The new source's first rendition is its start, not a switch.
    r.tracker.intent(r.now());
    r.hls.emit('hlsLevelSwitched', { level: 0 });
    expect(r.switches()).toEqual([]);
  });

  it('does not end anything when the first manifest loads during a view', () => {
    const r = rig();
    r.tracker.intent(r.now());
    r.hls.emit('hlsManifestLoading', { url: 'https://cdn.example/a/master.m3u8' });
    expect(r.tracker.live()).toBe(true);
  });

  it('tells the monitor when hls.js is destroyed', () => {
    const r = rig();
    r.hls.emit('hlsDestroying', {});
    expect(r.onDestroying).toHaveBeenCalledTimes(1);
  });

  it('reads the bandwidth estimate only when it is a positive number', () => {
    const r = rig();
    r.hls.bandwidthEstimate = 4_200_000.6;
    expect(r.binding.bandwidth()).toBe(4_200_001);
    for (const bad of [0, NaN, Infinity, undefined]) {
      r.hls.bandwidthEstimate = bad;
      expect(r.binding.bandwidth()).toBeUndefined();
    }
  });

  it('catches and counts what a listener throws', () => {
    const r = rig();
    expect(() => r.hls.emit('hlsLevelSwitched', null)).not.toThrow();
    expect(() => r.hls.emit('hlsError', undefined)).not.toThrow();
    expect(r.guard.count()).toBe(2);
    expect(r.first).toEqual(['hls.level', 'hls.error']);
  });

  it('removes every listener on unbind', () => {
    const r = rig();
    expect(r.hls.listenerCount()).toBe(4);
    r.binding.unbind();
    expect(r.hls.listenerCount()).toBe(0);
    r.hls.emit('hlsError', { type: 'networkError', details: 'manifestLoadError', fatal: true });
    r.hls.emit('hlsDestroying', {});
    expect(r.events).toHaveLength(0);
    expect(r.onDestroying).not.toHaveBeenCalled();
  });
});

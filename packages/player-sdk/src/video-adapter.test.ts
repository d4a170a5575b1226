import {
  ATTR_BUFFER_LENGTH_S,
  ATTR_DROPPED_FRAMES,
  ATTR_ERROR_DETAILS,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_PLAYER_DPR,
  ATTR_PLAYER_HEIGHT,
  ATTR_PLAYER_WIDTH,
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_STARTUP_MS,
  ATTR_SWITCH_REASON,
  ATTR_VIEW_END_REASON,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeVideo } from '../test-support/fake-media.js';
import { guardRig, trackerRig } from '../test-support/tracker-rig.js';
import { bindVideo, videoQuality } from './video-adapter.js';

const E = PLAYBACK_EVENTS;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** bindVideo on a fake element, a real tracker and the (faked) global timers. */
function rig(setup: (v: FakeVideo) => void = () => {}, hlsAttached = false) {
  const video = new FakeVideo();
  video.currentSrc = 'https://cdn.example/a.mp4';
  setup(video);
  const now = () => performance.now();
  const tr = trackerRig(now, { position: () => video.currentTime });
  const { guard, first } = guardRig();
  const timers = {
    setInterval: vi.fn((fn: () => void, ms: number) => setInterval(fn, ms)),
    clearInterval: vi.fn((h: unknown) => clearInterval(h as ReturnType<typeof setInterval>)),
  };
  const binding = bindVideo({ video: video.element, tracker: tr.tracker, guard, now, hlsAttached, timers });
  /** Lets `ms` pass in poll steps, the playhead moving with the clock when `moving`. */
  const run = (ms: number, moving: boolean) => {
    for (let left = ms; left > 0; left -= 25) {
      if (moving) video.currentTime += 0.025;
      vi.advanceTimersByTime(25);
    }
  };
  const play = () => {
    video.paused = false;
    video.fire('play');
  };
  return { ...tr, video, guard, first, timers, binding, run, play, now };
}

describe('bindVideo', () => {
  it('starts a view on play and reports startup once the polled playhead moves', () => {
    const r = rig();
    r.play();
    expect(r.names()).toEqual([E.viewStart]);
    expect(r.timers.setInterval).toHaveBeenCalledTimes(1);
    expect(r.timers.setInterval.mock.calls[0]![1]).toBe(25);
    r.run(200, false);
    expect(r.named(E.videoStartup)).toHaveLength(0);
    r.video.readyState = 4;
    r.run(500, true);
    const startup = r.named(E.videoStartup);
    expect(startup).toHaveLength(1);
    expect(startup[0]!.attributes[ATTR_STARTUP_MS]).toBe(200);
    // A second play while playing neither starts a view nor a second poll.
    r.video.fire('play');
    expect(r.named(E.viewStart)).toHaveLength(1);
    expect(r.timers.setInterval).toHaveBeenCalledTimes(1);
  });

  it('stops polling while paused and resumes on play', () => {
    const r = rig();
    r.play();
    r.run(100, true);
    expect(vi.getTimerCount()).toBe(1);
    r.video.paused = true;
    r.video.fire('pause');
    expect(r.timers.clearInterval).toHaveBeenCalledWith(r.timers.setInterval.mock.results[0]!.value);
    expect(vi.getTimerCount()).toBe(0);
    r.play();
    expect(vi.getTimerCount()).toBe(1);
    expect(r.named(E.viewStart)).toHaveLength(1);
  });

  it('ends the view at ended, without taking the pause that comes with it for the learner’s', () => {
    const r = rig();
    const pause = vi.spyOn(r.tracker, 'pause');
    r.play();
    r.run(500, true);
    r.video.paused = true;
    r.video.ended = true;
    r.video.fire('pause');
    r.video.fire('ended');
    expect(pause).not.toHaveBeenCalled();
    expect(r.named(E.viewEnd).map((e) => e.attributes[ATTR_VIEW_END_REASON])).toEqual(['ended']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a media error as fatal when no hls.js plays into the element', () => {
    const r = rig();
    r.video.error = { code: 3, message: 'PIPELINE_ERROR_DECODE' };
    r.video.fire('error');
    expect(r.names()).toEqual([E.viewStart, E.playbackError]);
    expect(r.named(E.playbackError)[0]!.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'mediaError',
      [ATTR_ERROR_DETAILS]: 'MEDIA_ERR_DECODE: PIPELINE_ERROR_DECODE',
      [ATTR_ERROR_FATAL]: true,
    });
    r.video.error = { code: 4, message: '' };
    r.video.fire('error');
    expect(r.named(E.playbackError)[1]!.attributes[ATTR_ERROR_DETAILS]).toBe('MEDIA_ERR_SRC_NOT_SUPPORTED');
  });

  it('leaves media errors to hls.js when it is attached', () => {
    const r = rig(() => {}, true);
    r.video.error = { code: 3, message: 'PIPELINE_ERROR_DECODE' };
    r.video.fire('error');
    expect(r.events).toHaveLength(0);
  });

  it('reports a size change of the picture as a quality switch', () => {
    const r = rig();
    r.play();
    r.video.videoHeight = 360;
    r.video.fire('resize'); // the first size is the start, not a switch
    r.video.videoHeight = 720;
    r.video.fire('resize');
    r.video.fire('resize');
    r.video.videoHeight = 480;
    r.video.fire('resize');
    const sw = r
      .named(E.qualitySwitch)
      .map((e) => [
        e.attributes[ATTR_QUALITY_FROM],
        e.attributes[ATTR_QUALITY_TO],
        e.attributes[ATTR_SWITCH_REASON],
      ]);
    expect(sw).toEqual([
      ['360p', '720p', 'abr_up'],
      ['720p', '480p', 'abr_down'],
    ]);
    expect(videoQuality(r.video.element)).toBe('480p');
  });

  it('leaves renditions to hls.js when it is attached', () => {
    const r = rig(() => {}, true);
    r.play();
    for (const h of [360, 720]) {
      r.video.videoHeight = h;
      r.video.fire('resize');
    }
    expect(r.named(E.qualitySwitch)).toHaveLength(0);
  });

  it('ends the live view when a new source starts loading', () => {
    const r = rig();
    r.play();
    r.video.fire('loadstart'); // the same source again
    expect(r.tracker.live()).toBe(true);
    r.video.currentSrc = 'https://cdn.example/b.mp4';
    r.video.fire('loadstart');
    expect(r.named(E.viewEnd).map((e) => e.attributes[ATTR_VIEW_END_REASON])).toEqual(['source_change']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reads the heartbeat extras from the element', () => {
    vi.stubGlobal('devicePixelRatio', 2);
    const r = rig((v) => (v.droppedFrames = 5));
    r.play();
    r.video.droppedFrames = 12;
    r.video.ranges = [
      [0, 4],
      [10, 30],
    ];
    r.video.currentTime = 12.25;
    expect(r.binding.extras()).toEqual({
      [ATTR_PLAYER_WIDTH]: 640,
      [ATTR_PLAYER_HEIGHT]: 360,
      [ATTR_PLAYER_DPR]: 2,
      [ATTR_DROPPED_FRAMES]: 7,
      [ATTR_BUFFER_LENGTH_S]: 17.75,
    });
    // In a gap between ranges nothing is buffered ahead.
    r.video.currentTime = 6;
    expect(r.binding.extras()[ATTR_BUFFER_LENGTH_S]).toBeUndefined();
  });

  it('counts a listener that throws instead of throwing into the player', () => {
    const r = rig();
    vi.spyOn(r.tracker, 'intent').mockImplementation(() => {
      throw new Error('tracker broke');
    });
    expect(() => r.play()).not.toThrow();
    expect(r.guard.count()).toBe(1);
    expect(r.first).toEqual(['video.play']);
  });

  it('counts a poll that throws, and polls on', () => {
    const r = rig();
    r.play();
    const tick = vi.spyOn(r.tracker, 'tick').mockImplementation(() => {
      throw new Error('tick broke');
    });
    r.run(100, true);
    expect(tick).toHaveBeenCalledTimes(4);
    expect(r.guard.count()).toBe(4);
    expect(r.first).toEqual(['poll']);
  });

  it('removes every listener and stops the poll on unbind', () => {
    const r = rig();
    r.play();
    expect(r.video.listenerCount()).toBeGreaterThan(0);
    r.binding.unbind();
    expect(r.video.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    r.video.paused = true;
    r.video.fire('pause');
    r.video.fire('ended');
    expect(r.names()).toEqual([E.viewStart]);
  });

  it('starts the view at once when attached to an element already playing', () => {
    const r = rig((v) => {
      v.paused = false;
      v.currentTime = 42;
      v.videoHeight = 720;
    });
    expect(r.names()).toEqual([E.viewStart]);
    expect(vi.getTimerCount()).toBe(1);
    r.run(100, true);
    expect(r.named(E.videoStartup)).toHaveLength(1);
    // The size it had when attached is where the next switch comes from.
    r.video.videoHeight = 360;
    r.video.fire('resize');
    expect(r.named(E.qualitySwitch)[0]!.attributes).toMatchObject({
      [ATTR_QUALITY_FROM]: '720p',
      [ATTR_QUALITY_TO]: '360p',
    });
  });
});

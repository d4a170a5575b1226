import {
  ATTR_BANDWIDTH_BPS,
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_CONTENT_QUALITY,
  ATTR_HLS_PLAN_MODE,
  ATTR_PLAYER_NAME,
  ATTR_PLAYER_VERSION,
  ATTR_PLAYER_WIDTH,
  ATTR_PLAYING_MS,
  ATTR_POSITION_S,
  ATTR_SDK_ERRORS,
  ATTR_SESSION_ID,
  ATTR_STALL_MS,
  ATTR_VIEW_END_REASON,
  ATTR_VIEW_ID,
  ATTR_VIEWER_ID,
  ATTR_WATCH_MS,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tracesUrlFor } from './default-transport.js';
import { monitor } from './monitor.js';
import type { MonitorOptions } from './monitor-options.js';
import type { SdkEvent, SdkSpan, Transport, Urgency } from './sdk-types.js';
import { FakeHls, type FakeLoader, fakeLoader } from '../test-support/fake-hls.js';
import { CountingTarget, FakeVideo } from '../test-support/fake-media.js';

const E = PLAYBACK_EVENTS;

/** A transport that keeps what it is given. */
class FakeTransport implements Transport {
  events: SdkEvent[] = [];
  urgencies: Urgency[] = [];
  spans: SdkSpan[] = [];
  flushes: string[] = [];
  destroyed = 0;
  event(e: SdkEvent, urgency: Urgency = 'batch') {
    this.events.push(e);
    this.urgencies.push(urgency);
  }
  span(s: SdkSpan) {
    this.spans.push(s);
  }
  flush(mode: 'now' | 'unload') {
    this.flushes.push(mode);
  }
  destroy() {
    this.destroyed++;
  }
  stats() {
    return { sent: 3, dropped: 1, retried: 0, queued: 2 };
  }
}

let win: CountingTarget;
let doc: CountingTarget & { visibilityState: string };
let warn: ReturnType<typeof vi.fn>;

beforeEach(() => {
  vi.useFakeTimers();
  win = new CountingTarget();
  doc = Object.assign(new CountingTarget(), { visibilityState: 'visible' });
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
  vi.stubGlobal('document', doc);
  vi.stubGlobal('navigator', {});
  warn = vi.fn();
  vi.stubGlobal('console', { ...console, warn });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function rig(opts: Partial<MonitorOptions> = {}) {
  const video = new FakeVideo();
  const inner: FakeLoader[] = [];
  const Loader = fakeLoader(inner);
  const hls = new FakeHls({ loader: Loader });
  const transport = new FakeTransport();
  const handle = monitor(video.element, {
    hls: hls.like,
    content: { courseId: 'crs_1', itemId: 'itm_1', planMode: 'vod' },
    transport,
    viewerId: 'learner-7',
    heartbeatMs: 1000,
    ...opts,
  });
  const run = (ms: number, moving = true) => {
    for (let left = ms; left > 0; left -= 25) {
      if (moving && !video.paused) video.currentTime += 0.025;
      vi.advanceTimersByTime(25);
    }
  };
  const play = () => {
    video.paused = false;
    video.readyState = 4;
    video.fire('play');
  };
  const pause = () => {
    video.paused = true;
    video.fire('pause');
  };
  const named = (name: string) => transport.events.filter((e) => e.name === name);
  const reasons = () => named(E.viewEnd).map((e) => e.attributes[ATTR_VIEW_END_REASON]);
  return { video, hls, Loader, inner, transport, handle, run, play, pause, named, reasons };
}

describe('monitor', () => {
  it('measures nothing and attaches nothing for a viewer sampled out', () => {
    const r = rig({ sampleRate: 0 });
    expect(r.handle.measured).toBe(false);
    expect(r.handle.viewerId).toBe('learner-7');
    r.play();
    r.run(30_000);
    r.handle.destroy();
    expect(r.transport.events).toEqual([]);
    expect(r.transport.destroyed).toBe(0);
    expect(r.handle.viewId).toBeNull();
    expect(r.video.listenerCount() + r.hls.listenerCount() + win.listenerCount() + doc.listenerCount()).toBe(
      0,
    );
    expect(vi.getTimerCount()).toBe(0);
    expect(r.hls.config.loader).toBe(r.Loader);
    expect(r.handle.stats()).toEqual({ sent: 0, dropped: 0, retried: 0, queued: 0, sdkErrors: 0 });
  });

  it('honours Do Not Track only when asked to', () => {
    vi.stubGlobal('navigator', { doNotTrack: '1' });
    const off = rig({ respectDoNotTrack: true });
    expect(off.handle.measured).toBe(false);
    expect(off.video.listenerCount()).toBe(0);
    expect(rig().handle.measured).toBe(true);
  });

  it('takes hls.js’ CMCD session id, else its own, as the session id', () => {
    const a = new FakeHls({ cmcd: { sessionId: 'cmcd-sid' } });
    const t = new FakeTransport();
    const h = monitor(new FakeVideo().element, { hls: a.like, content: {}, transport: t, viewerId: 'v' });
    expect(h.sessionId).toBe('cmcd-sid');
    expect(rig().handle.sessionId).toBe('hls-own-session');
  });

  it('sends the content, viewer, session and player with every event', () => {
    const r = rig();
    expect(r.handle.viewId).toBeNull();
    r.play();
    const start = r.named(E.viewStart)[0]!;
    expect(start.attributes).toMatchObject({
      [ATTR_SESSION_ID]: 'hls-own-session',
      [ATTR_VIEWER_ID]: 'learner-7',
      [ATTR_CONTENT_COURSE_ID]: 'crs_1',
      [ATTR_CONTENT_ITEM_ID]: 'itm_1',
      [ATTR_HLS_PLAN_MODE]: 'vod',
      [ATTR_PLAYER_NAME]: 'hls.js',
      [ATTR_PLAYER_VERSION]: '1.7.4',
    });
    expect(r.handle.viewId).toBe(start.attributes[ATTR_VIEW_ID]);
    // The start waits for the first frame (or an error, or the unload): nothing is posted during startup.
    expect(r.transport.urgencies[0]).toBe('batch');
  });

  it('starts the view at once, at the playhead, when the video already plays', () => {
    const video = new FakeVideo();
    Object.assign(video, { paused: false, currentTime: 42, videoHeight: 720 });
    const t = new FakeTransport();
    monitor(video.element, { content: {}, transport: t, viewerId: 'v' });
    expect(t.events.map((e) => e.name)).toEqual([E.viewStart]);
    expect(t.events[0]!.attributes).toMatchObject({
      [ATTR_POSITION_S]: 42,
      [ATTR_CONTENT_QUALITY]: '720p',
      [ATTR_PLAYER_NAME]: 'html5',
    });
  });

  it('traces hls.js’ requests under the view', () => {
    const r = rig();
    r.play();
    const view = r.named(E.viewStart)[0]!;
    const L = r.hls.config.loader;
    new L({} as never).load(
      { url: 'https://cdn.example/s1.m4s', frag: { sn: 1 } },
      {},
      {
        onSuccess: () => {},
        onError: () => {},
        onTimeout: () => {},
      },
    );
    const tp = r.inner[0]!.context!.headers!.traceparent!;
    expect(tp).toMatch(new RegExp(`^00-${view.traceId}-[0-9a-f]{16}-01$`));
    r.inner[0]!.succeed({ loaded: 1000 });
    const span = r.transport.spans[0]!;
    expect(span).toMatchObject({ name: 'GET', traceId: view.traceId, parentSpanId: view.spanId });
    expect(tp.split('-')[2]).toBe(span.spanId);
    const req = r.named(E.request)[0]!;
    expect(req.spanId).toBe(span.spanId);
    expect(req.attributes[ATTR_VIEW_ID]).toBe(r.handle.viewId);
  });

  it('ends the view on pagehide and sends what is queued as a beacon', () => {
    const r = rig();
    r.play();
    r.run(200);
    win.fire('pagehide');
    expect(r.reasons()).toEqual(['pagehide']);
    expect(r.transport.flushes).toEqual(['unload']);
  });

  it('sends what is queued when the page is hidden', () => {
    const r = rig();
    doc.fire('visibilitychange');
    expect(r.transport.flushes).toEqual([]);
    doc.visibilityState = 'hidden';
    doc.fire('visibilitychange');
    expect(r.transport.flushes).toEqual(['unload']);
    expect(r.handle.viewId).toBeNull();
  });

  it('beats with the cumulative figures and the bandwidth estimate, but not while paused', () => {
    const r = rig();
    r.play();
    r.run(1000);
    const beats = r.named(E.heartbeat);
    expect(beats).toHaveLength(1);
    expect(beats[0]!.attributes).toMatchObject({
      [ATTR_WATCH_MS]: 1000,
      [ATTR_STALL_MS]: 0,
      [ATTR_PLAYING_MS]: 950,
      [ATTR_BANDWIDTH_BPS]: 4_200_000,
      [ATTR_PLAYER_WIDTH]: 640,
    });
    r.pause();
    r.run(5000);
    expect(r.named(E.heartbeat)).toHaveLength(1);
    r.play();
    r.run(1000);
    expect(r.named(E.heartbeat)).toHaveLength(2);
  });

  it('ends a view paused longer than inactivityMs, and starts a new one on play', () => {
    const r = rig({ inactivityMs: 5000 });
    r.play();
    r.run(500);
    const first = r.handle.viewId;
    r.pause();
    r.run(5000);
    expect(r.reasons()).toEqual([]);
    r.run(1000);
    expect(r.reasons()).toEqual(['inactivity']);
    expect(r.handle.viewId).toBeNull();
    r.play();
    expect(r.handle.viewId).not.toBeNull();
    expect(r.handle.viewId).not.toBe(first);
  });

  it('ends the view on changeSource and describes the next one with the new content', () => {
    const r = rig();
    r.play();
    r.handle.changeSource({ courseId: 'crs_2', itemId: 'itm_2', planMode: 'transcode' });
    const end = r.named(E.viewEnd)[0]!;
    expect(end.attributes[ATTR_VIEW_END_REASON]).toBe('source_change');
    expect(end.attributes[ATTR_CONTENT_ITEM_ID]).toBe('itm_1');
    r.play();
    const next = r.named(E.viewStart)[1]!;
    expect(next.attributes).toMatchObject({
      [ATTR_CONTENT_COURSE_ID]: 'crs_2',
      [ATTR_CONTENT_ITEM_ID]: 'itm_2',
      [ATTR_HLS_PLAN_MODE]: 'transcode',
    });
  });

  it('destroys once: ends the view, lets go of every listener and timer, restores the loaders', () => {
    const r = rig();
    r.play();
    r.run(100);
    expect(r.hls.config.loader).not.toBe(r.Loader);
    r.handle.destroy();
    expect(r.reasons()).toEqual(['destroy']);
    expect(r.transport.destroyed).toBe(1);
    expect(r.hls.listenerCount()).toBe(0);
    expect(r.video.listenerCount()).toBe(0);
    expect(win.listenerCount() + doc.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(r.hls.config.loader).toBe(r.Loader);
    const sent = r.transport.events.length;
    r.handle.destroy();
    r.pause();
    r.play();
    win.fire('pagehide');
    expect(r.transport.events).toHaveLength(sent);
    expect(r.transport.destroyed).toBe(1);
  });

  it('destroys itself when hls.js is destroyed', () => {
    const r = rig();
    r.play();
    r.hls.emit('hlsDestroying', {});
    expect(r.reasons()).toEqual(['destroy']);
    expect(r.hls.listenerCount()).toBe(0);
  });

  it('reports the errors it caught as one content.sdk_error with their count', () => {
    const r = rig();
    r.hls.emit('hlsLevelSwitched', null);
    r.hls.emit('hlsLevelSwitched', null);
    expect(r.handle.stats()).toEqual({ sent: 3, dropped: 1, retried: 0, queued: 2, sdkErrors: 2 });
    expect(warn).toHaveBeenCalledTimes(1);
    r.run(1000);
    const reports = r.named(E.sdkError);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.attributes).toMatchObject({ [ATTR_SDK_ERRORS]: 2, [ATTR_PLAYER_NAME]: 'hls.js' });
    r.run(2000);
    expect(r.named(E.sdkError)).toHaveLength(1);
    r.hls.emit('hlsError', undefined);
    r.handle.destroy();
    expect(r.named(E.sdkError).map((e) => e.attributes[ATTR_SDK_ERRORS])).toEqual([2, 1]);
  });
});

describe('tracesUrlFor', () => {
  it('points the logs endpoint at its traces sibling', () => {
    expect(tracesUrlFor('/v1/logs')).toBe('/v1/traces');
    expect(tracesUrlFor('https://x.example/otlp/v1/logs?k=1')).toBe('https://x.example/otlp/v1/traces?k=1');
  });
});

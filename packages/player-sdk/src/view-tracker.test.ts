import {
  ATTR_BUFFERING_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_ERROR_FATAL,
  ATTR_PLAYING_MS,
  ATTR_SEEK_MS,
  ATTR_STALL_MS,
  ATTR_STARTUP_MS,
  ATTR_VIEW_END_REASON,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_WATCH_MS,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { describe, expect, it } from 'vitest';
import type { SdkEvent, SdkSpan } from './sdk-types.js';
import { createViewTracker, type PlayheadSample } from './view-tracker.js';

const E = PLAYBACK_EVENTS;

/** A tracker on a fake clock, with a simulated element the test moves by hand. */
function rig() {
  let t = 1000;
  let n = 0;
  const events: SdkEvent[] = [];
  const urgent: string[] = [];
  const spans: SdkSpan[] = [];
  const el: PlayheadSample = { position: 0, paused: true, seeking: false, readyState: 1 };
  const tracker = createViewTracker({
    clock: { now: () => t, epochMs: (x) => 1_700_000_000_000 + x },
    probe: { position: () => el.position, quality: () => '360p' },
    base: () => ({ 'content.item_id': 'itm_1' }),
    send: (e, u) => {
      events.push(e);
      if (u === 'now') urgent.push(e.name);
    },
    span: (s) => spans.push(s),
    newId: (bytes) => String(++n).padStart(bytes * 2, '0'),
  });
  /** Advances the clock in 25 ms poll steps, moving the playhead when `playing`. */
  const run = (ms: number, playing: boolean) => {
    for (let left = ms; left > 0; left -= 25) {
      t += 25;
      if (playing) el.position += 0.025;
      tracker.tick(t, { ...el });
    }
  };
  const named = (name: string) => events.filter((e) => e.name === name);
  return {
    tracker,
    el,
    events,
    urgent,
    spans,
    run,
    named,
    now: () => t,
    set: (x: number) => (t = x),
  };
}

describe('view tracker', () => {
  it('starts a view at play intent and measures startup to the first moving frame', () => {
    const r = rig();
    expect(r.tracker.live()).toBe(false);
    r.el.paused = false;
    r.tracker.intent(r.now());
    expect(r.named(E.viewStart)).toHaveLength(1);
    r.run(400, false); // loading: the playhead stands still, not a rebuffer
    r.el.readyState = 4;
    r.run(100, true);
    const startup = r.named(E.videoStartup);
    expect(startup).toHaveLength(1);
    // The playhead started at the start of the first moving step: how far it got says so.
    expect(startup[0]!.attributes[ATTR_STARTUP_MS]).toBe(400);
    expect(r.named(E.buffering)).toHaveLength(0);
    // Nothing is posted during startup: the start leaves with the first frame.
    expect(r.urgent).toEqual([E.videoStartup]);
  });

  it('dates the first frame by how far the playhead got, not by when a late timer looked', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(300, false);
    // The page was busy: the next sample comes 200 ms late, the playhead 50 ms into playing.
    r.set(r.now() + 200);
    r.el.position += 0.05;
    r.tracker.tick(r.now(), { ...r.el });
    expect(r.named(E.videoStartup)[0]!.attributes[ATTR_STARTUP_MS]).toBe(450);
  });

  it('reports one rebuffer, backdated to the last move, lasting until the playhead moves again', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(100, true);
    r.run(1000, true);
    const stopAt = r.now();
    r.el.readyState = 2;
    r.tracker.stalled(r.now());
    r.run(2000, false);
    r.el.readyState = 4;
    r.run(200, true);
    const buf = r.named(E.buffering);
    expect(buf.map((e) => e.attributes[ATTR_BUFFERING_PHASE])).toEqual(['start', 'end']);
    expect(buf[0]!.timeMs).toBe(1_700_000_000_000 + stopAt);
    // Stalled from the last move until the playhead started again.
    expect(buf[1]!.attributes[ATTR_BUFFERING_MS]).toBe(2000);
  });

  it('needs a second of stillness without a buffering signal (a busy main thread is not a rebuffer)', () => {
    const r = rig();
    r.el.paused = false;
    r.el.readyState = 4;
    r.tracker.intent(r.now());
    r.run(200, true);
    r.run(900, false);
    expect(r.named(E.buffering)).toHaveLength(0);
    r.run(200, false);
    expect(r.named(E.buffering)).toHaveLength(1);
  });

  it('does not count a seek as a rebuffer, and reports its latency until the playhead moves', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(500, true);
    const seekAt = r.now();
    r.el.seeking = true;
    r.el.readyState = 1;
    r.tracker.seeking(seekAt);
    r.run(1500, false);
    r.el.seeking = false;
    r.el.position = 30;
    r.tracker.seeked(r.now(), false);
    r.el.readyState = 4;
    r.run(100, true);
    expect(r.named(E.buffering)).toHaveLength(0);
    const seek = r.named(E.seek);
    expect(seek).toHaveLength(1);
    // 1500 ms seeking, one tick to re-baseline after the jump; then the playhead moved from that tick on.
    expect(seek[0]!.attributes[ATTR_SEEK_MS]).toBe(1525);
  });

  it('merges seeks less than 2 s apart (scrubbing) into one', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(500, true);
    for (const to of [10, 20]) {
      r.tracker.seeking(r.now());
      r.el.position = to;
      r.tracker.seeked(r.now(), false);
      r.run(100, true);
    }
    expect(r.named(E.seek)).toHaveLength(2);
    const [a, b] = r.named(E.seek).map((e) => e.attributes[ATTR_SEEK_MS] as number);
    // The second seek counts from the end of the first.
    expect(b).toBeGreaterThan(a!);
  });

  it('does not count paused time as watch time, nor a stall while paused', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(1000, true);
    r.el.paused = true;
    r.tracker.pause(r.now());
    expect(r.tracker.polling()).toBe(false);
    r.set(r.now() + 60_000);
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(1000, true);
    r.tracker.end(r.now(), 'destroy');
    const end = r.named(E.viewEnd)[0]!;
    expect(end.attributes[ATTR_WATCH_MS]).toBe(2000);
    expect(end.attributes[ATTR_STALL_MS]).toBe(0);
    expect(end.attributes[ATTR_PLAYING_MS]).toBeGreaterThanOrEqual(1900);
    expect(r.named(E.buffering)).toHaveLength(0);
  });

  it('numbers events per view from 0 and gives every view new ids, ending with a view span', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(200, true);
    r.tracker.end(r.now(), 'source_change');
    r.tracker.intent(r.now());
    r.run(200, true);
    r.tracker.end(r.now(), 'pagehide');
    const views = [...new Set(r.events.map((e) => e.attributes[ATTR_VIEW_ID]))];
    expect(views).toHaveLength(2);
    for (const v of views) {
      const seqs = r.events
        .filter((e) => e.attributes[ATTR_VIEW_ID] === v)
        .map((e) => e.attributes[ATTR_VIEW_SEQ]);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    }
    expect(r.named(E.viewEnd).map((e) => e.attributes[ATTR_VIEW_END_REASON])).toEqual([
      'source_change',
      'pagehide',
    ]);
    expect(r.spans.map((s) => s.name)).toEqual(['content.view', 'content.view']);
    expect(r.spans[0]!.traceId).not.toBe(r.spans[1]!.traceId);
  });

  it('keeps events from before the intent (the manifest load) and sends them with the view', () => {
    const r = rig();
    r.tracker.record(E.request, { 'content.request.type': 'manifest' }, r.now());
    expect(r.events).toHaveLength(0);
    r.tracker.intent(r.now());
    expect(r.events.map((e) => e.name)).toEqual([E.viewStart, E.request]);
  });

  it('drops what came before an intent that never happened', () => {
    const r = rig();
    r.tracker.record(E.request, {}, r.now());
    r.tracker.end(r.now(), 'pagehide');
    r.tracker.intent(r.now());
    expect(r.named(E.request)).toHaveLength(0);
  });

  it('starts a view on a fatal error before any intent (a failed attempt counts) and sends it at once', () => {
    const r = rig();
    r.tracker.error(r.now(), 'networkError', 'manifestLoadError', true);
    expect(r.events.map((e) => e.name)).toEqual([E.viewStart, E.playbackError]);
    expect(r.events[1]!.attributes[ATTR_ERROR_FATAL]).toBe(true);
    expect(r.urgent).toContain(E.playbackError);
  });

  it('ends a live rebuffer when the view ends, counting it', () => {
    const r = rig();
    r.el.paused = false;
    r.tracker.intent(r.now());
    r.run(200, true);
    r.el.readyState = 2;
    r.run(1000, false);
    r.tracker.end(r.now(), 'pagehide');
    expect(r.named(E.buffering).map((e) => e.attributes[ATTR_BUFFERING_PHASE])).toEqual(['start', 'end']);
    expect(r.named(E.viewEnd)[0]!.attributes[ATTR_STALL_MS]).toBe(1000);
  });
});

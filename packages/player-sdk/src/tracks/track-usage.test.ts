import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attributesOf, fakeVideo, type Sent } from '../../test-support/entry-events.js';
import { trackUsage } from './track-usage.js';

/** A fetch that records what each report carried. */
function recorder() {
  const sent: Sent[] = [];
  const fetchFake = vi.fn<typeof fetch>(async (_url, init) => {
    sent.push(attributesOf(init));
    return new Response(null, { status: 200 });
  });
  return { sent, fetchFake };
}

describe('caption and audio-track use per view', () => {
  let clock = 1_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000_000;
  });
  afterEach(() => vi.useRealTimers());

  it('counts the time played with captions showing and the switches, reported with the view', () => {
    const video = fakeVideo();
    const view = { viewId: null as string | null, viewerId: 'vwr_1', sessionId: 'ses_1', measured: true };
    const { sent, fetchFake } = recorder();
    const page = { addEventListener: vi.fn(), removeEventListener: vi.fn() };
    const usage = trackUsage({
      video,
      view,
      content: { courseId: 'crs_1', itemId: 'itm_1' },
      fetch: fetchFake,
      now: () => clock,
      page,
    });
    // Chosen before any view (the remembered choice): the view starts with captions on, no switch counted.
    usage.captions('fr');
    usage.audio('en');
    expect(sent).toEqual([]);
    view.viewId = 'view_1';
    video.paused = false;
    video.emit('playing');
    clock += 4000;
    video.emit('pause');
    clock += 10_000; // paused: not counted
    usage.captions('en');
    expect(sent.at(-1)).toMatchObject({
      name: 'content.track_usage',
      'content.view.id': 'view_1',
      'content.view.seq': 9_000_000,
      'content.viewer.id': 'vwr_1',
      'content.captions.on_ms': 4000,
      'content.captions.language': 'en',
      'content.audio.language': 'en',
      'content.track.switches': 1,
      'content.course_id': 'crs_1',
      'content.item_id': 'itm_1',
    });
    video.emit('playing');
    clock += 2500;
    usage.captions(null);
    clock += 5000; // captions off: not counted
    usage.audio('fr');
    expect(sent.at(-1)).toMatchObject({
      'content.view.seq': 9_000_002,
      'content.captions.on_ms': 6500,
      'content.captions.language': 'off',
      'content.audio.language': 'fr',
      'content.track.switches': 3,
    });
    // The same choice again is no switch and sends nothing.
    const count = sent.length;
    usage.captions(null);
    expect(sent.length).toBe(count);
    // Leaving the page reports the totals with keepalive.
    usage.stop();
    expect(fetchFake.mock.lastCall?.[1]?.keepalive).toBe(true);
  });

  it('reports every period while counting, starts again from zero for a new view, and sends nothing unmeasured', () => {
    const video = fakeVideo();
    const view = { viewId: 'view_a' as string | null, viewerId: 'v', sessionId: 's', measured: true };
    const { sent, fetchFake } = recorder();
    const page = { addEventListener: vi.fn(), removeEventListener: vi.fn() };
    const usage = trackUsage({
      video,
      view,
      content: {},
      fetch: fetchFake,
      now: () => clock,
      page,
      flushMs: 30_000,
    });
    usage.captions('de');
    video.paused = false;
    video.emit('playing');
    clock += 30_000;
    vi.advanceTimersByTime(30_000);
    expect(sent.at(-1)?.['content.captions.on_ms']).toBe(30_000);
    view.viewId = 'view_b';
    clock += 1000;
    usage.flush();
    expect(sent.at(-1)).toMatchObject({
      'content.view.id': 'view_b',
      'content.view.seq': 9_000_000,
      'content.captions.on_ms': 0,
    });
    view.measured = false;
    const count = sent.length;
    usage.captions('en');
    usage.stop();
    expect(sent.length).toBe(count);
  });

  it('never throws into the page when the network fails', () => {
    const video = fakeVideo();
    const view = { viewId: 'view_x', viewerId: 'v', sessionId: 's', measured: true };
    const page = { addEventListener: vi.fn(), removeEventListener: vi.fn() };
    const throwing = vi.fn<typeof fetch>(() => {
      throw new TypeError('no network');
    });
    const usage = trackUsage({ video, view, content: {}, fetch: throwing, now: () => clock, page });
    expect(() => usage.captions('en')).not.toThrow();
    const rejecting = vi.fn<typeof fetch>(() => Promise.reject(new TypeError('offline')));
    const usage2 = trackUsage({ video, view, content: {}, fetch: rejecting, now: () => clock, page });
    expect(() => usage2.captions('en')).not.toThrow();
  });
});

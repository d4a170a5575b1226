import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attributesOf, fakeVideo, type Sent } from '../../test-support/entry-events.js';
import { trackLiveLatency } from './live-latency.js';

describe('latency behind live', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_800_000_000_000;
  });
  afterEach(() => vi.useRealTimers());

  it('corrects the browser clock by the server offset of the quickest round trip, and reports the view cumulatively', async () => {
    const video = fakeVideo();
    const sent: Sent[] = [];
    // The server's clock is 2.5 s ahead of the browser's; round trips of 300, 40 and 200 ms.
    const trips = [300, 40, 200];
    let trip = 0;
    const fetchFake = vi.fn<typeof fetch>(async (url, init) => {
      if (url === '/api/time') {
        const rtt = trips[trip++]!;
        // The server answers a quarter of the way in, so a long trip skews its sample: the quickest is kept.
        const serverNow = clock + rtt / 4 + 2500;
        clock += rtt;
        return new Response(JSON.stringify({ now: serverNow }));
      }
      sent.push(attributesOf(init));
      return new Response(null);
    });
    let pdt = clock;
    const view = { viewId: 'view_1', viewerId: 'vwr_1', sessionId: 'ses_1', measured: true };
    const live = trackLiveLatency({
      video,
      view,
      playingDate: () => new Date(pdt),
      behindLive: () => (video.currentTime < 100 ? 40 : 3),
      content: { courseId: 'crs_1', itemId: 'itm_1' },
      fetch: fetchFake,
      now: () => clock,
      page: { addEventListener: () => {}, removeEventListener: () => {} },
    });
    await vi.advanceTimersByTimeAsync(0);
    // 40 ms trip answered 10 ms in: offset = 2500 + 10 - 20 = 2490.
    expect(live.offsetMs()).toBe(2490);
    video.paused = false;
    video.emit('playing');
    for (let i = 0; i < 10; i++) {
      clock += 1000;
      // The frame showing was captured 3 s (server time) before now.
      pdt = clock + 2490 - 3000 - (i === 9 ? 2000 : 0);
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(live.latencyMs()).toBe(5000);
    video.playbackRate = 1.1;
    video.emit('ratechange');
    video.emit('waiting');
    video.emit('seeked');
    live.jumpedToLive();
    live.flush();
    const last = sent.at(-1)!;
    expect(last).toMatchObject({
      name: 'content.live_latency',
      'content.view.id': 'view_1',
      'content.live.latency_ms': 5000,
      'content.live.latency_p50_ms': 3000,
      'content.live.latency_p95_ms': 5000,
      'content.live.clock_offset_ms': 2490,
      'content.live.catch_ups': 2,
      'content.live.stalls': 1,
      'content.live.dvr_seeks': 1,
      'content.item_id': 'itm_1',
    });
    expect(Number(last['content.view.seq'])).toBeGreaterThanOrEqual(8_000_000);
    live.stop();
  });

  it('samples nothing while paused or before the offset is known, and sends nothing without a sample', async () => {
    const video = fakeVideo();
    const fetchFake = vi.fn<typeof fetch>(async () => new Response(JSON.stringify({ nope: 1 })));
    const live = trackLiveLatency({
      video,
      view: { viewId: 'view_2', viewerId: 'vwr_1', sessionId: 'ses_1', measured: true },
      playingDate: () => new Date(clock - 3000),
      content: {},
      fetch: fetchFake,
      now: () => clock,
      page: { addEventListener: () => {}, removeEventListener: () => {} },
    });
    video.paused = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(live.latencyMs()).toBeNull();
    live.flush();
    expect(fetchFake.mock.calls.filter(([url]) => url === '/v1/logs')).toHaveLength(0);
    live.stop();
  });
});

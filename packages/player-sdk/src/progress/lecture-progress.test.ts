import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackLectureProgress, type ProgressVideo } from './lecture-progress.js';

/** A video the test moves by hand. */
function fakeVideo() {
  const listeners = new Map<string, Set<() => void>>();
  const v = {
    currentTime: 0,
    paused: true,
    seeking: false,
    addEventListener: (t: string, f: () => void) =>
      void (listeners.get(t) ?? listeners.set(t, new Set()).get(t)!).add(f),
    removeEventListener: (t: string, f: () => void) => void listeners.get(t)?.delete(f),
    emit: (t: string) => listeners.get(t)?.forEach((f) => f()),
    /** Plays from the current time to `to`, with time updates every 0.25 s. */
    play(to: number) {
      v.paused = false;
      v.emit('play');
      while (v.currentTime < to) {
        v.currentTime = Math.min(to, v.currentTime + 0.25);
        v.emit('timeupdate');
      }
    },
  };
  return v satisfies ProgressVideo;
}

const page = { addEventListener: vi.fn(), removeEventListener: vi.fn() };

describe('lecture progress tracking', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports the spans played, not the ones skipped, with the position; failed spans go again', async () => {
    const bodies: { positionSeconds: number; watched: [number, number][] }[] = [];
    let fail = false;
    const fetchFake = vi.fn<typeof fetch>(async (_url, init) => {
      bodies.push(JSON.parse(init?.body as string) as (typeof bodies)[number]);
      if (fail) return new Response('', { status: 503 });
      return Response.json({ completed: false });
    });
    const video = fakeVideo();
    const handle = trackLectureProgress({
      video,
      url: '/p',
      session: 's',
      fetch: fetchFake,
      page,
    });
    video.play(10);
    // A seek to 30 s: 10-30 is not watched.
    video.seeking = true;
    video.emit('seeking');
    video.currentTime = 30;
    video.seeking = false;
    video.emit('timeupdate');
    video.play(35);
    fail = true;
    await handle.flush();
    expect(bodies[0]).toEqual({
      positionSeconds: 35,
      watched: [
        [0, 10],
        [30, 35],
      ],
    });
    fail = false;
    video.play(40);
    await handle.flush();
    expect(bodies[1]!.watched).toEqual([
      [0, 10],
      [30, 35],
      [35, 40],
    ]);
    await handle.flush();
    expect(bodies[2]!.watched).toEqual([]);
    expect(fetchFake.mock.calls[0]![1]!.headers).toMatchObject({ authorization: 'Bearer s' });
    handle.stop();
  });

  it('reports on pause and every period, and once more when stopped', async () => {
    const fetchFake = vi.fn<typeof fetch>(async () => Response.json({}));
    const video = fakeVideo();
    const handle = trackLectureProgress({
      video,
      url: '/p',
      session: 's',
      fetch: fetchFake,
      page,
      flushMs: 5000,
    });
    video.play(3);
    video.paused = true;
    video.emit('pause');
    expect(fetchFake).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchFake).toHaveBeenCalledTimes(2);
    handle.stop();
    expect(fetchFake).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fetchFake).toHaveBeenCalledTimes(3);
  });
});

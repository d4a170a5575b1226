import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepSessionAlive } from './session-keeper.js';

const session = {
  id: 'ses_1',
  heartbeat: 'http://127.0.0.1:8080/api/sessions/ses_1/heartbeat?token=tok',
  end: 'http://127.0.0.1:8080/api/sessions/ses_1?token=tok',
};

/** A page stand-in: fires pagehide/pageshow like a window would. */
function fakePage() {
  const target = new EventTarget();
  return {
    target,
    hide: () => target.dispatchEvent(new Event('pagehide')),
    restore: () => target.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true })),
  };
}

describe('keepSessionAlive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('heartbeats every 20 s, and ends the session with a keepalive DELETE when the page goes', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push([typeof url === 'string' ? url : url instanceof URL ? url.href : url.url, init]);
      return new Response(null, { status: 204 });
    });
    const page = fakePage();
    keepSessionAlive(session, { fetchFn, target: page.target });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(calls.map(([url, init]) => `${init?.method} ${url}`)).toEqual([
      `POST ${session.heartbeat}`,
      `POST ${session.heartbeat}`,
    ]);
    page.hide();
    expect(calls.at(-1)).toEqual([session.end, { method: 'DELETE', keepalive: true }]);
    // Nothing more once the page has gone; a second pagehide sends nothing either.
    page.hide();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(3);
  });

  it('stops heartbeating once the server no longer knows the session, and says so', async () => {
    const fetchFn = vi.fn(async () => new Response(null, { status: 404 }));
    const onLost = vi.fn();
    keepSessionAlive(session, { fetchFn, onLost, target: fakePage().target });
    await vi.advanceTimersByTimeAsync(100_000);
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('starts over when a page whose session it ended comes back from the back/forward cache', async () => {
    const fetchFn = vi.fn(async () => new Response(null, { status: 204 }));
    const onRestored = vi.fn();
    const page = fakePage();
    keepSessionAlive(session, { fetchFn, onRestored, target: page.target });
    page.restore();
    expect(onRestored).not.toHaveBeenCalled();
    page.hide();
    page.restore();
    expect(onRestored).toHaveBeenCalledTimes(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Timers } from './beacon-transport.js';
import { globalTimers, namesIn, type Scripted } from '../test-support/fake-fetch.js';
import { ev, LOGS, names, setup, sp, TRACES } from '../test-support/transport-rig.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createBeaconTransport: batches', () => {
  it('sends a queue of flushAt items at once, without waiting for the timer', async () => {
    const { transport, calls } = setup(undefined, { flushAt: 3 });
    transport.event(ev(0));
    transport.event(ev(1));
    expect(calls).toHaveLength(0);
    transport.event(ev(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => namesIn(c.json))).toEqual([['e0', 'e1', 'e2']]);
  });

  it('reads every answer, success or failure, so its keepalive budget is released for the next post', async () => {
    const { transport, calls } = setup((_r, i) => (i === 0 ? 503 : 200));
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.bodyRead)).toEqual([true, true]);
  });

  it('shares the keepalive budget between the lanes: a post that would overflow it goes without', async () => {
    const { transport, calls } = setup(() => 'hang', { maxBeaconBytes: 600 });
    transport.event(ev(0));
    transport.span(sp(0));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(2);
    const [a, b] = calls;
    expect(a!.init.body.length).toBeLessThanOrEqual(600);
    expect(a!.init.body.length + b!.init.body.length).toBeGreaterThan(600);
    expect([a!.init.keepalive, b!.init.keepalive]).toEqual([true, undefined]);
    // Once the first is answered, its share is free again.
    a!.resolve(200);
    await vi.advanceTimersByTimeAsync(0);
    transport.event(ev(1));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls[2]!.init.keepalive).toBe(true);
  });

  it('does not ask for keepalive on a body beyond the beacon budget (the browser would refuse it)', async () => {
    const { transport, calls } = setup(undefined, { maxBeaconBytes: 100 });
    transport.event(ev(0));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.keepalive).toBeUndefined();
  });

  it('sends what is queued when the flush timer fires, events and spans each to their URL, with no cookies', async () => {
    const { transport, calls } = setup();
    expect(vi.getTimerCount()).toBe(0);
    transport.event(ev(0));
    transport.event(ev(1));
    transport.span(sp(0));
    transport.event(ev(2));
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls).toHaveLength(0);
    expect(transport.stats()).toEqual({ sent: 0, dropped: 0, retried: 0, queued: 4 });
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => [c.url, namesIn(c.json)])).toEqual([
      [LOGS, ['e0', 'e1', 'e2']],
      [TRACES, ['s0']],
    ]);
    for (const c of calls) {
      expect(c.init).toMatchObject({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'omit',
      });
      // Small bodies ask for keepalive, so a request in flight outlives the page.
      expect(c.init.keepalive).toBe(true);
    }
    expect(transport.stats()).toEqual({ sent: 4, dropped: 0, retried: 0, queued: 0 });
    // Nothing queued: no timer left running.
    expect(vi.getTimerCount()).toBe(0);
    transport.event(ev(3));
    await vi.advanceTimersByTimeAsync(5000);
    expect(namesIn(calls[2]!.json)).toEqual(['e3']);
  });

  it('does not push a due flush back while events keep coming', async () => {
    const { transport, calls } = setup();
    for (let i = 0; i < 10; i++) {
      transport.event(ev(i));
      await vi.advanceTimersByTimeAsync(600);
    }
    expect(calls).toHaveLength(1);
    expect(namesIn(calls[0]!.json)).toEqual(names(0, 9));
  });

  it("sends a 'now' event at once, and several in one tick in one request", async () => {
    const { transport, calls } = setup();
    transport.event(ev(0));
    transport.event(ev(1), 'now');
    transport.event(ev(2), 'now');
    transport.span(sp(0));
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => namesIn(c.json))).toEqual([['e0', 'e1', 'e2'], ['s0']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one request in flight per queue; what comes meanwhile leaves after its answer', async () => {
    const { transport, calls } = setup(() => 'hang');
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(0);
    transport.event(ev(1), 'now');
    transport.event(ev(2));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
    expect(transport.stats().queued).toBe(3);
    calls[0]!.resolve(200);
    // A `now` waited for the answer: the rest goes at once, not on the next timer.
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => namesIn(c.json))).toEqual([['e0'], ['e1', 'e2']]);
    calls[1]!.resolve(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.stats()).toEqual({ sent: 3, dropped: 0, retried: 0, queued: 0 });
  });

  it('sends a backlog in batches of maxBatch back to back', async () => {
    const { transport, calls } = setup(undefined, { maxBatch: 300 });
    for (let i = 0; i < 700; i++) transport.event(ev(i));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((c) => namesIn(c.json).length)).toEqual([300, 300]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.flatMap((c) => namesIn(c.json))).toEqual(names(0, 700));
  });

  it('drops (and counts) what comes beyond maxQueue, in flight included', async () => {
    const { transport, calls } = setup(() => 'hang', { maxQueue: 5 });
    for (let i = 0; i < 3; i++) transport.event(ev(i), 'now');
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 3; i < 6; i++) transport.event(ev(i));
    transport.span(sp(0));
    expect(transport.stats()).toEqual({ sent: 0, dropped: 2, retried: 0, queued: 5 });
    calls[0]!.resolve(200);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.flatMap((c) => namesIn(c.json))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });
});

describe('createBeaconTransport: failures', () => {
  it('retries a 503 with backoff, keeping order and sending each event once', async () => {
    const { transport, calls, onError } = setup((_r, i) => (i < 2 ? 503 : 200));
    transport.event(ev(0));
    transport.event(ev(1), 'now');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    transport.event(ev(2), 'now');
    // 1 s (jitter at its middle) before the 2nd attempt; a `now` does not cut the wait short.
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => namesIn(c.json))).toEqual([
      ['e0', 'e1'],
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
    ]);
    expect(transport.stats()).toEqual({ sent: 3, dropped: 0, retried: 2, queued: 0 });
    expect(onError).toHaveBeenCalledTimes(2);
    expect(String(onError.mock.calls[0]![0])).toContain('503');
  });

  it('jitters the backoff and caps it at 60 s', async () => {
    const { transport, calls } = setup(() => 503, { random: () => 1 });
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(0);
    const at: number[] = [];
    for (let i = 1; i < 8; i++) {
      const before = Date.now();
      while (calls.length === i) await vi.advanceTimersByTimeAsync(100);
      at.push(Date.now() - before);
    }
    // 1.2 × 1, 2, 4, ... s; never above 60 s.
    expect(at).toEqual([1200, 2400, 4800, 9600, 19200, 38400, 60000]);
    expect(transport.stats()).toMatchObject({ sent: 0, dropped: 1, retried: 7, queued: 0 });
    expect(calls).toHaveLength(8);
  });

  it('waits as long as Retry-After says (429), and retries network errors and 408', async () => {
    const answers: Scripted[] = [429, new TypeError('Failed to fetch'), 408, 200];
    const { transport, calls } = setup((req, i) => {
      if (i === 0) {
        req.resolve(429, { 'retry-after': '7' });
        return 'hang';
      }
      return answers[i]!;
    });
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(4);
    expect(transport.stats()).toEqual({ sent: 1, dropped: 0, retried: 3, queued: 0 });
  });

  it('drops a batch refused with a 4xx (it would be refused again) and goes on with the next', async () => {
    const { transport, calls } = setup((_r, i) => (i === 0 ? 400 : 200));
    transport.event(ev(0));
    transport.event(ev(1), 'now');
    await vi.advanceTimersByTimeAsync(0);
    transport.event(ev(2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((c) => namesIn(c.json))).toEqual([['e0', 'e1'], ['e2']]);
    expect(transport.stats()).toEqual({ sent: 1, dropped: 2, retried: 0, queued: 0 });
  });

  it('never throws to the caller: a fetch that throws at once, and an onError that throws', async () => {
    const fetch = vi.fn(() => {
      throw new Error('fetch is broken');
    });
    const onError = vi.fn(() => {
      throw new Error('so is the handler');
    });
    const { transport } = setup(undefined, { fetch, onError });
    expect(() => {
      transport.event(ev(0), 'now');
      transport.flush('now');
      transport.span(sp(0));
    }).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalled();
    expect(onError).toHaveBeenCalled();
    // Each queue's attempt failed and waits for its retry.
    expect(transport.stats()).toEqual({ sent: 0, dropped: 0, retried: 2, queued: 2 });
  });

  it('calls fetch and the timers unbound (window.fetch throws "Illegal invocation" on another this)', async () => {
    const selves: unknown[] = [];
    const timers: Timers = {
      setTimeout(this: unknown, fn, ms) {
        selves.push(this);
        return globalTimers.setTimeout(fn, ms);
      },
      clearTimeout(this: unknown, h) {
        selves.push(this);
        globalTimers.clearTimeout(h);
      },
    };
    const { transport, calls } = setup(undefined, { timers });
    transport.event(ev(0), 'now');
    transport.event(ev(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]!.self).toBeUndefined();
    expect(selves.length).toBeGreaterThan(1);
    expect(selves.every((s) => s === undefined)).toBe(true);
  });
});

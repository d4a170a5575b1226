import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBeacon, namesIn, type OtlpBody } from '../test-support/fake-fetch.js';
import { ev, LOGS, names, setup, sp, TRACES } from '../test-support/transport-rig.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createBeaconTransport: unload', () => {
  const decode = async (data: Blob) => JSON.parse(await data.text()) as OtlpBody;

  it('beacons everything queued in chunks of at most maxBeaconBytes, each event exactly once', async () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport, calls } = setup(undefined, { sendBeacon, maxBeaconBytes: 20_000 });
    for (let i = 0; i < 200; i++) transport.event(ev(i, { note: 'x'.repeat(400) }));
    transport.span(sp(0));
    transport.flush('unload');
    expect(calls).toHaveLength(0);
    const logs = beacons.filter((b) => b.url === LOGS);
    expect(logs.length).toBeGreaterThan(4);
    for (const b of beacons) {
      expect(b.data.size).toBeLessThanOrEqual(20_000);
      expect(b.data.type).toBe('application/json');
    }
    const sent = await Promise.all(logs.map(async (b) => namesIn(await decode(b.data))));
    expect(sent.flat()).toEqual(names(0, 200));
    const spans = beacons.filter((b) => b.url === TRACES);
    expect(spans).toHaveLength(1);
    expect(namesIn(await decode(spans[0]!.data))).toEqual(['s0']);
    expect(transport.stats()).toEqual({ sent: 201, dropped: 0, retried: 0, queued: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('splits by maxBatch too', () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport } = setup(undefined, { sendBeacon, maxBatch: 50 });
    for (let i = 0; i < 120; i++) transport.event(ev(i));
    transport.flush('unload');
    expect(beacons).toHaveLength(3);
  });

  it('falls back to fetch with keepalive when sendBeacon refuses, throws or is missing', () => {
    const refusing = fakeBeacon(() => false);
    const throwing = fakeBeacon(() => {
      throw new TypeError('not allowed');
    });
    for (const sendBeacon of [refusing.sendBeacon, throwing.sendBeacon, undefined]) {
      const { transport, calls } = setup(undefined, { sendBeacon });
      transport.event(ev(0));
      transport.span(sp(0));
      transport.flush('unload');
      expect(calls.map((c) => [c.url, c.init.keepalive, c.init.credentials, namesIn(c.json)])).toEqual([
        [LOGS, true, 'omit', ['e0']],
        [TRACES, true, 'omit', ['s0']],
      ]);
      expect(transport.stats()).toEqual({ sent: 2, dropped: 0, retried: 0, queued: 0 });
    }
  });

  it('drops (and counts) a single event larger than a beacon', () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport } = setup(undefined, { sendBeacon, maxBeaconBytes: 2000 });
    transport.event(ev(0));
    transport.event(ev(1, { note: 'x'.repeat(5000) }));
    transport.event(ev(2));
    transport.flush('unload');
    expect(beacons).toHaveLength(2);
    expect(transport.stats()).toEqual({ sent: 2, dropped: 1, retried: 0, queued: 0 });
  });

  it('ignores a retry wait: unload sends at once', async () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport } = setup(() => 503, { sendBeacon });
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(0);
    transport.flush('unload');
    expect(beacons).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('destroy beacons what is queued, stops the timers, drops later items; a second destroy does nothing', async () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport, calls } = setup(undefined, { sendBeacon });
    transport.event(ev(0));
    transport.event(ev(1), 'now');
    transport.span(sp(0));
    transport.destroy();
    expect(beacons.map((b) => b.url)).toEqual([LOGS, TRACES]);
    expect(vi.getTimerCount()).toBe(0);
    transport.destroy();
    transport.event(ev(2), 'now');
    transport.flush('now');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(beacons).toHaveLength(2);
    expect(calls).toHaveLength(0);
    expect(transport.stats()).toEqual({ sent: 3, dropped: 1, retried: 0, queued: 0 });
  });

  it('beacons a batch whose request fails after destroy rather than wait for a retry', async () => {
    const { sendBeacon, beacons } = fakeBeacon();
    const { transport, calls } = setup(() => 'hang', { sendBeacon });
    transport.event(ev(0), 'now');
    await vi.advanceTimersByTimeAsync(0);
    transport.destroy();
    expect(beacons).toHaveLength(0);
    calls[0]!.resolve(502);
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(transport.stats()).toEqual({ sent: 1, dropped: 0, retried: 1, queued: 0 });
  });
});

import type { PlaybackPlan } from '@coursecast/media';
import { HLS_SESSION_END_REASONS } from '@coursecast/semconv';
import { describe, expect, it } from 'vitest';
import {
  createJitSession,
  type EncoderEvents,
  type JitSessionOptions,
  type SessionObserver,
  type StartEncoder,
} from './jit-session.js';

const PLAN = { mode: 'transcode' } as PlaybackPlan;

/** An encoder that writes one segment every `tickMs` from where it starts; it may crash at a segment. */
function fakeEncoders(count: number, tickMs = 5, crashAt: number[] = []) {
  const started: number[] = [];
  let alive = 0;
  let maxAlive = 0;
  const start: StartEncoder = (startIndex, _generation, events: EncoderEvents) => {
    started.push(startIndex);
    alive++;
    maxAlive = Math.max(maxAlive, alive);
    let next = startIndex;
    let stopped = false;
    const timer = setInterval(() => {
      if (stopped) return;
      if (crashAt.includes(next)) {
        crashAt.splice(crashAt.indexOf(next), 1);
        stopped = true;
        clearInterval(timer);
        alive--;
        events.exit({ reason: 'failed', message: `crashed at ${next}` });
        return;
      }
      events.segment(next, tickMs);
      next++;
      if (next >= count) {
        stopped = true;
        clearInterval(timer);
        alive--;
        events.exit({ reason: 'completed', message: '' });
      }
    }, tickMs);
    return {
      startIndex,
      async stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        alive--;
        events.exit({ reason: 'killed', message: '' });
      },
    };
  };
  return { start, started, alive: () => alive, maxAlive: () => maxAlive };
}

function recorder(): SessionObserver & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    encoderStarted: (i, g, from) => log.push(`start ${i} gen ${g} from ${from}`),
    encoderFirstProgress: () => {},
    segmentWritten: () => {},
    segmentServed: () => {},
    failed: (m) => log.push(`failed ${m}`),
    ended: (r) => log.push(`ended ${r}`),
  };
}

function session(
  count: number,
  enc: ReturnType<typeof fakeEncoders>,
  observer = recorder(),
  over: Partial<JitSessionOptions> = {},
) {
  return createJitSession({
    id: 'ses_1',
    itemId: 'itm_1',
    plan: PLAN,
    segmentCount: count,
    startEncoder: enc.start,
    observer,
    lookahead: 3,
    segmentTimeoutMs: 2000,
    ...over,
  });
}

describe('JIT session', () => {
  it('starts the encoder on the first request and waits for segments it will reach', async () => {
    const enc = fakeEncoders(20);
    const s = session(20, enc);
    await s.segment(0);
    await s.segment(1);
    await s.segment(3);
    expect(enc.started).toEqual([0]);
    await s.end(HLS_SESSION_END_REASONS.clientClosed);
  });

  it('moves the encoder once for a burst of requests far ahead, and keeps what was written', async () => {
    const enc = fakeEncoders(200, 5);
    const s = session(200, enc);
    await s.segment(0);
    await Promise.all([100, 101, 102, 103].map((i) => s.segment(i)));
    expect(enc.started).toEqual([0, 100]);
    expect(s.encoder()?.startIndex).toBe(100);
    await s.segment(0);
    expect(enc.started).toEqual([0, 100]);
    await s.end(HLS_SESSION_END_REASONS.clientClosed);
    expect(enc.alive()).toBe(0);
  });

  it('keeps at most one encoder alive through 20 seeks back and forth', async () => {
    const enc = fakeEncoders(400, 2);
    const s = session(400, enc);
    for (let k = 0; k < 20; k++) await s.segment(k % 2 === 0 ? 300 - k : 20 + k * 7);
    expect(enc.maxAlive()).toBe(1);
    await s.end(HLS_SESSION_END_REASONS.clientClosed);
    expect(enc.alive()).toBe(0);
  });

  it('lets the newest request win: a request left behind by a seek does not move the encoder back', async () => {
    const enc = fakeEncoders(200, 40);
    const s = createJitSession({
      id: 's',
      itemId: 'i',
      plan: PLAN,
      segmentCount: 200,
      startEncoder: enc.start,
      observer: recorder(),
      lookahead: 3,
      segmentTimeoutMs: 600,
    });
    await s.segment(0);
    const abandoned = s.segment(4);
    await new Promise((r) => setTimeout(r, 5));
    await s.segment(100);
    await s.segment(101);
    // The request left behind still waits, but for nothing the encoder will write: the session can go idle.
    await new Promise((r) => setTimeout(r, 30));
    expect(s.idleMs()).toBeGreaterThanOrEqual(20);
    await expect(abandoned).rejects.toMatchObject({ code: 'segment_timeout' });
    expect(enc.started).toEqual([0, 100]);
    await s.end(HLS_SESSION_END_REASONS.clientClosed);
  });

  it('refuses segments outside the grid and after the end', async () => {
    const enc = fakeEncoders(10);
    const s = session(10, enc);
    await expect(s.segment(10)).rejects.toMatchObject({ code: 'segment_not_found' });
    await expect(s.segment(-1)).rejects.toMatchObject({ code: 'segment_not_found' });
    await s.end('timeout');
    await expect(s.segment(0)).rejects.toMatchObject({ code: 'session_ended' });
    expect(enc.started).toEqual([]);
  });

  it('restarts a crashed encoder once, then fails clearly and ends with error', async () => {
    const enc = fakeEncoders(50, 3, [5, 8]);
    const obs = recorder();
    const s = session(50, enc, obs);
    await s.segment(4);
    await expect(s.segment(8)).rejects.toMatchObject({ code: 'encoder_failed' });
    expect(enc.started).toEqual([4, 8]);
    expect(obs.log).toContain('ended error');
    expect(obs.log.filter((l) => l.startsWith('failed'))).toHaveLength(2);
  });

  it('drops reports from an encoder it replaced', async () => {
    let stale: EncoderEvents | null = null;
    const observer = recorder();
    const s = createJitSession({
      id: 's',
      itemId: 'i',
      plan: PLAN,
      segmentCount: 100,
      observer,
      lookahead: 1,
      segmentTimeoutMs: 200,
      startEncoder: (startIndex, generation, events) => {
        if (generation === 1) stale = events;
        else setTimeout(() => events.segment(startIndex, 1), 5);
        return { startIndex, stop: async () => {} };
      },
    });
    await expect(s.segment(0)).rejects.toMatchObject({ code: 'segment_timeout' });
    await s.segment(50);
    stale!.segment(0, 1);
    stale!.exit({ reason: 'failed', message: 'late' });
    expect(s.written()).toBe(1);
    expect(observer.log.some((l) => l.includes('late'))).toBe(false);
  });

  it('is not idle while a segment request waits for the encoder, however long', async () => {
    let clock = 0;
    // A wait longer than the clock's jump below: the wait itself must not time out.
    const s = session(4, fakeEncoders(4, 40), recorder(), { segmentTimeoutMs: 120_000, now: () => clock });
    const first = s.segment(0);
    clock += 60_000;
    expect(s.idleMs()).toBe(0);
    await first;
    expect(s.idleMs()).toBe(0);
    clock += 5_000;
    expect(s.idleMs()).toBe(5_000);
    await s.end(HLS_SESSION_END_REASONS.clientClosed);
  });
});

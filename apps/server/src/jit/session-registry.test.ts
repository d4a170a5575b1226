import type { PlaybackPlan } from '@coursecast/media';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import type { Item } from '../store/index.js';
import { createJitSession, type JitSession } from './jit-session.js';
import { createSessionRegistry, type SessionRegistry } from './session-registry.js';

const transcode720 = {
  mode: 'transcode',
  video: { action: 'encode', height: 720 },
  audio: {},
} as PlaybackPlan;
const remux = { mode: 'remux', video: { action: 'copy' }, audio: {} } as PlaybackPlan;
const quiet = {
  encoderStarted() {},
  encoderFirstProgress() {},
  segmentWritten() {},
  segmentServed() {},
  failed() {},
  ended() {},
};
let registry: SessionRegistry | null = null;
const item = (id: string) => ({ id }) as Item;
afterEach(async () => {
  vi.useRealTimers();
  await registry?.shutdown();
});

function make(limits: Partial<Parameters<typeof createSessionRegistry>[0]> = {}, ended: JitSession[] = []) {
  registry = createSessionRegistry(
    { maxSessions: 2, idleTimeoutMs: 60_000, reapIntervalMs: 1000, ...limits },
    async (id, item, plan) =>
      createJitSession({
        id,
        itemId: item.id,
        plan,
        segmentCount: 10,
        observer: quiet,
        lookahead: 3,
        segmentTimeoutMs: 100,
        startEncoder: (startIndex) => ({ startIndex, stop: async () => {} }),
      }),
    (s) => ended.push(s),
  );
  return registry;
}

describe('session registry', () => {
  it('reuses a viewer’s session for the same item and plan, and replaces it for another plan', async () => {
    const ended: JitSession[] = [];
    const r = make({}, ended);
    const a = await r.open(item('itm_1'), transcode720, 'view_1');
    expect(a.id).toMatch(/^ses_/);
    expect((await r.open(item('itm_1'), transcode720, 'view_1')).id).toBe(a.id);
    const b = await r.open(item('itm_1'), remux, 'view_1');
    expect(b.id).not.toBe(a.id);
    expect(a.endReason).toBe('replaced');
    expect(ended.map((s) => s.id)).toEqual([a.id]);
    expect(r.get(a.id)).toBeUndefined();
    expect(r.list().map((s) => s.id)).toEqual([b.id]);
  });

  it('answers 503 with a retry hint at the cap', async () => {
    const r = make();
    await r.open(item('itm_1'), remux, null);
    await r.open(item('itm_2'), remux, null);
    let caught: unknown = null;
    try {
      await r.open(item('itm_3'), remux, null);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ status: 503, code: 'sessions_full', details: { retryAfterSeconds: 15 } });
  });

  it('reaps sessions idle past the timeout, and keeps those a heartbeat touched', async () => {
    vi.useFakeTimers();
    const ended: JitSession[] = [];
    const r = make({ idleTimeoutMs: 5000, reapIntervalMs: 1000 }, ended);
    const idle = await r.open(item('itm_1'), remux, null);
    const watched = await r.open(item('itm_2'), remux, null);
    for (let t = 0; t < 8; t++) {
      watched.touch();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(idle.endReason).toBe('timeout');
    expect(watched.endReason).toBeNull();
    expect(ended.map((s) => s.id)).toEqual([idle.id]);
    await r.shutdown();
    expect(watched.endReason).toBe('shutdown');
  });
});

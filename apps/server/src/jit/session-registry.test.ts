import type { PlaybackPlan } from '@coursecast/media';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import type { Item } from '../store/index.js';
import { createJitSession, type JitSession } from './jit-session.js';
import { createSessionRegistry, type SessionOwner, type SessionRegistry } from './session-registry.js';

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
/** A session whose encoder writes nothing: the registry's rules are under test, not the media. */
function quietSession(id: string, it: Item, plan: PlaybackPlan): JitSession {
  return createJitSession({
    id,
    itemId: it.id,
    plan,
    segmentCount: 10,
    observer: quiet,
    lookahead: 3,
    segmentTimeoutMs: 100,
    startEncoder: (startIndex) => ({ startIndex, stop: async () => {} }),
  });
}

let registry: SessionRegistry | null = null;
let nextClient = 0;
/** A viewer on a client of its own (unless one is named): per-client limits stay out of these tests. */
const by = (viewer: string | null, client = viewer ?? `anon_${++nextClient}`): SessionOwner => ({
  client: `client_${client}`,
  viewer,
});
const item = (id: string) => ({ id }) as Item;
afterEach(async () => {
  vi.useRealTimers();
  await registry?.shutdown();
});

function make(limits: Partial<Parameters<typeof createSessionRegistry>[0]> = {}, ended: JitSession[] = []) {
  registry = createSessionRegistry(
    { maxSessions: 2, maxSessionsPerClient: 8, idleTimeoutMs: 60_000, reapIntervalMs: 1000, ...limits },
    async (id, item, plan) => quietSession(id, item, plan),
    (s) => ended.push(s),
  );
  return registry;
}

describe('session registry', () => {
  it('reuses a viewer’s session for the same item and plan, and replaces it for another plan', async () => {
    const ended: JitSession[] = [];
    const r = make({}, ended);
    const a = await r.open(item('itm_1'), transcode720, by('view_1'));
    expect(a.id).toMatch(/^ses_/);
    expect((await r.open(item('itm_1'), transcode720, by('view_1'))).id).toBe(a.id);
    const b = await r.open(item('itm_1'), remux, by('view_1'));
    expect(b.id).not.toBe(a.id);
    expect(a.endReason).toBe('replaced');
    expect(ended.map((s) => s.id)).toEqual([a.id]);
    expect(r.get(a.id)).toBeUndefined();
    expect(r.list().map((s) => s.id)).toEqual([b.id]);
  });

  it('answers 503 with a retry hint at the cap', async () => {
    const r = make();
    await r.open(item('itm_1'), remux, by(null));
    await r.open(item('itm_2'), remux, by(null));
    let caught: unknown = null;
    try {
      await r.open(item('itm_3'), remux, by(null));
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
    const idle = await r.open(item('itm_1'), remux, by(null));
    const watched = await r.open(item('itm_2'), remux, by(null));
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

describe('session registry under concurrent opens', () => {
  /** A registry whose factory waits until `release()`: every open is in flight at once, as under a burst. */
  function gated(maxSessions: number, fail = false) {
    const built: string[] = [];
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    registry = createSessionRegistry(
      { maxSessions, maxSessionsPerClient: 8, idleTimeoutMs: 60_000, reapIntervalMs: 1000 },
      async (id, item, plan) => {
        built.push(id);
        await gate;
        if (fail) throw new Error('encoder failed to start');
        return quietSession(id, item, plan);
      },
    );
    return { r: registry, built, release };
  }

  it('reserves the slot before building: 12 concurrent opens against a cap of 4 build 4 sessions', async () => {
    const { r, built, release } = gated(4);
    const opens = Array.from({ length: 12 }, (_, i) => r.open(item('itm_1'), remux, by(`view_${i}`)));
    release();
    const results = await Promise.allSettled(opens);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(4);
    const refused = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(refused).toHaveLength(8);
    for (const x of refused) expect(x.reason).toMatchObject({ status: 503, code: 'sessions_full' });
    expect(built).toHaveLength(4);
    expect(r.list()).toHaveLength(4);
  });

  it('joins a viewer’s concurrent opens of the same item and plan into one session', async () => {
    const { r, built, release } = gated(4);
    const opens = [1, 2, 3].map(() => r.open(item('itm_1'), remux, by('view_1')));
    release();
    const sessions = await Promise.all(opens);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(1);
    expect(built).toHaveLength(1);
  });

  it('frees the slot of a session that failed to build', async () => {
    const { r, release } = gated(1, true);
    const first = r.open(item('itm_1'), remux, by('view_1'));
    await expect(r.open(item('itm_2'), remux, by('view_2'))).rejects.toMatchObject({ code: 'sessions_full' });
    release();
    await expect(first).rejects.toThrow('encoder failed to start');
    expect(r.list()).toHaveLength(0);
    // The failed build left no slot taken: the next open is refused by the factory, not by the cap.
    await expect(r.open(item('itm_3'), remux, by('view_3'))).rejects.toThrow('encoder failed to start');
  });

  it('ends a session that finished building after shutdown, and refuses new ones', async () => {
    const { r, release } = gated(2);
    const late = r.open(item('itm_1'), remux, by('view_1'));
    const stopping = r.shutdown();
    release();
    await expect(late).rejects.toMatchObject({ status: 503, code: 'shutting_down' });
    await stopping;
    expect(r.list()).toHaveLength(0);
    await expect(r.open(item('itm_2'), remux, by(null))).rejects.toMatchObject({ code: 'shutting_down' });
  });
});

describe('session registry when an item is deleted', () => {
  it('ends the item’s sessions as item_deleted and leaves the others', async () => {
    const ended: JitSession[] = [];
    const r = make({ maxSessions: 3 }, ended);
    const a = await r.open(item('itm_1'), remux, by('view_1'));
    const b = await r.open(item('itm_1'), transcode720, by('view_2'));
    const other = await r.open(item('itm_2'), remux, by('view_3'));
    await r.endItem('itm_1');
    expect([a.endReason, b.endReason, other.endReason]).toEqual(['item_deleted', 'item_deleted', null]);
    expect(r.list().map((s) => s.id)).toEqual([other.id]);
    expect(ended.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('ends a session of the item that was still being built, and frees its slot', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    registry = createSessionRegistry(
      { maxSessions: 1, maxSessionsPerClient: 8, idleTimeoutMs: 60_000, reapIntervalMs: 1000 },
      async (id, it, plan) => {
        await gate;
        return quietSession(id, it, plan);
      },
    );
    const r = registry;
    const opening = r.open(item('itm_1'), remux, by('view_1'));
    await r.endItem('itm_1');
    release();
    await expect(opening).rejects.toMatchObject({ status: 404, code: 'item_not_found' });
    expect(r.list()).toHaveLength(0);
    // The slot is free again, and the deletion does not follow a later item.
    await expect(r.open(item('itm_2'), remux, by('view_2'))).resolves.toMatchObject({ itemId: 'itm_2' });
  });
});

describe('session registry and strangers', () => {
  it('gives each session a capability token: only its holder may use it, a wrong one is an unknown session', async () => {
    const r = make();
    const s = await r.open(item('itm_1'), remux, by('view_1'));
    const token = r.token(s.id)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(r.authorize(s.id, token)).toBe(s);
    for (const wrong of ['', 'x'.repeat(24), `${token}x`]) {
      expect(() => r.authorize(s.id, wrong)).toThrow(expect.objectContaining({ code: 'session_not_found' }));
    }
  });

  it('keeps a viewer’s session to its own client: a stranger naming the viewer id neither joins nor replaces it', async () => {
    const r = make();
    const mine = await r.open(item('itm_1'), transcode720, by('view_1', 'home'));
    const theirs = await r.open(item('itm_1'), remux, by('view_1', 'stranger'));
    expect(theirs.id).not.toBe(mine.id);
    expect(mine.endReason).toBeNull();
    expect(r.token(theirs.id)).not.toBe(r.token(mine.id));
  });

  it('refuses a client more sessions than its own limit with 429, leaving the others their slots', async () => {
    const r = make({ maxSessions: 4, maxSessionsPerClient: 2 });
    await r.open(item('itm_1'), remux, by('v1', 'greedy'));
    await r.open(item('itm_2'), remux, by('v2', 'greedy'));
    await expect(r.open(item('itm_3'), remux, by('v3', 'greedy'))).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
    await r.open(item('itm_3'), remux, by('v4', 'learner'));
    expect(r.list()).toHaveLength(3);
  });
});

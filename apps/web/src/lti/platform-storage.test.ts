import { describe, expect, it } from 'vitest';
import { platformStorage, type StorageHost } from './platform-storage.js';

const PLATFORM = 'https://lms.example';

/** A platform page keeping values, answering from `answerOrigin` (or not at all). */
function fakePlatform(answerOrigin: string | null) {
  const kept = new Map<string, string>();
  const listeners = new Set<(e: { data: unknown; origin: string }) => void>();
  const timers: (() => void)[] = [];
  const posted: { message: Record<string, unknown>; origin: string }[] = [];
  let n = 0;
  const host: StorageHost = {
    target: {
      postMessage(message, targetOrigin) {
        const m = message as Record<string, string>;
        posted.push({ message: m, origin: targetOrigin });
        if (answerOrigin === null) return;
        if (m['subject'] === 'lti.put_data') kept.set(m['key']!, m['value']!);
        const value = m['subject'] === 'lti.get_data' ? (kept.get(m['key']!) ?? null) : m['value'];
        // A stranger's answer with the same id first: it must be ignored.
        const answer = {
          subject: `${m['subject']}.response`,
          message_id: m['message_id'],
          key: m['key'],
          value,
        };
        queueMicrotask(() => {
          for (const l of [...listeners])
            l({ data: { ...answer, value: 'forged' }, origin: 'https://evil.example' });
          for (const l of [...listeners]) l({ data: answer, origin: answerOrigin });
        });
      },
    },
    listen(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    newId: () => `m-${++n}`,
    setTimeout(fn) {
      timers.push(fn);
    },
  };
  return { host, posted, expire: () => timers.splice(0).forEach((f) => f()) };
}

describe('the LTI platform storage client', () => {
  it('keeps and reads a value through the platform, posting only to its origin and trusting only its answers', async () => {
    const p = fakePlatform(PLATFORM);
    const storage = platformStorage(p.host, PLATFORM);
    expect(await storage.put('lti_state_abc', 'sig-1')).toBe(true);
    expect(await storage.get('lti_state_abc')).toBe('sig-1');
    expect(await storage.get('lti_state_other')).toBeNull();
    expect(p.posted.map((x) => x.origin)).toEqual([PLATFORM, PLATFORM, PLATFORM]);
    expect(p.posted[0]!.message).toMatchObject({
      subject: 'lti.put_data',
      key: 'lti_state_abc',
      value: 'sig-1',
    });
  });

  it('gives up when nobody answers, or only another origin does', async () => {
    const silent = fakePlatform(null);
    const put = platformStorage(silent.host, PLATFORM).put('k', 'v');
    silent.expire();
    expect(await put).toBe(false);

    const stranger = fakePlatform('https://evil.example');
    const get = platformStorage(stranger.host, PLATFORM).get('k');
    await Promise.resolve();
    stranger.expire();
    expect(await get).toBeNull();
  });

  it('answers null at once when the platform named no reachable frame', async () => {
    const host: StorageHost = { ...fakePlatform(PLATFORM).host, target: null };
    expect(await platformStorage(host, PLATFORM).get('k')).toBeNull();
  });
});

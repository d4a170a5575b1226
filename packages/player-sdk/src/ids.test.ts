import { describe, expect, it } from 'vitest';
import {
  doNotTrack,
  fnv1a32,
  newSpanId,
  newTraceId,
  randomHex,
  sampleKey,
  traceparent,
  viewerIdentity,
  VIEWER_STORAGE_KEY,
  type RandomValues,
  type StorageLike,
} from './ids.js';

const zeros: RandomValues = { getRandomValues: (a) => a.fill(0) };
const fixed = (byte: number): RandomValues => ({ getRandomValues: (a) => a.fill(byte) });

function memoryStorage(init: Record<string, string> = {}): StorageLike & { data: Record<string, string> } {
  const data = { ...init };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('ids', () => {
  it('makes random hex of the asked length from Web Crypto, and from Math.random when crypto fails', () => {
    expect(randomHex(4, fixed(0xab))).toBe('abababab');
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(randomHex(8)).not.toBe(randomHex(8));
    const broken: RandomValues = {
      getRandomValues: () => {
        throw new Error('no entropy');
      },
    };
    expect(randomHex(16, broken)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomHex(16, undefined)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('makes W3C trace and span ids that are never all zero, and a traceparent', () => {
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId(zeros)).toBe(`${'0'.repeat(31)}1`);
    expect(newSpanId(zeros)).toBe(`${'0'.repeat(15)}1`);
    expect(newSpanId(fixed(0x0f))).toBe('0f'.repeat(8));
    const trace = 'ab'.repeat(16);
    const span = 'cd'.repeat(8);
    expect(traceparent(trace, span)).toBe(`00-${trace}-${span}-01`);
    expect(traceparent(trace, span, false)).toBe(`00-${trace}-${span}-00`);
  });

  it('hashes with FNV-1a 32 (reference vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('viewerIdentity', () => {
  it('keeps a random viewer id in storage and reuses it', () => {
    const storage = memoryStorage();
    const first = viewerIdentity({ storage, sampleRate: 1 });
    expect(first.viewerId).toMatch(/^[0-9a-f]{16}$/);
    expect(storage.data[VIEWER_STORAGE_KEY]).toBe(first.viewerId);
    expect(viewerIdentity({ storage, sampleRate: 1 }).viewerId).toBe(first.viewerId);
    expect(viewerIdentity({ storage: memoryStorage(), sampleRate: 1 }).viewerId).not.toBe(first.viewerId);
  });

  it("uses the caller's viewer id as is, without storing it", () => {
    const storage = memoryStorage({ [VIEWER_STORAGE_KEY]: 'stored' });
    expect(viewerIdentity({ storage, viewerId: 'learner-42', sampleRate: 1 }).viewerId).toBe('learner-42');
    expect(storage.data[VIEWER_STORAGE_KEY]).toBe('stored');
  });

  it('falls back to one id for the page when storage is null, missing or throws (Safari private mode)', () => {
    const throwing: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const reading: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => undefined,
    };
    const a = viewerIdentity({ storage: null, sampleRate: 1 }).viewerId;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(viewerIdentity({ storage: throwing, sampleRate: 1 }).viewerId).toBe(a);
    expect(viewerIdentity({ storage: reading, sampleRate: 1 }).viewerId).toBe(a);
    // Node has no localStorage: the default storage is missing, which is not an error.
    expect(viewerIdentity({ sampleRate: 1 }).viewerId).toBe(a);
  });

  it('replaces a stored id that is not one of ours (empty or oversized)', () => {
    const storage = memoryStorage({ [VIEWER_STORAGE_KEY]: 'x'.repeat(500) });
    const id = viewerIdentity({ storage, sampleRate: 1 }).viewerId;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(storage.data[VIEWER_STORAGE_KEY]).toBe(id);
  });

  it('samples by a stable hash of the viewer id: always in or always out, in proportion to the rate', () => {
    // Sequential ids (a caller's learner ids) are the hard case for a hash's spread.
    const ids = Array.from({ length: 4000 }, (_, i) => `learner-${i}`);
    const share = (rate: number) =>
      ids.filter((viewerId) => viewerIdentity({ storage: null, viewerId, sampleRate: rate }).sampled).length /
      ids.length;
    expect(share(1)).toBe(1);
    expect(share(0)).toBe(0);
    expect(share(5)).toBe(1);
    expect(share(-1)).toBe(0);
    expect(share(Number.NaN)).toBe(1);
    for (const rate of [0.01, 0.1, 0.25, 0.5]) {
      // ±4.5 standard deviations of a binomial share.
      expect(Math.abs(share(rate) - rate)).toBeLessThan(4.5 * Math.sqrt((rate * (1 - rate)) / ids.length));
    }
    const numeric = Array.from({ length: 4000 }, (_, i) => `${i}`);
    expect(numeric.filter((id) => sampleKey(id) < 0.1).length / numeric.length).toBeCloseTo(0.1, 1);
    expect(sampleKey('learner-1')).toBe(sampleKey('learner-1'));
    for (const viewerId of ids.slice(0, 50)) {
      const once = viewerIdentity({ storage: null, viewerId, sampleRate: 0.5 }).sampled;
      expect(viewerIdentity({ storage: null, viewerId, sampleRate: 0.5 }).sampled).toBe(once);
      // A viewer in at a rate stays in at any higher rate.
      if (once) expect(viewerIdentity({ storage: null, viewerId, sampleRate: 0.6 }).sampled).toBe(true);
    }
  });
});

describe('doNotTrack', () => {
  it('reads Do Not Track (navigator or window) and Global Privacy Control', () => {
    expect(doNotTrack({}, {})).toBe(false);
    expect(doNotTrack({ doNotTrack: '1' }, {})).toBe(true);
    expect(doNotTrack({ doNotTrack: '0' }, {})).toBe(false);
    expect(doNotTrack({ doNotTrack: null }, { doNotTrack: '1' })).toBe(true);
    expect(doNotTrack({ globalPrivacyControl: true }, {})).toBe(true);
    expect(doNotTrack({ globalPrivacyControl: false }, {})).toBe(false);
    expect(doNotTrack(undefined, {})).toBe(false);
  });

  it('answers false rather than throw when the navigator does', () => {
    const nav = {
      get doNotTrack(): string {
        throw new Error('blocked');
      },
    };
    expect(doNotTrack(nav, {})).toBe(false);
  });
});

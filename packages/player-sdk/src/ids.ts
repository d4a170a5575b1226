/** The part of Web Crypto the SDK needs (injectable for tests). */
export interface RandomValues {
  getRandomValues(array: Uint8Array): unknown;
}

/** The part of Web Storage the SDK needs. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Where the random viewer id is kept. */
export const VIEWER_STORAGE_KEY = 'coursecast.viewer';

const g = globalThis as {
  crypto?: RandomValues;
  localStorage?: StorageLike;
  navigator?: NavigatorPrivacy;
  doNotTrack?: unknown;
};

/** `bytes` random bytes as lowercase hex (Web Crypto; Math.random where it is missing or fails). */
export function randomHex(bytes: number, crypto: RandomValues | undefined = g.crypto): string {
  const a = new Uint8Array(bytes);
  try {
    crypto!.getRandomValues(a);
  } catch {
    // Telemetry ids need to be unique, not secret: an id from Math.random beats no telemetry.
    for (let i = 0; i < bytes; i++) a[i] = (Math.random() * 256) | 0;
  }
  let hex = '';
  for (const b of a) hex += (b + 256).toString(16).slice(1);
  return hex;
}

// W3C Trace Context forbids all-zero ids; flipping the last digit keeps the rest random without a loop
// that a broken random source could make endless.
const nonZero = (hex: string): string => (/^0*$/.test(hex) ? hex.slice(0, -1) + '1' : hex);

/** A W3C trace id: 32 hex digits, never all zero. */
export const newTraceId = (crypto?: RandomValues): string => nonZero(randomHex(16, crypto));

/** A W3C span id: 16 hex digits, never all zero. */
export const newSpanId = (crypto?: RandomValues): string => nonZero(randomHex(8, crypto));

/** The W3C `traceparent` header value (version 00). */
export const traceparent = (traceId: string, spanId: string, sampled = true): string =>
  `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;

/** FNV-1a, 32 bits: a stable hash of a string, as an unsigned integer. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A viewer id's place in [0, 1), the same on every page load. */
export function sampleKey(id: string): number {
  // FNV-1a alone spreads ids that differ in their last digits badly ("learner-1", "learner-2": 0.25% of
  // them under 1% instead of 1%); MurmurHash3's finalizer mixes every bit into the top ones.
  let h = fnv1a32(id);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export interface ViewerIdentityOptions {
  /** Where the id is kept; undefined: localStorage; null: nowhere (this page only). */
  storage?: StorageLike | null;
  /** The caller's own viewer id: used as is, never stored. */
  viewerId?: string;
  /** Share of viewers measured, clamped to 0..1. */
  sampleRate: number;
  crypto?: RandomValues;
}

// A page-lifetime id for when nothing can be stored, so every player of the page is the same viewer and
// is sampled alike.
let pageViewerId: string | undefined;

/** The viewer's id (kept in storage) and whether this viewer is measured; never throws. */
export function viewerIdentity(o: ViewerIdentityOptions): { viewerId: string; sampled: boolean } {
  let id = o.viewerId;
  if (!id) {
    try {
      // Reading localStorage itself throws where storage is blocked, so the default is taken in here.
      const store = o.storage === undefined ? g.localStorage : o.storage;
      if (store) {
        id = store.getItem(VIEWER_STORAGE_KEY) ?? undefined;
        if (!id || id.length > 64) store.setItem(VIEWER_STORAGE_KEY, (id = randomHex(8, o.crypto)));
      }
    } catch {
      // Safari's private mode and blocked storage throw: the id lives as long as the page.
      id = undefined;
    }
    id ||= pageViewerId ||= randomHex(8, o.crypto);
  }
  // NaN (a broken setting) measures everyone, as the default does.
  const rate = o.sampleRate >= 0 ? Math.min(1, o.sampleRate) : o.sampleRate < 0 ? 0 : 1;
  return { viewerId: id, sampled: sampleKey(id) < rate };
}

/** The privacy signals of the browser the SDK reads. */
export interface NavigatorPrivacy {
  doNotTrack?: string | null;
  globalPrivacyControl?: boolean;
}

/** True when the browser asks not to be tracked (Do Not Track or Global Privacy Control). */
export function doNotTrack(
  nav: NavigatorPrivacy | undefined = g.navigator,
  win: { doNotTrack?: unknown } = g,
): boolean {
  try {
    return nav?.doNotTrack === '1' || win.doNotTrack === '1' || nav?.globalPrivacyControl === true;
  } catch {
    return false;
  }
}

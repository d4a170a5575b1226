// The learner's random viewer id, kept in localStorage (never a cookie). The watch page needs it before the
// SDK starts (the playback request names the viewer, so the server's JIT session and the SDK's events carry the
// same id), so the page keeps it and hands it to monitor() as its `viewerId`.

// The player SDK's own key and format (packages/player-sdk/src/ids.ts), so every page of the site is one viewer.
const KEY = 'coursecast.viewer';
const VALID = /^[A-Za-z0-9_-]{1,64}$/;

/** 16 hex digits from getRandomValues (randomUUID needs a secure context; a LAN http:// page is not one). */
export function randomViewerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This browser's viewer id: the stored one, or a new one (stored when storage works). */
export function viewerId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()): string {
  try {
    const kept = storage?.getItem(KEY);
    if (kept && VALID.test(kept)) return kept;
  } catch {
    // Storage refused (privacy mode, quota): a per-page id still works.
  }
  const id = randomViewerId();
  try {
    storage?.setItem(KEY, id);
  } catch {
    // As above.
  }
  return id;
}

function safeLocalStorage(): Storage | null {
  try {
    return self.localStorage;
  } catch {
    return null;
  }
}

// A just-in-time session lives while its player asks for segments or heartbeats; a paused learner sends no
// requests, so the page heartbeats on a timer. When the page goes away it ends the session at once rather than
// leaving the server's FFmpeg to idle out.

export interface KeptSession {
  id: string;
  /** The heartbeat URL the playback answer gave (POST; it carries the session's token). */
  heartbeat: string;
  /** The session's own URL the playback answer gave (DELETE ends it; it carries the token too). */
  end: string;
}

export interface SessionKeeperOptions {
  /** Heartbeat period, ms (default 20 000; the server's idle timeout defaults to 60 s). */
  periodMs?: number;
  /** Called once the server no longer knows the session (404): heartbeats stop. */
  onLost?: () => void;
  fetchFn?: typeof fetch;
  /** Where pagehide/pageshow are listened for (default: the window). */
  target?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Called when a page restored from the back/forward cache needs a new session (default: reload). */
  onRestored?: () => void;
}

/** Heartbeats the session until the page hides (then DELETEs it, keepalive) or stop() is called. */
export function keepSessionAlive(session: KeptSession, options: SessionKeeperOptions = {}): { stop(): void } {
  const {
    periodMs = 20_000,
    onLost,
    fetchFn = (input, init) => fetch(input, init),
    target = globalThis,
    onRestored = () => location.reload(),
  } = options;
  let closedByPage = false;

  const beat = async () => {
    try {
      const res = await fetchFn(session.heartbeat, { method: 'POST' });
      if (res.status === 404) {
        stop();
        onLost?.();
      }
    } catch {
      // Offline for a moment: the next beat tries again.
    }
  };
  const timer = setInterval(() => void beat(), periodMs);

  // pagehide, not unload (which would keep the page out of the back/forward cache). keepalive: the request
  // outlives the page that sends it.
  const onPageHide = () => {
    stop();
    closedByPage = true;
    void fetchFn(session.end, { method: 'DELETE', keepalive: true }).catch(() => undefined);
  };
  // A page restored from the back/forward cache has ended its session: it starts over with a new one.
  const onPageShow = (event: Event) => {
    if ((event as PageTransitionEvent).persisted && closedByPage) onRestored();
  };
  target.addEventListener('pagehide', onPageHide);
  target.addEventListener('pageshow', onPageShow);

  function stop(): void {
    clearInterval(timer);
    target.removeEventListener('pagehide', onPageHide);
  }
  return { stop };
}

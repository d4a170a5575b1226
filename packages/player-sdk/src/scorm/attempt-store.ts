// The launch frame's side of a learner's SCORM attempt (the learn page opened from an LMS hands it a ticket in
// its URL fragment): it reads which attempt the launch continues, with its kept values, before the package runs,
// and keeps the values at each commit and finish, on its own origin (the content origin's /launch/:itemId/cmi).
import type { ScormLaunchState } from '@coursecast/api';

/** The ticket in a launch frame's fragment (`#ticket=…`), or null. */
export function readTicket(hash: string): string | null {
  const m = /(?:^#|&)ticket=([^&]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** The attempt store of one launch. */
export interface AttemptStore {
  /** Which attempt this launch continues or starts, and its values. */
  load(): Promise<ScormLaunchState>;
  /** Keeps the attempt's values; a finish goes out even as the page unloads. */
  keep(call: 'commit' | 'finish', values: Record<string, string>): void;
}

/** The store at `url` (`/launch/:itemId/cmi`) for `ticket`. */
export function attemptStore(url: string, ticket: string, doFetch: typeof fetch = fetch): AttemptStore {
  const auth = { authorization: `Bearer ${ticket}` };
  let attempt = 0;
  // Writes go one after the other: a late commit must not overwrite the finish.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async load() {
      const res = await doFetch(url, { headers: auth });
      if (!res.ok) throw new Error(`the attempt could not be read (${res.status})`);
      const state = (await res.json()) as ScormLaunchState;
      attempt = state.attempt;
      return state;
    },
    keep(call, values) {
      const body = JSON.stringify({ attempt, call, values });
      queue = queue
        .then(() =>
          doFetch(url, {
            method: 'PUT',
            keepalive: call === 'finish' && body.length < 60_000,
            headers: { ...auth, 'content-type': 'application/json' },
            body,
          }),
        )
        .catch(() => undefined);
    },
  };
}

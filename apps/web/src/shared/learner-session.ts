// The learner session an LMS launch hands a page (apps/server/src/lti): it arrives in the URL fragment
// (`#session=…`, never sent to a server or kept in a log), is taken out of the address bar and the history at
// once, and is kept for the page's life, and in this tab's session storage where the browser allows it (a reload
// keeps it; a third-party frame with storage blocked simply starts from the fragment again).

const KEY = 'coursecast.learnerSession';

function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The learner session of this page, taken from the fragment or kept from before; null when none. */
export function takeLearnerSession(): string | null {
  const match = /(?:^#|&)session=([^&]+)/.exec(location.hash);
  const storage = tabStorage();
  if (match) {
    const session = decodeURIComponent(match[1]!);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    try {
      storage?.setItem(KEY, session);
    } catch {
      // Storage full or blocked: the page keeps it in memory.
    }
    return session;
  }
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

/** The `Authorization` header of a learner's API calls. */
export function learnerHeaders(session: string): Record<string, string> {
  return { authorization: `Bearer ${session}` };
}

/** What a page reads of its learner session (the server checks the signature; a page only shows and routes). */
export interface LearnerSessionClaims {
  /** The learner's id (`lrn_…`). */
  sub: string;
  role: 'learner' | 'instructor';
  /** The item the launch opened. */
  item: string | null;
}

/** The claims of a session, or null when it is not one. */
export function sessionClaims(session: string): LearnerSessionClaims | null {
  try {
    const part = session.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const c = JSON.parse(json) as Partial<LearnerSessionClaims>;
    return typeof c.sub === 'string' ? { sub: c.sub, role: c.role ?? 'learner', item: c.item ?? null } : null;
  } catch {
    return null;
  }
}

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

import type { LtiPlatform, LtiStore } from '../store/index.js';

/** The origins of the registered platforms: who may frame the tool's pages (CSP frame-ancestors). */
export interface PlatformOrigins {
  /** The current list (kept in memory: a page's headers never wait for the store). */
  list(): readonly string[];
  /** Reads the registrations again (after a change). */
  refresh(): Promise<void>;
}

const originOf = (url: string): string | null => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
};

/** A platform's origins: its issuer's and its authorization endpoint's (the LMS pages frame from either). */
export function originsOf(p: Pick<LtiPlatform, 'issuer' | 'authLoginUrl'>): string[] {
  return [originOf(p.issuer), originOf(p.authLoginUrl)].filter((o): o is string => o !== null);
}

/** Origins read from `store`, refreshed on demand, with the operator's `extra` ones (`https://*.host` too). */
export function createPlatformOrigins(
  store: Pick<LtiStore, 'listLtiPlatforms'>,
  extra: readonly string[] = [],
): PlatformOrigins {
  let origins: readonly string[] = [...extra];
  return {
    list: () => origins,
    async refresh() {
      origins = [...new Set([...extra, ...(await store.listLtiPlatforms()).flatMap(originsOf)])];
    },
  };
}

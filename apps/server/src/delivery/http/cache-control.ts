/** The Cache-Control directives a shared cache acts on (RFC 9111, RFC 5861). */
export interface CacheDirectives {
  /** Seconds; s-maxage wins over max-age for a shared cache. Null when neither is given. */
  readonly maxAge: number | null;
  readonly staleWhileRevalidate: number;
  readonly staleIfError: number | null;
  readonly noStore: boolean;
  /** Stored, but every use is revalidated. */
  readonly noCache: boolean;
  /** Never served stale, whatever stale-* says. */
  readonly mustRevalidate: boolean;
  readonly isPrivate: boolean;
  readonly immutable: boolean;
}

// delta-seconds is 1*DIGIT (RFC 9111 §1.2.2); Number() alone would also take "", "0x10", "1e3" and "+5".
function seconds(value: string | undefined): number | null {
  if (value === undefined) return null;
  const digits = value.replace(/^"|"$/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

/** Parses a Cache-Control header; unknown directives are ignored, as RFC 9111 requires. */
export function parseCacheControl(header: string | undefined): CacheDirectives {
  const d = new Map<string, string | undefined>();
  for (const part of (header ?? '').split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName?.trim().toLowerCase();
    // A repeated directive: the first occurrence counts (RFC 9111 §4.2.1).
    if (name && !d.has(name)) d.set(name, rest.length ? rest.join('=').trim() : undefined);
  }
  return {
    maxAge: seconds(d.get('s-maxage')) ?? seconds(d.get('max-age')),
    staleWhileRevalidate: seconds(d.get('stale-while-revalidate')) ?? 0,
    staleIfError: seconds(d.get('stale-if-error')),
    noStore: d.has('no-store'),
    noCache: d.has('no-cache'),
    mustRevalidate: d.has('must-revalidate') || d.has('proxy-revalidate'),
    isPrivate: d.has('private'),
    immutable: d.has('immutable'),
  };
}

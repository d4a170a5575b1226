import { CDN_CACHE_STATUSES, type CdnCacheStatus } from '@coursecast/semconv';

/** One answer's cache facts, as RFC 9211 `Cache-Status` and `cdn.cache_status` express them. */
export interface CacheVerdict {
  status: CdnCacheStatus;
  /** Status of the origin's answer when the request went forward. */
  fwdStatus?: number;
  /** The answer was stored. */
  stored?: boolean;
  /** The request waited on another request's origin fetch (RFC 9211 `collapsed`). */
  collapsed?: boolean;
  /** Seconds of freshness left; negative when stale. */
  ttl?: number;
  /** Why (stale-while-revalidate, stale-if-error, too-large, origin-timeout...). */
  detail?: string;
}

/** Formats the `Cache-Status` value: `coursecast; hit; ttl=31535990`, `coursecast; fwd=miss; stored`... */
export function cacheStatusHeader(server: string, v: CacheVerdict): string {
  const parts = [server];
  switch (v.status) {
    case CDN_CACHE_STATUSES.hit:
      parts.push('hit');
      break;
    case CDN_CACHE_STATUSES.miss:
      parts.push('fwd=miss');
      break;
    case CDN_CACHE_STATUSES.expired:
      parts.push('fwd=stale');
      break;
    case CDN_CACHE_STATUSES.stale:
      // Served from storage although stale: a hit for stale-while-revalidate, a failed forward otherwise.
      parts.push(v.detail === 'stale-while-revalidate' ? 'hit' : 'fwd=stale');
      break;
  }
  if (v.fwdStatus !== undefined) parts.push(`fwd-status=${v.fwdStatus}`);
  if (v.stored) parts.push('stored');
  if (v.collapsed) parts.push('collapsed');
  if (v.ttl !== undefined) parts.push(`ttl=${v.ttl}`);
  if (v.detail) parts.push(`detail=${v.detail}`);
  return parts.join('; ');
}

/** The verdict of an object served stale (past its freshness) for `reason`. */
export function staleVerdict(
  held: { readonly freshUntil: number },
  now: number,
  reason: string,
): CacheVerdict {
  return {
    status: CDN_CACHE_STATUSES.stale,
    ttl: Math.floor((held.freshUntil - now) / 1000),
    detail: reason,
  };
}

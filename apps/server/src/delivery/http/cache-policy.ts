import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';

/** A year: the longest max-age caches honour; versioned paths make it safe. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * VOD playlists are final too, but they are the entry point a deleted item must stop answering from
 * browsers and third-party CDNs, so they stay short; the edge may serve them stale while it revalidates.
 */
const VOD_PLAYLIST = 'public, max-age=30, stale-while-revalidate=30, stale-if-error=86400';
/** Still being written (a just-in-time session): every use must revalidate. */
const IN_PROGRESS = 'no-cache';

/** The Cache-Control an origin sends for an object: `final` is false while the object can still change. */
export function cacheControlFor(objectType: ContentObjectType, final: boolean): string {
  if (!final) return IN_PROGRESS;
  return objectType === CONTENT_OBJECT_TYPES.playlist ? VOD_PLAYLIST : IMMUTABLE;
}

/**
 * A live lecture's playlists change at every segment: cached for half a segment (at least the one second
 * Cache-Control can say), so an edge in front of 1,000 learners asks the origin about once per interval, and
 * never served stale (a learner would fall behind live).
 */
export function livePlaylistCacheControl(segmentSeconds: number): string {
  return `public, max-age=${Math.max(1, Math.floor(segmentSeconds / 2))}, must-revalidate`;
}

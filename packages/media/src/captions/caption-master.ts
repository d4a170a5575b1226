import { parseVariantPlaylist } from '../hls-playlist-parse.js';
import type { SegmentGrid } from '../jit/segment-grid.js';
import { subtitleMediaTag, type SubtitleRendition } from './caption-segments.js';

// A published master playlist gains (or loses) its subtitles group without touching the variants it lists: the ladder
// is not re-encoded, only its master playlist is rewritten next to the same segments.

/** The GROUP-ID of the subtitles renditions coursecast publishes. */
export const SUBTITLES_GROUP_ID = 'subs';

const SUBTITLES_ATTR = /,SUBTITLES="[^"]*"/;

/**
 * `master` with its subtitles renditions replaced by `renditions` (none: the group and every variant's SUBTITLES
 * attribute go). Each EXT-X-STREAM-INF names the group, as RFC 8216 4.4.6.2 asks of a variant with subtitles.
 */
export function withSubtitles(master: string, renditions: readonly SubtitleRendition[]): string {
  const kept = master
    .split('\n')
    .filter((line) => !(line.startsWith('#EXT-X-MEDIA:') && line.includes('TYPE=SUBTITLES')))
    .map((line) => (line.startsWith('#EXT-X-STREAM-INF:') ? line.replace(SUBTITLES_ATTR, '') : line));
  if (renditions.length === 0) return kept.join('\n');
  const tags = renditions.map((r) => subtitleMediaTag(r, SUBTITLES_GROUP_ID));
  const firstVariant = kept.findIndex((line) => line.startsWith('#EXT-X-STREAM-INF:'));
  if (firstVariant < 0) throw new Error('a master playlist without a variant cannot carry subtitles');
  const out = [...kept.slice(0, firstVariant), ...tags, ...kept.slice(firstVariant)];
  return out
    .map((line) =>
      line.startsWith('#EXT-X-STREAM-INF:') ? `${line},SUBTITLES="${SUBTITLES_GROUP_ID}"` : line,
    )
    .join('\n');
}

/** The segment grid a published media playlist cuts its media on (each EXTINF after the previous). */
export function gridOfMediaPlaylist(playlist: string): SegmentGrid {
  const { segments } = parseVariantPlaylist(playlist);
  if (segments.length === 0) throw new Error('the media playlist lists no segment');
  let start = 0;
  const grid = segments.map((s, index) => {
    const g = { index, start: Math.round(start * 1e6) / 1e6, duration: s.duration };
    start += s.duration;
    return g;
  });
  const longest = Math.max(...segments.map((s) => s.duration));
  return { segmentSeconds: longest, count: grid.length, segments: grid };
}

import type { SegmentGrid } from './segment-grid.js';

/** How {@link vodMediaPlaylist} names segments and, optionally, overrides the target duration. */
interface VodPlaylistOptions {
  segmentUri: (index: number) => string;
  /** Seconds; raised to the ceiling of the longest segment if smaller. */
  targetDuration?: number;
}

/** EXTINF with 6 decimals, trailing zeros dropped (`2`, `1.5`, `0.021333`). */
function formatDuration(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}

/** EXT-X-TARGETDURATION of a grid's playlist: the ceiling of its longest segment, at least `floor` and 1. */
export function gridTargetDuration(grid: SegmentGrid, floor = 0): number {
  const longest = grid.segments.reduce((max, s) => Math.max(max, s.duration), 0);
  // The ceiling of 2.0000001 would be 3: round to the microseconds EXTINF is printed with first.
  return Math.max(Math.ceil(Number(longest.toFixed(6))), Math.ceil(floor), 1);
}

/**
 * A complete VOD media playlist of MPEG-TS segments for the whole grid, published before any
 * segment exists: version 3 (decimal EXTINF), no EXT-X-MAP, TARGETDURATION = ceil of the longest
 * segment (RFC 8216 §4.3.3.1), ended by EXT-X-ENDLIST.
 */
export function vodMediaPlaylist(grid: SegmentGrid, opts: VodPlaylistOptions): string {
  const target = gridTargetDuration(grid, opts.targetDuration);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  for (const s of grid.segments)
    lines.push(`#EXTINF:${formatDuration(s.duration)},`, opts.segmentUri(s.index));
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

import type { SegmentGrid } from '../jit/segment-grid.js';
import { vodMediaPlaylist } from '../jit/vod-media-playlist.js';
import { HTML_ENTITIES, webvtt, type WebVttCue } from './webvtt-types.js';

// A caption track as an HLS subtitles rendition (RFC 8216 3.1.4, 4.4.6.1; Apple's HLS authoring spec): segmented
// WebVTT on the media's own segment grid, so a player fetches the captions of the segment it plays, each segment
// carrying X-TIMESTAMP-MAP so its cue times line up with the media's timestamps. A cue spanning a segment boundary is
// written in every segment it overlaps (players drop the duplicates by their times), as Apple's segmenter does.

/** The kinds of text track, as the studio names them. */
export type CaptionKind = 'subtitles' | 'captions' | 'descriptions';

/** One subtitles segment: its file name, duration and WebVTT. */
export interface SubtitleSegment {
  name: string;
  duration: number;
  body: string;
}

/** The rendition's segments and its media playlist. */
export interface SubtitleRenditionFiles {
  segments: SubtitleSegment[];
  playlist: string;
}

/**
 * Where FFmpeg's MPEG-TS muxer puts the media's time 0, in 90 kHz units (its 1.4 s start): the X-TIMESTAMP-MAP of
 * subtitles played beside MPEG-TS segments written by FFmpeg (a just-in-time session's).
 */
export const SUBTITLES_MPEGTS_START = 126_000;

/** The file name of the subtitles segment at grid index `index`. */
const segmentName = (index: number): string => `sub_${String(index + 1).padStart(5, '0')}.vtt`;

/**
 * Splits a normalized WebVTT on the media's segment grid (the same segments, so a player asks for the captions of
 * what it plays). `mpegts` is the media's presentation time at its start in 90 kHz units (what a player maps LOCAL 0
 * to).
 */
export function segmentCaptions(vtt: string, grid: SegmentGrid, mpegts = 0): SubtitleRenditionFiles {
  const tree = new webvtt.WebVTTParser(HTML_ENTITIES).parse(vtt, 'metadata');
  if (tree.errors.length > 0) throw new Error(`not a normalized WebVTT: ${tree.errors[0]?.message}`);
  const serializer = new webvtt.WebVTTSerializer();
  const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${Math.round(mpegts)},LOCAL:00:00:00.000\n\n`;
  const segments = grid.segments.map(({ index, start, duration }) => {
    const end = start + duration;
    const inside = tree.cues.filter((c: WebVttCue) => c.startTime < end && c.endTime > start);
    const cues = serializer
      .serialize(inside.map((c) => ({ ...c, id: c.id || undefined })))
      .replace(/^WEBVTT\n\n/, '');
    return { name: segmentName(index), duration, body: header + cues };
  });
  return { segments, playlist: vodMediaPlaylist(grid, { segmentUri: segmentName }) };
}

/** What a subtitles rendition says of itself in the master playlist. */
export interface SubtitleRendition {
  /** BCP 47, canonical. */
  language: string;
  /** The name a player's menu shows; unique in the group. */
  name: string;
  kind: CaptionKind;
  /** The one track a player shows without being asked (at most one per group). */
  default: boolean;
  /** Shown even with captions off (foreign-language lines of a lecture, say); subtitles only. */
  forced: boolean;
  /** The rendition's media playlist, relative to the master. */
  uri: string;
}

/** Apple's accessibility characteristics for a kind of text track (HLS authoring spec, RFC 8216 4.4.6.1). */
const CHARACTERISTICS: Record<CaptionKind, string | null> = {
  subtitles: null,
  // Captions (SDH): the dialogue and the sounds, for learners who cannot hear them.
  captions: 'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound',
  descriptions: 'public.accessibility.describes-video',
};

const quoted = (s: string): string => `"${s.replace(/["\n\r]/g, ' ')}"`;

/** The `#EXT-X-MEDIA:TYPE=SUBTITLES` line of a rendition in group `groupId`. */
export function subtitleMediaTag(r: SubtitleRendition, groupId: string): string {
  const attrs = [
    'TYPE=SUBTITLES',
    `GROUP-ID=${quoted(groupId)}`,
    `NAME=${quoted(r.name)}`,
    `LANGUAGE=${quoted(r.language)}`,
    `DEFAULT=${r.default ? 'YES' : 'NO'}`,
    // A default rendition must be one a player may choose by itself (RFC 8216 4.4.6.1).
    'AUTOSELECT=YES',
    `FORCED=${r.forced && r.kind === 'subtitles' ? 'YES' : 'NO'}`,
  ];
  const characteristics = CHARACTERISTICS[r.kind];
  if (characteristics) attrs.push(`CHARACTERISTICS=${quoted(characteristics)}`);
  attrs.push(`URI=${quoted(r.uri)}`);
  return `#EXT-X-MEDIA:${attrs.join(',')}`;
}

/** One media segment as a playlist lists it. */
interface PlaylistSegment {
  uri: string;
  duration: number;
}

/** A media (variant) playlist, reduced to what progress and measurement need. */
interface VariantPlaylist {
  segments: PlaylistSegment[];
  /** `#EXT-X-ENDLIST` seen: FFmpeg wrote its last segment. */
  ended: boolean;
  /** URI of `#EXT-X-MAP` (the init segment), null when absent. */
  mapUri: string | null;
  playlistType: string | null;
}

function attribute(line: string, name: string): string | null {
  const m = line.match(new RegExp(`(?:^|[:,])${name}=(?:"([^"]*)"|([^,]*))`));
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * Parses a media playlist. A last line without its newline is ignored: it may be half-written
 * (FFmpeg renames its playlists into place, but a reader should not depend on that).
 */
export function parseVariantPlaylist(text: string): VariantPlaylist {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop();
  const segments: PlaylistSegment[] = [];
  let ended = false;
  let mapUri: string | null = null;
  let playlistType: string | null = null;
  let pending: number | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice('#EXTINF:'.length));
      pending = Number.isFinite(d) && d >= 0 ? d : 0;
    } else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line.startsWith('#EXT-X-MAP:')) mapUri = attribute(line.slice('#EXT-X-MAP:'.length), 'URI');
    else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:'))
      playlistType = line.slice('#EXT-X-PLAYLIST-TYPE:'.length);
    else if (!line.startsWith('#') && pending !== null) {
      segments.push({ uri: line, duration: pending });
      pending = null;
    }
  }
  return { segments, ended, mapUri, playlistType };
}

/** One run of a live lecture (one publisher connection, one encoder) as a rung's playlist lists it. */
export interface LiveRunPlaylist {
  run: number;
  /** Wall time (ms since the epoch) of the run's first frame; null when unknown (then no program date time). */
  startMs: number | null;
  /** The run's init segment, relative to the rung's folder; null before FFmpeg wrote it. */
  init: string | null;
  segments: readonly { uri: string; duration: number }[];
}

/** How a rung's playlist is composed. */
export interface LivePlaylistOptions {
  /** Seconds; at least every segment's rounded duration (RFC 8216 4.3.3.1), constant over the lecture. */
  targetDuration: number;
  /** Seconds of the lecture learners can rewind; 0: the whole lecture (an EVENT playlist). */
  windowSeconds: number;
  /** The lecture ended: a VOD playlist with every segment and `#EXT-X-ENDLIST`. */
  ended: boolean;
}

interface Entry {
  uri: string;
  duration: number;
  init: string | null;
  /** Wall time of the segment's first frame. */
  dateMs: number | null;
  /** The first segment of a run after the first: a discontinuity before it. */
  runStart: boolean;
}

function entries(runs: readonly LiveRunPlaylist[]): Entry[] {
  const out: Entry[] = [];
  for (const run of runs) {
    let offset = 0;
    run.segments.forEach((s, i) => {
      out.push({
        uri: s.uri,
        duration: s.duration,
        init: run.init,
        dateMs: run.startMs === null ? null : run.startMs + offset * 1000,
        runStart: i === 0 && out.length > 0,
      });
      offset += s.duration;
    });
  }
  return out;
}

/** The first entry inside the window: the newest `windowSeconds`, never fewer than three segments. */
function windowStart(list: readonly Entry[], windowSeconds: number): number {
  if (windowSeconds <= 0) return 0;
  let total = 0;
  let i = list.length;
  while (i > 0 && (total + list[i - 1]!.duration <= windowSeconds || list.length - i < 3)) {
    total += list[i - 1]!.duration;
    i--;
  }
  return i;
}

/**
 * A rung's media playlist of a live lecture, composed from its runs: each run's init segment as `EXT-X-MAP`, an
 * `EXT-X-DISCONTINUITY` where a run follows another (the publisher reconnected), `EXT-X-PROGRAM-DATE-TIME` on
 * every segment (the wall time its first frame reached the server), the window's media and discontinuity
 * sequence numbers, and once ended the whole lecture as a VOD playlist.
 */
export function composeLivePlaylist(runs: readonly LiveRunPlaylist[], opts: LivePlaylistOptions): string {
  const list = entries(runs);
  const first = opts.ended ? 0 : windowStart(list, opts.windowSeconds);
  // Every discontinuity at or before the first listed segment has left the playlist (that one's tag too).
  const discontinuitySequence = list.slice(0, first + 1).filter((e) => e.runStart).length;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${opts.targetDuration}`];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first}`);
  if (discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySequence}`);
  if (opts.ended) lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  else if (opts.windowSeconds <= 0) lines.push('#EXT-X-PLAYLIST-TYPE:EVENT');
  lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let map: string | null = null;
  list.slice(first).forEach((e, i) => {
    if (e.runStart && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    if (e.init !== null && e.init !== map) {
      lines.push(`#EXT-X-MAP:URI="${e.init}"`);
      map = e.init;
    }
    if (e.dateMs !== null)
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(Math.round(e.dateMs)).toISOString()}`);
    lines.push(`#EXTINF:${e.duration.toFixed(6)},`, e.uri);
  });
  if (opts.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

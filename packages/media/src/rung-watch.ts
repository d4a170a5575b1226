import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HLS_LAYOUT } from './hls-layout.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';

/** A segment listed by a variant playlist, with its size on disk. */
interface WatchedSegment {
  uri: string;
  duration: number;
  bytes: number;
}

/** What one variant's directory shows at the time of a scan. */
export interface RungSnapshot {
  name: string;
  segments: WatchedSegment[];
  /** Sum of EXTINF durations. */
  mediaSeconds: number;
  /** Bytes of the listed segments. */
  bytes: number;
  /** The playlist carries `#EXT-X-ENDLIST`. */
  ended: boolean;
  /** Epoch ms at which FFmpeg wrote the playlist with ENDLIST (its mtime), null until then. */
  endedAt: number | null;
  /** Init segment URI as the playlist names it. */
  mapUri: string | null;
}

function empty(name: string): RungSnapshot {
  return { name, segments: [], mediaSeconds: 0, bytes: 0, ended: false, endedAt: null, mapUri: null };
}

/**
 * Derives per-variant progress from the disk, since FFmpeg's `-progress` is global: each scan
 * reads every variant's playlist (FFmpeg renames a fresh one into place after each segment) and
 * stats only the segments it has not sized yet. Concurrent scan() calls share one pass.
 */
export class RungWatcher {
  private readonly sizes = new Map<string, number>();
  private snapshots: RungSnapshot[];
  private running: Promise<RungSnapshot[]> | null = null;

  constructor(
    private readonly outDir: string,
    private readonly names: readonly string[],
  ) {
    this.snapshots = names.map(empty);
  }

  /** The result of the last completed scan. */
  latest(): RungSnapshot[] {
    return this.snapshots;
  }

  /** Scans all variants (or joins the scan under way). Never rejects: unreadable means "nothing yet". */
  scan(): Promise<RungSnapshot[]> {
    this.running ??= Promise.all(this.names.map((n) => this.scanOne(n))).then((s) => {
      this.snapshots = s;
      this.running = null;
      return s;
    });
    return this.running;
  }

  private async scanOne(name: string): Promise<RungSnapshot> {
    const dir = path.join(this.outDir, name);
    const playlistFile = path.join(dir, HLS_LAYOUT.variantPlaylist);
    const previous = this.snapshots.find((s) => s.name === name);
    let text: string;
    try {
      text = await readFile(playlistFile, 'utf8');
    } catch {
      return previous ?? empty(name);
    }
    const playlist = parseVariantPlaylist(text);
    const segments: WatchedSegment[] = [];
    for (const seg of playlist.segments) {
      const key = `${name}/${seg.uri}`;
      let bytes = this.sizes.get(key);
      if (bytes === undefined) {
        // A segment is complete once listed: FFmpeg writes it before the playlist that names it.
        bytes = await stat(path.join(dir, seg.uri)).then(
          (s) => s.size,
          () => undefined,
        );
        if (bytes !== undefined) this.sizes.set(key, bytes);
      }
      segments.push({ uri: seg.uri, duration: seg.duration, bytes: bytes ?? 0 });
    }
    let endedAt = previous?.endedAt ?? null;
    if (playlist.ended && endedAt === null) {
      endedAt = await stat(playlistFile).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
    }
    return {
      name,
      segments,
      mediaSeconds: segments.reduce((sum, s) => sum + s.duration, 0),
      bytes: segments.reduce((sum, s) => sum + s.bytes, 0),
      ended: playlist.ended,
      endedAt,
      mapUri: playlist.mapUri,
    };
  }
}

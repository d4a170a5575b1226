import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseVariantPlaylist } from '../hls-playlist-parse.js';

/** What one rung's playlist of a run lists now. */
export interface LiveRunRungPlaylist {
  rung: string;
  init: string | null;
  segments: { uri: string; duration: number }[];
}

/**
 * Polls the playlists FFmpeg rewrites after each segment (by rename) and reports a rung's whenever it changed.
 * Polling, not fs.watch: a rename into place is one stat away, and a missed inotify event would stall a lecture.
 */
export class LiveRunWatch {
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly outDir: string,
    private readonly playlistName: string,
    private readonly rungs: readonly string[],
    private readonly onChange: (p: LiveRunRungPlaylist) => void,
  ) {}

  /** Starts polling every `ms`. */
  start(ms: number): void {
    this.timer ??= setInterval(() => void this.poll(), ms);
  }

  /** Stops polling and reads every playlist a last time. */
  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.polling) await new Promise((r) => setTimeout(r, 5));
    await this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const rung of this.rungs) await this.check(rung);
    } finally {
      this.polling = false;
    }
  }

  private async check(rung: string): Promise<void> {
    const file = path.join(this.outDir, rung, this.playlistName);
    try {
      const st = await stat(file);
      const key = `${st.mtimeMs}:${st.size}:${st.ino}`;
      if (this.seen.get(rung) === key) return;
      const text = await readFile(file, 'utf8');
      this.seen.set(rung, key);
      const parsed = parseVariantPlaylist(text);
      try {
        this.onChange({ rung, init: parsed.mapUri, segments: parsed.segments });
      } catch {
        // The owner's bug must not stop the lecture's playlists.
      }
    } catch {
      // Not written yet (FFmpeg writes a playlist after its first segment).
    }
  }
}

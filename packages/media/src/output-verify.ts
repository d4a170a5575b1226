import { statfs } from 'node:fs/promises';
import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { variantPlaylistPath } from './hls-layout.js';
import { MediaError } from './media-error.js';
import type { RungSnapshot } from './rung-watch.js';

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
type FreeBytes = (dir: string) => Promise<number>;

/** Below this much free space, a failed write is taken to be a full disk. */
const DISK_FULL_THRESHOLD_BYTES = 1024 * 1024;

/** statfs-based {@link FreeBytes}; unknown (e.g. unsupported) counts as plenty. */
const statfsFreeBytes: FreeBytes = async (dir) => {
  const s = await statfs(dir).catch(() => null);
  return s ? s.bavail * s.bsize : Number.POSITIVE_INFINITY;
};

/** The first thing wrong with the finished ladder on disk, or null when every variant is whole. */
function firstDefect(snaps: readonly RungSnapshot[]): string | null {
  for (const snap of snaps) {
    const playlist = variantPlaylistPath(snap.name);
    if (!snap.ended) return `${playlist} has no #EXT-X-ENDLIST`;
    if (snap.segments.length === 0) return `${playlist} lists no segment`;
    const empty = snap.segments.find((s) => s.bytes === 0);
    if (empty) return `${snap.name}/${empty.uri} is empty`;
  }
  return null;
}

/**
 * Checks what FFmpeg left after a clean exit. FFmpeg 5.1's HLS muxer does not report write
 * errors: on a full disk it exits 0 with "No space left on device" nowhere in stderr, leaving an
 * empty playlist or a truncated segment (measured on a 600 KB tmpfs). So a defect plus a
 * (nearly) full filesystem is `disk_full`; a defect alone is an I/O failure (`internal`, transient).
 */
export async function verifyLadderOutput(
  snaps: readonly RungSnapshot[],
  outDir: string,
  freeBytes: FreeBytes = statfsFreeBytes,
): Promise<void> {
  const defect = firstDefect(snaps);
  if (!defect) return;
  const free = await freeBytes(outDir);
  if (free < DISK_FULL_THRESHOLD_BYTES) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.diskFull,
      `disk full: ffmpeg exited cleanly but ${defect}; ${Math.max(0, free)} bytes free under ${outDir}`,
    );
  }
  throw new MediaError(
    TRANSCODE_ERROR_TYPES.internal,
    `ffmpeg exited cleanly but ${defect} (a failed write?)`,
    {
      transient: true,
    },
  );
}

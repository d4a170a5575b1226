import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HLS_LAYOUT } from './hls-layout.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';

/**
 * Pure: the final form of a variant playlist FFmpeg wrote as EVENT: typed VOD, and its
 * `#EXT-X-MAP` pointing at `init.mp4`. Everything else (durations, segment names) is FFmpeg's.
 */
export function toVodPlaylist(text: string, initUri: string): string {
  return text
    .replace(/^#EXT-X-PLAYLIST-TYPE:.*$/m, '#EXT-X-PLAYLIST-TYPE:VOD')
    .replace(/^#EXT-X-MAP:URI="[^"]*"/m, `#EXT-X-MAP:URI="${initUri}"`);
}

/**
 * Renames a variant's init segment to `init.mp4` (FFmpeg 5.1 names it after the variant when
 * there are several) and rewrites its playlist as VOD, atomically (temp file + rename).
 */
export async function finalizeVariant(outDir: string, name: string): Promise<void> {
  const dir = path.join(outDir, name);
  const playlistFile = path.join(dir, HLS_LAYOUT.variantPlaylist);
  const text = await readFile(playlistFile, 'utf8');
  const { mapUri } = parseVariantPlaylist(text);
  if (mapUri && mapUri !== HLS_LAYOUT.initSegment) {
    await rename(path.join(dir, mapUri), path.join(dir, HLS_LAYOUT.initSegment));
  }
  const tmp = `${playlistFile}.tmp`;
  await writeFile(tmp, toVodPlaylist(text, HLS_LAYOUT.initSegment));
  await rename(tmp, playlistFile);
}

import { copyFile, link, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  gridOfMediaPlaylist,
  HLS_LAYOUT,
  segmentCaptions,
  withSubtitles,
  type SubtitleRendition,
} from '@coursecast/media';
import type { CaptionTrack } from '../store/index.js';

// A published ladder with its caption tracks as HLS subtitles renditions. The video is never re-encoded: a caption
// change builds a new version whose media files are hard links to the current version's (no copy, same bytes), whose
// `subs/` holds each track cut on the ladder's own segment grid, and whose master playlist names the subtitles group.
// A manifest (`subs/tracks.json`) says which track files a version carries, so a later check can tell it is current.

/** The folder of a version's subtitles renditions. */
export const SUBS_DIR = 'subs';
const MANIFEST = 'tracks.json';

/** The track file names a version was built with, in order: equal lists mean the version is current. */
export function trackFiles(tracks: readonly CaptionTrack[]): string[] {
  return tracks.map((t) => path.basename(t.file));
}

/** What a version's manifest lists; [] for a version built without captions. */
export async function publishedTrackFiles(versionDir: string): Promise<string[]> {
  try {
    return JSON.parse(await readFile(path.join(versionDir, SUBS_DIR, MANIFEST), 'utf8')) as string[];
  } catch {
    return [];
  }
}

/**
 * Hard-links every file of `from` into `to` (same tree) but the old subtitles; the master playlist is copied, as it is
 * rewritten (writing through a link would change the live version's too).
 */
export async function linkVersion(from: string, to: string): Promise<number> {
  const entries = await readdir(from, { withFileTypes: true, recursive: true });
  const rels = entries
    .map((e) => ({ e, rel: path.relative(from, path.join(e.parentPath, e.name)) }))
    .filter(({ rel }) => rel !== SUBS_DIR && !rel.startsWith(`${SUBS_DIR}${path.sep}`));
  await mkdir(to, { recursive: true });
  for (const { e, rel } of rels) if (e.isDirectory()) await mkdir(path.join(to, rel), { recursive: true });
  const files = rels.filter(({ e, rel }) => e.isFile() && rel !== HLS_LAYOUT.master).map(({ rel }) => rel);
  // A few at a time: an hour's ladder is thousands of names, each a cheap call the thread pool overlaps.
  const PARALLEL = 32;
  for (let i = 0; i < files.length; i += PARALLEL) {
    await Promise.all(
      files.slice(i, i + PARALLEL).map((rel) => link(path.join(from, rel), path.join(to, rel))),
    );
  }
  await copyFile(path.join(from, HLS_LAYOUT.master), path.join(to, HLS_LAYOUT.master));
  return files.length;
}

/** True for the files of a caption version that are new (not hard links to the last version's): they need a sync. */
export function isNewVersionFile(versionDir: string, file: string): boolean {
  const rel = path.relative(versionDir, file);
  return rel === HLS_LAYOUT.master || rel.startsWith(`${SUBS_DIR}${path.sep}`);
}

/** The first variant's media playlist named in a master playlist (the ladder's rungs share one segment grid). */
function firstVariantUri(master: string): string {
  const lines = master.split('\n');
  const at = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  const uri = at >= 0 ? lines.slice(at + 1).find((l) => l.trim() !== '' && !l.startsWith('#')) : undefined;
  if (!uri) throw new Error('the master playlist lists no variant');
  return uri.trim();
}

/** The subtitles rendition a track becomes in a master playlist. */
export function renditionOf(track: CaptionTrack): SubtitleRendition {
  return {
    language: track.language,
    name: track.label,
    kind: track.kind,
    default: false,
    forced: track.forced,
    uri: `${SUBS_DIR}/${track.id}/${HLS_LAYOUT.variantPlaylist}`,
  };
}

/**
 * Writes `subs/` for `tracks` into a ladder folder (a staging one) and rewrites its master playlist to name them.
 * `readVtt` gives a track's normalized WebVTT. The ladder's segments start at presentation time 0 (the fMP4 rungs
 * are retimed to it), which is what X-TIMESTAMP-MAP maps LOCAL 0 to.
 */
export async function writeSubtitles(
  dir: string,
  tracks: readonly CaptionTrack[],
  readVtt: (track: CaptionTrack) => Promise<string>,
): Promise<void> {
  const masterPath = path.join(dir, HLS_LAYOUT.master);
  const master = await readFile(masterPath, 'utf8');
  const grid = gridOfMediaPlaylist(await readFile(path.join(dir, firstVariantUri(master)), 'utf8'));
  await mkdir(path.join(dir, SUBS_DIR), { recursive: true });
  for (const track of tracks) {
    const { segments, playlist } = segmentCaptions(await readVtt(track), grid, 0);
    const trackDir = path.join(dir, SUBS_DIR, track.id);
    await mkdir(trackDir, { recursive: true });
    for (const s of segments) await writeFile(path.join(trackDir, s.name), s.body);
    await writeFile(path.join(trackDir, HLS_LAYOUT.variantPlaylist), playlist);
  }
  await writeFile(path.join(dir, SUBS_DIR, MANIFEST), JSON.stringify(trackFiles(tracks)));
  await writeFile(masterPath, withSubtitles(master, tracks.map(renditionOf)));
}

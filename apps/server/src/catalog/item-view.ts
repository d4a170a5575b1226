import path from 'node:path';
import type { Item, Job, Rendition } from '../store/index.js';
import { mediaUrlPath } from './media-paths.js';

/** An item as the API returns it: catalog facts, renditions, its latest job, playback links once ready. */
export interface ItemView {
  item: Omit<Item, 'sourceFile' | 'sourceInfo'> & { source: Record<string, unknown> | null };
  renditions: Rendition[];
  job: Job | null;
  playback: { hls: string; poster: string | null } | null;
}

/** Builds the API view; server paths of the source stay private. */
export function toItemView(item: Item, renditions: Rendition[], job: Job | null, baseUrl: string): ItemView {
  const { sourceFile: _sourceFile, sourceInfo, ...rest } = item;
  const version = item.status === 'ready' && renditions.length > 0 ? item.mediaVersion : null;
  return {
    item: { ...rest, source: sourceInfo },
    renditions,
    job,
    playback: version
      ? {
          hls: `${baseUrl}${mediaUrlPath(item.id, version, 'master.m3u8')}`,
          poster: item.posterFile
            ? `${baseUrl}${mediaUrlPath(item.id, version, path.posix.basename(item.posterFile))}`
            : null,
        }
      : null,
  };
}

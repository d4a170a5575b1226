import type { Item, Job, Rendition } from '../store/index.js';
import { masterPlaylistUrlPath, posterUrlPath } from './media-paths.js';

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
  const ready = item.status === 'ready' && renditions.length > 0;
  return {
    item: { ...rest, source: sourceInfo },
    renditions,
    job,
    playback: ready
      ? {
          hls: `${baseUrl}${masterPlaylistUrlPath(item.id)}`,
          poster: item.posterFile ? `${baseUrl}${posterUrlPath(item.id)}` : null,
        }
      : null,
  };
}

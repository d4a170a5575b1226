import path from 'node:path';
import type { ItemContent, ItemResponse } from '@coursecast/api';
import { ITEM_KINDS } from '@coursecast/semconv';
import type { Item, Job, Rendition } from '../store/index.js';
import { mediaUrlPath } from './content-url.js';

/** A package-relative path as URL path segments. */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** Where the item's document or module is delivered, once published. */
export function itemContent(item: Item, baseUrl: string): ItemContent | null {
  const version = item.status === 'ready' ? item.mediaVersion : null;
  if (!version || !item.sourceInfo) return null;
  if (item.kind === ITEM_KINDS.document) {
    const d = item.sourceInfo.document;
    return {
      kind: 'document',
      url: `${baseUrl}${mediaUrlPath(item.id, version, encodePath(d.fileName))}`,
      format: d.format,
      contentType: d.contentType,
      bytes: d.bytes,
      fileName: d.fileName,
    };
  }
  if (item.kind === ITEM_KINDS.interactive) {
    const p = item.sourceInfo.package;
    // The manifest reader gives `?query`, `#fragment` or both, as the IMS rule merges them.
    const params = p.launchParameters ?? '';
    const query = params === '' || /^[?#]/.test(params) ? params : `?${params}`;
    return {
      kind: 'interactive',
      launchUrl: `${baseUrl}${mediaUrlPath(item.id, version, encodePath(p.launch))}${query}`,
      manifestUrl: `${baseUrl}${mediaUrlPath(item.id, version, '__coursecast/manifest.json')}`,
      packageType: p.type,
      title: p.title,
      assetCount: p.assetCount,
      totalBytes: p.totalBytes,
    };
  }
  return null;
}

/** Builds the API view (ItemResponseSchema); server paths of the source stay private. */
export function toItemResponse(
  item: Item,
  renditions: Rendition[],
  job: Job | null,
  baseUrl: string,
): ItemResponse {
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
    content: itemContent(item, baseUrl),
  };
}

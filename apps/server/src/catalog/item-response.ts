import path from 'node:path';
import type {
  ItemContent,
  ItemResponse,
  PlaybackLinks,
  PublicItem,
  PublicItemResponse,
} from '@coursecast/api';
import { ITEM_KINDS } from '@coursecast/semconv';
import type { Item, Job, Rendition } from '../store/index.js';
import { mediaUrlPath } from './content-url.js';

/** A package-relative path as URL path segments. */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Where the item's document or module is delivered, once published: documents from the app's `baseUrl`, modules
 * from the content origin's `contentUrl` (ADR 0010), in the launch frame there.
 */
export function itemContent(item: Item, baseUrl: string, contentUrl: string): ItemContent | null {
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
      launchUrl: `${contentUrl}${mediaUrlPath(item.id, version, encodePath(p.launch))}${query}`,
      launchFrameUrl: `${contentUrl}/launch/${encodeURIComponent(item.id)}`,
      manifestUrl: `${baseUrl}${mediaUrlPath(item.id, version, '__coursecast/manifest.json')}`,
      packageType: p.type,
      title: p.title,
      assetCount: p.assetCount,
      totalBytes: p.totalBytes,
    };
  }
  return null;
}

/** The published ladder's URLs; null until the item is ready with renditions. */
function playbackLinks(item: Item, renditions: Rendition[], baseUrl: string): PlaybackLinks | null {
  const version = item.status === 'ready' && renditions.length > 0 ? item.mediaVersion : null;
  if (!version) return null;
  return {
    hls: `${baseUrl}${mediaUrlPath(item.id, version, 'master.m3u8')}`,
    poster: item.posterFile
      ? `${baseUrl}${mediaUrlPath(item.id, version, path.posix.basename(item.posterFile))}`
      : null,
  };
}

/**
 * An item's public facts, field by field: a field added to Item later stays private until it is named here.
 * Left out on purpose: the source's path, size and probe, the poster's path, the media version, and `error`
 * (FFmpeg's message, which names server paths).
 */
export function publicItem(item: Item): PublicItem {
  return {
    id: item.id,
    courseId: item.courseId,
    kind: item.kind,
    title: item.title,
    status: item.status,
    durationSeconds: item.durationSeconds,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** Builds the answer anyone gets (PublicItemResponseSchema): public facts and public URLs only. */
export function toPublicItemResponse(
  item: Item,
  renditions: Rendition[],
  baseUrl: string,
  contentUrl: string,
): PublicItemResponse {
  return {
    item: publicItem(item),
    playback: playbackLinks(item, renditions, baseUrl),
    content: itemContent(item, baseUrl, contentUrl),
  };
}

/** Builds the admin's answer (ItemResponseSchema); the server path of the source stays private even here. */
export function toItemResponse(
  item: Item,
  renditions: Rendition[],
  job: Job | null,
  baseUrl: string,
  contentUrl: string,
): ItemResponse {
  const { sourceFile: _sourceFile, sourceInfo, ...rest } = item;
  return {
    item: { ...rest, source: sourceInfo },
    renditions,
    job,
    playback: playbackLinks(item, renditions, baseUrl),
    content: itemContent(item, baseUrl, contentUrl),
  };
}

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
import { PLAIN_MEDIA_URLS, type MediaUrls } from './media-links.js';

/** A package-relative path as URL path segments. */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * Where the item's document or module is delivered, once published: documents from the app's `baseUrl`, modules
 * from the content origin's `contentUrl` (ADR 0010), in the launch frame there.
 */
export function itemContent(
  item: Item,
  baseUrl: string,
  contentUrl: string,
  media: MediaUrls = PLAIN_MEDIA_URLS,
): ItemContent | null {
  const version = item.status === 'ready' ? item.mediaVersion : null;
  if (!version || !item.sourceInfo) return null;
  if (item.kind === ITEM_KINDS.document) {
    const d = item.sourceInfo.document;
    return {
      kind: 'document',
      url: `${baseUrl}${media.path(item.id, version, encodePath(d.fileName))}`,
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
      launchUrl: `${contentUrl}${media.path(item.id, version, encodePath(p.launch))}${query}`,
      launchFrameUrl: launchFrameUrl(item.id, version, contentUrl, media),
      manifestUrl: `${baseUrl}${media.path(item.id, version, '__coursecast/manifest.json')}`,
      packageType: p.type,
      title: p.title,
      assetCount: p.assetCount,
      totalBytes: p.totalBytes,
    };
  }
  return null;
}

/** The launch frame of a module; under enrolled access with the link that lets it load the package's files. */
function launchFrameUrl(itemId: string, version: string, contentUrl: string, media: MediaUrls): string {
  const link = media.link(itemId, version);
  const frame = `${contentUrl}/launch/${encodeURIComponent(itemId)}`;
  return link === null ? frame : `${frame}?link=${encodeURIComponent(link)}`;
}

/** The published ladder's URLs; null until the item is ready with renditions. */
function playbackLinks(
  item: Item,
  renditions: Rendition[],
  baseUrl: string,
  media: MediaUrls,
): PlaybackLinks | null {
  const version = item.status === 'ready' && renditions.length > 0 ? item.mediaVersion : null;
  if (!version) return null;
  return {
    hls: `${baseUrl}${media.path(item.id, version, 'master.m3u8')}`,
    poster: item.posterFile
      ? `${baseUrl}${media.path(item.id, version, path.posix.basename(item.posterFile))}`
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
  media: MediaUrls = PLAIN_MEDIA_URLS,
): PublicItemResponse {
  return {
    item: publicItem(item),
    playback: playbackLinks(item, renditions, baseUrl, media),
    content: itemContent(item, baseUrl, contentUrl, media),
  };
}

/** Builds the admin's answer (ItemResponseSchema); the server path of the source stays private even here. */
export function toItemResponse(
  item: Item,
  renditions: Rendition[],
  job: Job | null,
  baseUrl: string,
  contentUrl: string,
  media: MediaUrls = PLAIN_MEDIA_URLS,
): ItemResponse {
  const { sourceFile: _sourceFile, sourceInfo, ...rest } = item;
  return {
    item: { ...rest, source: sourceInfo },
    renditions,
    job,
    playback: playbackLinks(item, renditions, baseUrl, media),
    content: itemContent(item, baseUrl, contentUrl, media),
  };
}

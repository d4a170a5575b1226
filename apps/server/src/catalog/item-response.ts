import path from 'node:path';
import { ITEM_KINDS, type DocumentFormat, type PackageType } from '@coursecast/semconv';
import type { Item, Job, Rendition } from '../store/index.js';
import { mediaUrlPath } from './content-url.js';

/** Where a learner's browser gets a document or a module (null for videos and unpublished items). */
export type ItemContent =
  | {
      kind: 'document';
      url: string;
      format: DocumentFormat;
      contentType: string;
      bytes: number;
      fileName: string;
    }
  | {
      kind: 'interactive';
      /** The launch document, with the package's launch parameters. */
      launchUrl: string;
      /** The module manifest: every asset with its size and type. */
      manifestUrl: string;
      packageType: PackageType;
      title: string | null;
      assetCount: number;
      totalBytes: number;
    };

/** An item as the API returns it: catalog facts, renditions, its latest job, playback links once ready. */
export interface ItemResponse {
  item: Omit<Item, 'sourceFile' | 'sourceInfo'> & { source: Record<string, unknown> | null };
  renditions: Rendition[];
  job: Job | null;
  playback: { hls: string; poster: string | null } | null;
  content: ItemContent | null;
}

// Mirrors of what the upload paths store in sourceInfo (documents and packages); read defensively, since
// sourceInfo is JSON from the store.
interface StoredDocument {
  document?: { format: DocumentFormat; contentType: string; bytes: number; fileName: string };
}
interface StoredPackage {
  package?: {
    type: PackageType;
    title: string | null;
    launch: string;
    launchParameters: string | null;
    assetCount: number;
    totalBytes: number;
  };
}

/** A package-relative path as URL path segments. */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** Where the item's document or module is delivered, once published. */
export function itemContent(item: Item, baseUrl: string): ItemContent | null {
  const version = item.status === 'ready' ? item.mediaVersion : null;
  if (!version || !item.sourceInfo) return null;
  if (item.kind === ITEM_KINDS.document) {
    const d = (item.sourceInfo as StoredDocument).document;
    if (!d) return null;
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
    const p = (item.sourceInfo as StoredPackage).package;
    if (!p) return null;
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

/** Builds the API view; server paths of the source stay private. */
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

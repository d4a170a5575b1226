import path from 'node:path';
import type { CaptionTrack as CaptionTrackResponse, PublicCaptionTrack } from '@coursecast/api';
import type { CaptionTrack } from '../store/index.js';
import { SOURCE_VERSION, type ContentPath } from './content-url.js';
import { PLAIN_MEDIA_URLS, type MediaUrls } from './media-links.js';

// A caption track's whole WebVTT is delivered beside the item's source, `/media/<item>/source/captions/<file>`: it
// plays with any version (ladder, direct play, a just-in-time session), and its name changes with each replace, so
// it is cached like any immutable object.

/** The folder of the source version that holds the tracks' WebVTT files. */
export const CAPTIONS_FILE_DIR = 'captions';

/** True for a track's WebVTT beside the source (`source/captions/<file>`), not the source itself. */
export function isSourceCaption(cp: ContentPath): boolean {
  return (
    cp.version === SOURCE_VERSION && cp.fileSegments.length === 2 && cp.fileSegments[0] === CAPTIONS_FILE_DIR
  );
}

/** The file of `track` as a content path inside the source version. */
export function captionFilePath(track: Pick<CaptionTrack, 'file'>): string {
  return `${CAPTIONS_FILE_DIR}/${encodeURIComponent(path.posix.basename(track.file))}`;
}

/** A track as players get it. */
export function publicCaptionTrack(
  track: CaptionTrack,
  baseUrl: string,
  media: MediaUrls = PLAIN_MEDIA_URLS,
): PublicCaptionTrack {
  return {
    id: track.id,
    language: track.language,
    kind: track.kind,
    label: track.label,
    forced: track.forced,
    url: `${baseUrl}${media.path(track.itemId, SOURCE_VERSION, captionFilePath(track))}`,
  };
}

/** A track as the studio gets it. */
export function captionTrackResponse(track: CaptionTrack, baseUrl: string): CaptionTrackResponse {
  return {
    ...publicCaptionTrack(track, baseUrl),
    itemId: track.itemId,
    origin: track.origin,
    streamIndex: track.streamIndex,
    cueCount: track.cueCount,
    bytes: track.bytes,
    createdAt: track.createdAt,
    updatedAt: track.updatedAt,
  };
}

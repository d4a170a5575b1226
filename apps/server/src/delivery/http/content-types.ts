import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';
import mime from 'mime-types';

/** How a delivered file is labelled on the wire and classed in telemetry. */
export interface ContentKind {
  /** The Content-Type header value. */
  readonly mime: string;
  /** The bounded `content.type` class. */
  readonly objectType: ContentObjectType;
}

// HLS names the libraries get wrong or leave out: `.m4s` fMP4 segments, `.mp4` init segments.
const HLS_KINDS: Record<string, ContentKind> = {
  m3u8: { mime: 'application/vnd.apple.mpegurl', objectType: CONTENT_OBJECT_TYPES.playlist },
  m4s: { mime: 'video/iso.segment', objectType: CONTENT_OBJECT_TYPES.videoSegment },
  ts: { mime: 'video/mp2t', objectType: CONTENT_OBJECT_TYPES.videoSegment },
  vtt: { mime: 'text/vtt; charset=utf-8', objectType: CONTENT_OBJECT_TYPES.captions },
};
const OTHER: ContentKind = { mime: 'application/octet-stream', objectType: CONTENT_OBJECT_TYPES.other };
const cache = new Map<string, ContentKind>();

function byExtension(ext: string): ContentKind {
  const known = HLS_KINDS[ext];
  if (known) return known;
  const type = mime.lookup(ext);
  if (!type) return OTHER;
  const value = mime.contentType(type) || type;
  if (type.startsWith('image/')) return { mime: value, objectType: CONTENT_OBJECT_TYPES.image };
  if (type === 'application/pdf' || type.startsWith('application/vnd.') || type === 'text/plain') {
    return { mime: value, objectType: CONTENT_OBJECT_TYPES.document };
  }
  if (/^(text\/(html|css|javascript)|application\/(javascript|json|xml|wasm)|font\/)/.test(type)) {
    return { mime: value, objectType: CONTENT_OBJECT_TYPES.interactive };
  }
  if (type.startsWith('video/') || type.startsWith('audio/'))
    return { mime: value, objectType: CONTENT_OBJECT_TYPES.videoSegment };
  return { mime: value, objectType: CONTENT_OBJECT_TYPES.other };
}

/**
 * Classifies a content path: `init.mp4` is an init segment and files under an `audio/` rung are audio
 * segments, so dashboards can tell a stalled audio track from a stalled video one.
 */
export function contentKind(relativePath: string): ContentKind {
  const slash = relativePath.lastIndexOf('/');
  const name = relativePath.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const kind = cache.get(ext) ?? byExtension(ext);
  if (!cache.has(ext) && cache.size < 256) cache.set(ext, kind);
  if (name === 'init.mp4') return { mime: 'video/mp4', objectType: CONTENT_OBJECT_TYPES.init };
  if (kind.objectType === CONTENT_OBJECT_TYPES.videoSegment && /(^|\/)audio\//.test(relativePath)) {
    return {
      mime: ext === 'm4s' ? 'audio/iso.segment' : kind.mime,
      objectType: CONTENT_OBJECT_TYPES.audioSegment,
    };
  }
  return kind;
}

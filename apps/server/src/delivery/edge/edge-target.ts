import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';
import { isSourceCaption } from '../../catalog/caption-urls.js';
import { MEDIA_PREFIX, SOURCE_VERSION, type ContentPath } from '../../catalog/content-url.js';
import { contentKind } from '../http/content-types.js';

/** A parsed request path: its canonical cache key (one spelling per object) and its class. */
export interface Target {
  readonly key: string;
  /** The key without the prefix, for the origin path. */
  readonly rest: string;
  readonly itemId: string;
  readonly objectType: ContentObjectType;
}
/** Parsed paths remembered by the edge before the memo starts over. */
export const MAX_TARGETS = 10_000;

/** The target of a parsed path. */
export function resolveTarget(cp: ContentPath): Target {
  const rest = [cp.itemId, cp.version, ...cp.fileSegments].map(encodeURIComponent).join('/');
  return {
    key: MEDIA_PREFIX + rest,
    rest,
    itemId: cp.itemId,
    objectType:
      cp.version === SOURCE_VERSION && !isSourceCaption(cp)
        ? CONTENT_OBJECT_TYPES.source
        : contentKind(cp.file).objectType,
  };
}

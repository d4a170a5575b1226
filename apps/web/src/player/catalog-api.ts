// The public API calls of the learner pages (never with a token: a learner has none) and the shapes they
// answer, as apps/server/src/catalog/catalog.routes.ts and apps/server/src/jit/jit.routes.ts write them.
import { requestJson } from '../shared/http-json.js';

export interface Course {
  id: string;
  title: string;
  description: string;
}

/** Where a document or a module is delivered (apps/server/src/catalog/item-view.ts `ItemContent`). */
export type ItemContent =
  | { kind: 'document'; url: string; format: string; contentType: string; bytes: number; fileName: string }
  | {
      kind: 'interactive';
      launchUrl: string;
      manifestUrl: string;
      packageType: string;
      title: string | null;
      assetCount: number;
      totalBytes: number;
    };

/** An item as the course listing gives it. Kinds and statuses stay strings: a newer server may add some. */
export interface CourseItem {
  id: string;
  courseId: string;
  kind: string;
  title: string;
  status: string;
  durationSeconds: number | null;
  /** Documents and modules, once published; null for videos. */
  content?: ItemContent | null;
}

export interface CourseAnswer {
  course: Course;
  items: CourseItem[];
}

export interface Rendition {
  name: string;
  width: number;
  height: number;
  averageBitrate: number;
}

/** `GET /api/items/:id`. */
export interface ItemAnswer {
  item: CourseItem;
  renditions: Rendition[];
  playback: { hls: string; poster: string | null } | null;
  content: ItemContent | null;
}

/** A module's published manifest (`__coursecast/manifest.json`): every asset the package delivers. */
export interface ModuleManifest {
  type: string;
  title: string | null;
  launch: string;
  assetCount: number;
  totalBytes: number;
  totalSizeKb: number;
  assets: { path: string; size: number; contentType: string }[];
}

/** How the server delivers an item to this browser (packages/media PlaybackPlan, the fields shown here). */
export interface PlaybackPlan {
  mode: string;
  reasons: string[];
  source?: { container: string; videoCodec: string | null; audioCodec: string | null; height: number | null };
  video?: { action: string; codec: string | null; height: number | null; bitrate: number | null };
  audio?: { action: string; codec: string | null; bitrate: number | null };
}

/** `GET /api/items/:id/playback`: the plan, what to play, and the just-in-time session when one was opened. */
export interface PlaybackAnswer {
  plan: PlaybackPlan;
  url: string;
  session: { id: string; segmentCount: number; heartbeat: string } | null;
}

const enc = encodeURIComponent;

/** The course and its items. */
export function fetchCourse(courseId: string): Promise<CourseAnswer> {
  return requestJson<CourseAnswer>(`/api/courses/${enc(courseId)}`);
}

/** One item, with its renditions and (once ready) its published stream. */
export function fetchItem(itemId: string): Promise<ItemAnswer> {
  return requestJson<ItemAnswer>(`/api/items/${enc(itemId)}`);
}

/** The playback plan for this browser; `query` is capabilityQuery()'s. Opens a JIT session when needed. */
export function fetchPlayback(itemId: string, query: string): Promise<PlaybackAnswer> {
  return requestJson<PlaybackAnswer>(`/api/items/${enc(itemId)}/playback?${query}`);
}

/** The course page of a course, the watch page of a video, the learn page of a document or module. */
export const pagePaths = {
  course: (courseId: string): string => `/courses/${enc(courseId)}`,
  watch: (itemId: string, courseId?: string | null): string =>
    `/watch/${enc(itemId)}${courseId ? `?course=${enc(courseId)}` : ''}`,
  learn: (itemId: string, courseId?: string | null): string =>
    `/learn/${enc(itemId)}${courseId ? `?course=${enc(courseId)}` : ''}`,
};

/** The last path segment of this page's URL (`/watch/<id>` → `<id>`), decoded; null when empty. */
export function idFromPath(pathname: string): string | null {
  const last = pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    return last ? decodeURIComponent(last) : null;
  } catch {
    return null;
  }
}

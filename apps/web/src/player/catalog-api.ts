// The API calls of the learner pages: anonymous, or with the learner session of an LMS launch (which a server in
// enrolled mode requires, and answers with signed media links for). What they answer is typed by
// @coursecast/api, the contract the server's routes serialize with.
import type {
  CourseWithItemsResponse,
  PlaybackPlan,
  PlaybackResponse,
  PublicItemResponse,
} from '@coursecast/api';
import { requestJson } from '../shared/http-json.js';
import { learnerHeaders } from '../shared/learner-session.js';

/**
 * A plan as the page holds it: the server's, or the page's own `vod` when the server has no playback route
 * (mode and reasons only).
 */
export type PagePlan = Pick<PlaybackPlan, 'mode' | 'reasons'> &
  Partial<Pick<PlaybackPlan, 'source' | 'video' | 'audio'>>;

/** How this page plays an item: the server's playback answer, or its own fallback to the ladder. */
export type PlaybackAnswer = Omit<PlaybackResponse, 'plan'> & { plan: PagePlan };

const enc = encodeURIComponent;
const withSession = (session: string | null) => ({ headers: session ? learnerHeaders(session) : {} });

/** The course and its items. */
export function fetchCourse(courseId: string): Promise<CourseWithItemsResponse> {
  return requestJson<CourseWithItemsResponse>(`/api/courses/${enc(courseId)}`);
}

/** One item's public answer: its facts and, once ready, its published stream or delivery. */
export function fetchItem(itemId: string, session: string | null = null): Promise<PublicItemResponse> {
  return requestJson<PublicItemResponse>(`/api/items/${enc(itemId)}`, withSession(session));
}

/** The playback plan for this browser; `query` is capabilityQuery()'s. Opens a JIT session when needed. */
export function fetchPlayback(
  itemId: string,
  query: string,
  session: string | null = null,
): Promise<PlaybackResponse> {
  return requestJson<PlaybackResponse>(`/api/items/${enc(itemId)}/playback?${query}`, withSession(session));
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

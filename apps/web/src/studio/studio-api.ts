// The studio's calls to the admin API, typed by @coursecast/api (types only: no contract code in the bundle).
import type {
  CaptionCoverageResponse,
  CourseListResponse,
  CourseResponse,
  CourseWithItemsResponse,
  ItemResponse,
  Job,
  JobProgressEvent,
  JobResponse,
  LiveResponse,
} from '@coursecast/api';
import { adminHeaders, getJson, sendJson } from '../shared/admin-api.js';

const enc = encodeURIComponent;

/** What a course form sends. */
export interface CourseFields {
  title?: string;
  description?: string;
  listed?: boolean;
}

/** The admin API as the studio uses it. */
export const studioApi = {
  listCourses: (): Promise<CourseListResponse> => getJson<CourseListResponse>('/api/courses'),
  createCourse: (fields: CourseFields): Promise<CourseResponse> =>
    sendJson<CourseResponse>('POST', '/api/courses', fields),
  updateCourse: (id: string, fields: CourseFields): Promise<CourseResponse> =>
    sendJson<CourseResponse>('PATCH', `/api/courses/${enc(id)}`, fields),
  deleteCourse: (id: string): Promise<null> => sendJson<null>('DELETE', `/api/courses/${enc(id)}`),
  course: (id: string): Promise<CourseWithItemsResponse> =>
    getJson<CourseWithItemsResponse>(`/api/courses/${enc(id)}`),
  item: (id: string): Promise<ItemResponse> => getJson<ItemResponse>(`/api/items/${enc(id)}`),
  deleteItem: (id: string): Promise<null> => sendJson<null>('DELETE', `/api/items/${enc(id)}`),
  retranscode: (id: string): Promise<JobResponse> =>
    sendJson<JobResponse>('POST', `/api/items/${enc(id)}/transcode`),
  captionCoverage: (): Promise<CaptionCoverageResponse> =>
    getJson<CaptionCoverageResponse>('/api/captions/coverage'),
  createLive: (courseId: string, fields: { title: string; scheduledAt?: string }): Promise<LiveResponse> =>
    sendJson<LiveResponse>('POST', `/api/courses/${enc(courseId)}/live`, fields),
  live: (id: string): Promise<LiveResponse> => getJson<LiveResponse>(`/api/items/${enc(id)}/live`),
  endLive: (id: string): Promise<LiveResponse> =>
    sendJson<LiveResponse>('POST', `/api/items/${enc(id)}/live/end`),
  /** Where a course's resumable uploads are created (tus endpoint). */
  uploadEndpoint: (courseId: string): string => `/api/courses/${enc(courseId)}/resumable-uploads`,
};

/**
 * Follows a job's progress events (`GET /api/jobs/:id/events`, Server-Sent Events). EventSource cannot send the
 * admin token, so the stream is read with fetch. Resolves with the final job; `signal` stops following.
 */
export async function followJob(
  jobId: string,
  onEvent: (e: JobProgressEvent) => void,
  signal: AbortSignal,
): Promise<Job | null> {
  const res = await fetch(`/api/jobs/${enc(jobId)}/events`, { headers: adminHeaders(), signal });
  if (!res.ok || !res.body) return null;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last: Job | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return last;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data) continue;
      const event = JSON.parse(data) as JobProgressEvent;
      last = event.job;
      onEvent(event);
    }
  }
}

import { multipartBody } from './multipart.js';
import type { TestServer } from './test-server.js';

/** Creates a course through the API and returns its id. */
export async function createCourse(t: TestServer, title = 'C'): Promise<string> {
  const res = await t.cc.app.inject({
    method: 'POST',
    url: '/api/courses',
    headers: t.auth,
    payload: { title },
  });
  if (res.statusCode !== 201) throw new Error(`course creation answered ${res.statusCode}: ${res.body}`);
  return res.json<{ course: { id: string } }>().course.id;
}

/** Sends a multipart body to a course's upload route (the answer is the test's to check). */
export async function postUpload(
  t: TestServer,
  courseId: string,
  body: Awaited<ReturnType<typeof multipartBody>>,
) {
  return t.cc.app.inject({
    method: 'POST',
    url: `/api/courses/${courseId}/uploads`,
    headers: { ...t.auth, ...body.headers },
    payload: body.payload,
  });
}

/** Uploads a file that must be accepted; returns the new item and job ids. */
export async function uploadLecture(
  t: TestServer,
  courseId: string,
  file: string,
  title = 'Lecture',
): Promise<{ item: { id: string }; job: { id: string } }> {
  const res = await postUpload(t, courseId, await multipartBody(file, { title }));
  if (res.statusCode !== 201) throw new Error(`upload answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

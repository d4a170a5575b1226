// The course page (`/courses/:courseId`): title, description and the items, each linking to its watch page.
// Public: it reads `GET /api/courses/:id` without a token. `data-state` on <body> (loading|ready|error) tells
// tests when it has drawn.
import { el } from '../shared/dom-builder.js';
import { ApiError } from '../shared/http-json.js';
import { fetchCourse, idFromPath } from './catalog-api.js';
import { renderItems } from './course-items.js';
import '../shared/palette.css';
import './player.css';

const app = document.getElementById('app')!;

function failure(title: string, text: string): void {
  document.title = `${title} · coursecast`;
  document.body.dataset['state'] = 'error';
  app.replaceChildren(
    el(
      'main',
      { class: 'page narrow' },
      el('h1', {}, title),
      el('p', { id: 'page-error', class: 'error' }, text),
    ),
  );
}

function messageOf(err: unknown): [string, string] {
  if (err instanceof ApiError) {
    if (err.status === 404)
      return ['Course not found', 'There is no course at this address. Check the link you followed.'];
    if (err.status === 401 || err.status === 403)
      return ['Course not public', 'This course is not open to learners on this server.'];
    return ['Course unavailable', `The server could not show this course: ${err.message}.`];
  }
  return ['Course unavailable', err instanceof Error ? err.message : String(err)];
}

async function main(): Promise<void> {
  document.body.dataset['state'] = 'loading';
  const courseId = idFromPath(location.pathname);
  if (!courseId) return failure('Course not found', 'This address names no course.');
  try {
    const { course, items } = await fetchCourse(courseId);
    document.title = `${course.title} · coursecast`;
    app.replaceChildren(
      el(
        'main',
        { class: 'page narrow', 'data-course': course.id },
        el('h1', { id: 'course-title' }, course.title),
        course.description ? el('p', { class: 'description' }, course.description) : null,
        el('h2', {}, 'Lectures'),
        renderItems(items, course.id),
      ),
    );
    document.body.dataset['state'] = 'ready';
  } catch (err) {
    const [title, text] = messageOf(err);
    failure(title, text);
  }
}

void main();

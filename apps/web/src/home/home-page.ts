// The home page (`/`): the courses instructors listed, each with its first items and their status, and the way
// to the studio and the dashboard. Public: it reads `GET /api/catalog` without a token. `data-state` on <body>
// (loading|ready|error) tells tests when it has drawn.
import type { CatalogCourse, CatalogResponse } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { ApiError, requestJson } from '../shared/http-json.js';
import { pagePaths } from '../player/catalog-api.js';
import { renderItems } from '../player/course-items.js';
import '../shared/palette.css';
import '../player/player.css';
import './home.css';

const app = document.getElementById('app')!;

function courseSection(entry: CatalogCourse): HTMLElement {
  const { course, items, itemCount } = entry;
  const more = itemCount - items.length;
  return el(
    'section',
    { class: 'catalog-course', 'data-course': course.id, 'aria-labelledby': `title-${course.id}` },
    el('h2', { id: `title-${course.id}` }, el('a', { href: pagePaths.course(course.id) }, course.title)),
    course.description ? el('p', { class: 'description' }, course.description) : null,
    renderItems(items, course.id),
    more > 0
      ? el(
          'p',
          { class: 'more' },
          el('a', { href: pagePaths.course(course.id) }, `${more} more in this course`),
        )
      : null,
  );
}

function staffLinks(): HTMLElement {
  return el(
    'nav',
    { class: 'staff', 'aria-label': 'For instructors and administrators' },
    el('h2', {}, 'Instructors and administrators'),
    el(
      'ul',
      {},
      el(
        'li',
        {},
        el('a', { href: '/studio/', id: 'studio-link' }, 'Studio'),
        ': courses, uploads and encoding',
      ),
      el(
        'li',
        {},
        el('a', { href: '/dashboard/', id: 'dashboard-link' }, 'Dashboard'),
        ': playback quality and delivery',
      ),
    ),
    el('p', { class: 'muted' }, 'Both ask for the server’s admin token.'),
  );
}

async function main(): Promise<void> {
  let catalog: CatalogResponse;
  try {
    catalog = await requestJson<CatalogResponse>('/api/catalog');
  } catch (err) {
    document.body.dataset['state'] = 'error';
    app.replaceChildren(
      el(
        'main',
        { class: 'page narrow' },
        el('h1', {}, 'coursecast'),
        el(
          'p',
          { id: 'page-error', class: 'error' },
          err instanceof ApiError && err.code === 'learner_session_required'
            ? 'This coursecast is for enrolled learners: open your lectures from your course in your learning platform (Moodle, Canvas…).'
            : `The courses could not be loaded: ${(err as Error).message}.`,
        ),
        staffLinks(),
      ),
    );
    return;
  }
  const courses = catalog.courses;
  app.replaceChildren(
    el(
      'main',
      { class: 'page narrow' },
      el('h1', {}, 'Courses'),
      courses.length === 0
        ? el(
            'p',
            { id: 'no-courses', class: 'empty muted' },
            'No course is listed on this server yet. Instructors list a course from the studio; an unlisted course is reached by its link.',
          )
        : el('div', { class: 'catalog' }, ...courses.map(courseSection)),
      staffLinks(),
    ),
  );
  document.body.dataset['state'] = 'ready';
}

void main();

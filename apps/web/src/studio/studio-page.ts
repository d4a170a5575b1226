// The studio (`/studio/`): an instructor's page. Courses (create, rename, list, delete), each course's items with
// their status and live encoding progress, and drag-and-drop resumable uploads. Admin token like the dashboard
// (this tab's sessionStorage). `data-state` on <body> (loading|gate|ready) tells tests when it has drawn; the
// selected course is in the URL (`?course=`).
import type { Course } from '@coursecast/api';
import { ApiError, tokenStore } from '../shared/admin-api.js';
import { el } from '../shared/dom-builder.js';
import { createTokenGate } from '../shared/token-gate.js';
import { coursePanel, type CoursePanel } from './course-panel.js';
import { studioApi } from './studio-api.js';
import '../shared/palette.css';
import './studio.css';

const app = document.getElementById('app')!;
const courseList = el('ul', { id: 'courses', class: 'course-list', 'aria-label': 'Courses' });
const pageMessage = el('p', { id: 'page-message', class: 'error', role: 'alert', hidden: true });
const panelSlot = el('div', { id: 'panel-slot', class: 'panel-slot' });
const captionTodo = el('section', {
  id: 'caption-todo',
  class: 'caption-todo',
  'aria-labelledby': 'caption-todo-title',
});
// A course's panel is kept while the page lives: its uploads go on when another course is opened.
const panels = new Map<string, CoursePanel>();
let courses: Course[] = [];

const gate = createTokenGate((token) => {
  tokenStore.set(token);
  void start();
}, 'the studio');

function selected(): string | null {
  return new URLSearchParams(location.search).get('course');
}

function select(courseId: string | null): void {
  history.pushState(null, '', courseId ? `?course=${encodeURIComponent(courseId)}` : location.pathname);
  draw();
}

function newCourseForm(): HTMLElement {
  const title = el('input', {
    id: 'new-course-title',
    name: 'title',
    required: true,
    maxlength: '200',
    placeholder: 'e.g. Linear algebra',
  });
  const form = el(
    'form',
    { id: 'new-course', class: 'new-course', 'aria-label': 'New course' },
    el('label', { for: 'new-course-title' }, 'New course'),
    el('div', { class: 'row' }, title, el('button', { type: 'submit', class: 'primary' }, 'Create')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    studioApi.createCourse({ title: title.value }).then(
      ({ course }) => {
        title.value = '';
        courses = [course, ...courses];
        select(course.id);
      },
      (err: Error) => fail(`The course was not created: ${err.message}`),
    );
  });
  return form;
}

function fail(message: string): void {
  pageMessage.textContent = message;
  pageMessage.hidden = false;
}

function draw(): void {
  const current = selected();
  courseList.replaceChildren(
    ...courses.map((c) =>
      el(
        'li',
        {},
        el(
          'a',
          {
            href: `?course=${encodeURIComponent(c.id)}`,
            'aria-current': c.id === current ? 'page' : null,
            'data-course': c.id,
          },
          c.title,
        ),
      ),
    ),
  );
  if (courses.length === 0)
    courseList.append(el('li', { class: 'muted' }, 'No course yet: create the first one.'));
  const course = courses.find((c) => c.id === current);
  if (!course) {
    panelSlot.replaceChildren(
      el('p', { class: 'muted pick' }, 'Pick a course, or create one, to add lectures to it.'),
    );
    return;
  }
  let panel = panels.get(course.id);
  if (!panel) {
    panel = coursePanel(course, {
      changed: () => void loadCourses(),
      deleted: () => {
        panels.get(course.id)?.close();
        panels.delete(course.id);
        courses = courses.filter((c) => c.id !== course.id);
        select(null);
      },
    });
    panels.set(course.id, panel);
  }
  panelSlot.replaceChildren(panel.element);
}

async function loadCourses(): Promise<void> {
  ({ courses } = await studioApi.listCourses());
  draw();
  void drawCaptionTodo();
}

/** The lectures no learner who cannot hear can follow yet: ready, without a caption track. */
async function drawCaptionTodo(): Promise<void> {
  const title = el('h2', { id: 'caption-todo-title' }, 'Captions to do');
  try {
    const c = await studioApi.captionCoverage();
    const total = c.captioned + c.uncaptioned;
    captionTodo.replaceChildren(
      title,
      el(
        'p',
        { class: 'muted' },
        total === 0 ? 'No lecture is ready yet.' : `${c.captioned} of ${total} ready lectures have captions.`,
      ),
      c.missing.length === 0
        ? ''
        : el(
            'ul',
            {},
            ...c.missing.map((m) =>
              el(
                'li',
                {},
                el(
                  'a',
                  { href: `?course=${encodeURIComponent(m.courseId)}`, 'data-course': m.courseId },
                  m.title,
                ),
              ),
            ),
          ),
    );
  } catch (err) {
    captionTodo.replaceChildren(
      title,
      el('p', { class: 'error' }, `Not available: ${(err as Error).message}`),
    );
  }
}

async function start(): Promise<void> {
  if (!tokenStore.get()) {
    document.body.dataset['state'] = 'gate';
    app.replaceChildren(el('main', { class: 'studio narrow' }, el('h1', {}, 'Studio'), gate.element));
    gate.show();
    return;
  }
  try {
    await loadCourses();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      tokenStore.clear();
      document.body.dataset['state'] = 'gate';
      app.replaceChildren(el('main', { class: 'studio narrow' }, el('h1', {}, 'Studio'), gate.element));
      gate.show(
        'The server refused this token (401). Enter the admin token the server printed (or its admin-token file).',
      );
      return;
    }
    fail(`The courses could not be loaded: ${(err as Error).message}`);
  }
  gate.hide();
  app.replaceChildren(
    el(
      'div',
      { class: 'studio' },
      el(
        'header',
        { class: 'studio-head' },
        el('h1', {}, 'Studio'),
        el(
          'nav',
          { 'aria-label': 'Elsewhere' },
          el('a', { href: '/' }, 'Home'),
          ' · ',
          el('a', { href: '/dashboard/' }, 'Dashboard'),
        ),
      ),
      pageMessage,
      el(
        'div',
        { class: 'studio-body' },
        el('aside', { class: 'studio-courses' }, newCourseForm(), courseList, captionTodo),
        el('main', {}, panelSlot),
      ),
    ),
  );
  document.body.dataset['state'] = 'ready';
}

for (const list of [courseList, captionTodo]) {
  list.addEventListener('click', (e) => {
    const link = (e.target as HTMLElement).closest('a[data-course]');
    if (!link) return;
    e.preventDefault();
    select(link.getAttribute('data-course'));
  });
}
window.addEventListener('popstate', draw);
void start();

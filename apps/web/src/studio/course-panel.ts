// One course in the studio: its details (rename, description, listed on the home page), the drop zone for several
// files at once, their uploads, and the course's items with their live status.
import type { Course, ItemResponse } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { pagePaths } from '../player/catalog-api.js';
import { confirmButton } from './confirm-button.js';
import { itemRow, type ItemRow } from './item-row.js';
import { liveForm } from './live-panel.js';
import { studioApi } from './studio-api.js';
import { startUpload, type UploadRow } from './upload-row.js';

/** What the panel tells the page. */
export interface CoursePanelHost {
  /** The course changed (renamed) or went away (deleted): the course list redraws. */
  changed(): void;
  deleted(): void;
}

/** A course panel: `close()` stops its live streams (its uploads go on). */
export interface CoursePanel {
  element: HTMLElement;
  close(): void;
}

function detailsForm(course: Course, onSaved: (c: Course) => void, report: (m: string) => void): HTMLElement {
  const title = el('input', {
    id: 'course-title-input',
    name: 'title',
    required: true,
    maxlength: '200',
    value: course.title,
  });
  const description = el('textarea', {
    id: 'course-description',
    name: 'description',
    rows: '2',
    maxlength: '5000',
  });
  description.value = course.description;
  const listed = el('input', {
    id: 'course-listed',
    name: 'listed',
    type: 'checkbox',
    checked: course.listed,
  });
  const saved = el('span', { class: 'muted', role: 'status' });
  const form = el(
    'form',
    { class: 'course-form', 'aria-label': 'Course details' },
    el('label', { for: 'course-title-input' }, 'Title'),
    title,
    el('label', { for: 'course-description' }, 'Description'),
    description,
    el('label', { class: 'check' }, listed, ' Listed on the home page (otherwise learners need its link)'),
    el('div', { class: 'row' }, el('button', { type: 'submit', class: 'primary' }, 'Save'), saved),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saved.textContent = 'Saving…';
    studioApi
      .updateCourse(course.id, { title: title.value, description: description.value, listed: listed.checked })
      .then(
        ({ course: updated }) => {
          saved.textContent = 'Saved';
          onSaved(updated);
        },
        (err: Error) => {
          saved.textContent = '';
          report(`Not saved: ${err.message}`);
        },
      );
  });
  return form;
}

function dropZone(onFiles: (files: File[]) => void): HTMLElement {
  const input = el('input', { id: 'file-input', type: 'file', multiple: true, class: 'visually-hidden' });
  const zone = el(
    'div',
    { id: 'drop-zone', class: 'drop-zone' },
    el('p', {}, 'Drop lectures, slides (PDF, images) or SCORM/xAPI packages (zip) here, or '),
    el('label', { for: 'file-input', class: 'button-like' }, 'choose files'),
    input,
    el(
      'p',
      { class: 'muted' },
      'Large files upload in resumable chunks: a lost connection picks up where it stopped.',
    ),
  );
  input.addEventListener('change', () => {
    onFiles([...(input.files ?? [])]);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles([...(e.dataTransfer?.files ?? [])]);
  });
  return zone;
}

/** Draws the panel of `course` and loads its items. */
export function coursePanel(course: Course, host: CoursePanelHost): CoursePanel {
  const message = el('p', { id: 'panel-message', class: 'error', role: 'alert', hidden: true });
  const report = (text: string): void => {
    message.textContent = text;
    message.hidden = false;
  };
  const uploads = el('ul', { id: 'uploads', class: 'uploads', 'aria-label': 'Uploads' });
  const items = el('ul', { id: 'items', class: 'studio-items', 'aria-live': 'polite', 'aria-busy': 'true' });
  const uploadRows: UploadRow[] = [];
  let rows: ItemRow[] = [];
  let loading = 0;

  async function reload(): Promise<void> {
    const turn = ++loading;
    items.setAttribute('aria-busy', 'true');
    try {
      const { items: list } = await studioApi.course(course.id);
      const views: ItemResponse[] = await Promise.all(list.map((i) => studioApi.item(i.id)));
      if (turn !== loading) return;
      for (const r of rows) r.stop();
      rows = views.map((v) => itemRow(v, { reload: () => void reload(), report }));
      items.replaceChildren(
        ...(rows.length > 0
          ? rows.map((r) => r.element)
          : [el('li', { class: 'empty muted' }, 'Nothing in this course yet.')]),
      );
      items.setAttribute('aria-busy', 'false');
    } catch (err) {
      report(`The items could not be loaded: ${(err as Error).message}`);
    }
  }

  const addFiles = (files: File[]): void => {
    for (const file of files) {
      const row = startUpload(file, course.id, () => void reload());
      uploadRows.push(row);
      uploads.append(row.element);
    }
  };
  // Back online: uploads that ran out of retries during the outage go on by themselves.
  const online = (): void => uploadRows.forEach((r) => r.retry());
  window.addEventListener('online', online);

  const heading = el('h2', { id: 'panel-title' }, course.title);
  const saved = (updated: Course): void => {
    heading.textContent = updated.title;
    host.changed();
  };
  const element = el(
    'section',
    { id: 'course-panel', class: 'course-panel', 'data-course': course.id, 'aria-labelledby': 'panel-title' },
    el(
      'div',
      { class: 'panel-head' },
      heading,
      el('a', { href: pagePaths.course(course.id), class: 'course-link' }, 'Learners’ page'),
    ),
    message,
    detailsForm(course, saved, report),
    el('h3', {}, 'Add to this course'),
    dropZone(addFiles),
    uploads,
    el('h3', {}, 'Go live'),
    liveForm(course.id, () => void reload(), report),
    el('h3', {}, 'In this course'),
    items,
    el(
      'div',
      { class: 'danger-zone' },
      confirmButton('Delete course', `Delete “${course.title}” and everything in it?`, async () => {
        await studioApi.deleteCourse(course.id).then(
          () => host.deleted(),
          (err: Error) => report(`Delete failed: ${err.message}`),
        );
      }),
    ),
  );
  void reload();
  return {
    element,
    close() {
      window.removeEventListener('online', online);
      for (const r of rows) r.stop();
    },
  };
}

// One row per course item, drawn by its kind: a video links to its watch page, a document or an interactive
// module to its learn page with its format and size. A kind the server adds later falls back to a plain row.
import type { CourseItem } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { pagePaths } from './catalog-api.js';
import { describeStatus, formatBytes, formatClock, packageLabel } from './display-text.js';
import '../shared/status-badge.css';

type ItemRenderer = (item: CourseItem, courseId: string) => HTMLElement;

const KIND_LABELS: Readonly<Record<string, string>> = {
  video: 'Video',
  document: 'Document',
  interactive: 'Interactive',
};

function statusBadge(status: string): HTMLElement {
  return el('span', { class: `badge status-${status}` }, describeStatus(status).label);
}

function row(item: CourseItem, title: Node | string, ...details: (Node | string | null)[]): HTMLElement {
  return el(
    'li',
    { class: 'item', 'data-item': item.id, 'data-kind': item.kind, 'data-status': item.status },
    el('div', { class: 'item-title' }, title),
    el(
      'div',
      { class: 'item-meta muted' },
      el('span', { class: 'kind' }, KIND_LABELS[item.kind] ?? item.kind),
      ...details,
    ),
  );
}

const video: ItemRenderer = (item, courseId) => {
  const { note } = describeStatus(item.status);
  // A failed item has nothing to play; a processing one plays just in time, so it keeps its link.
  const playable = item.status !== 'failed';
  const title = playable
    ? el('a', { href: pagePaths.watch(item.id, courseId), class: 'watch-link' }, item.title)
    : el('span', {}, item.title);
  return row(
    item,
    title,
    el('span', { class: 'duration' }, formatClock(item.durationSeconds)),
    statusBadge(item.status),
    note ? el('span', { class: 'note' }, note) : null,
  );
};

const notViewable: ItemRenderer = (item) =>
  row(
    item,
    el('span', {}, item.title),
    statusBadge(item.status),
    el('span', { class: 'note' }, 'This page cannot open this kind of item.'),
  );

/** A document or a module: a link to its learn page once published, with what it is and how big. */
const learnable: ItemRenderer = (item, courseId) => {
  const c = item.content;
  if (!c) return row(item, el('span', {}, item.title), statusBadge(item.status));
  const what =
    c.kind === 'document'
      ? `${c.format.toUpperCase()} · ${formatBytes(c.bytes)}`
      : `${packageLabel(c.packageType)} · ${c.assetCount} files · ${formatBytes(c.totalBytes)}`;
  return row(
    item,
    el('a', { href: pagePaths.learn(item.id, courseId), class: 'learn-link' }, item.title),
    el('span', { class: 'format' }, what),
    statusBadge(item.status),
  );
};

/** Renderers per item kind; the fallback for any other kind. */
const RENDERERS: Readonly<Record<string, ItemRenderer>> = {
  video,
  document: learnable,
  interactive: learnable,
};

/** The course's item list, or a sentence when it has none. */
export function renderItems(items: CourseItem[], courseId: string): HTMLElement {
  if (items.length === 0) return el('p', { class: 'empty muted' }, 'This course has nothing in it yet.');
  return el(
    'ol',
    { class: 'items' },
    ...items.map((item) => (RENDERERS[item.kind] ?? notViewable)(item, courseId)),
  );
}

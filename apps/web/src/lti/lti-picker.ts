// The Deep Linking picker (/lti/picker): an instructor launched from the LMS in deep-linking mode chooses
// lectures, documents and modules of coursecast's catalog; the server signs the choice as `ltiResourceLink` items
// and this page form-posts it to the platform's return URL, which places them in the LMS course. `data-state` on
// <body> (loading|ready|sending|error) tells tests where it is.
import type { CatalogCourse, CatalogResponse, LtiDeepLinkResponse, PublicItem } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { ApiError, requestJson } from '../shared/http-json.js';
import { learnerHeaders, takeLearnerSession } from '../shared/learner-session.js';
import { formatClock } from '../player/display-text.js';
import '../shared/palette.css';
import './lti-pages.css';

const app = document.getElementById('app')!;
const KIND_LABEL: Record<string, string> = { video: 'Lecture', document: 'Document', interactive: 'Module' };

function fail(message: string): void {
  document.body.dataset['state'] = 'error';
  app.replaceChildren(
    el('h1', {}, 'Adding content did not work'),
    el('p', { class: 'error', role: 'alert' }, message),
  );
}

function itemChoice(item: PublicItem, single: boolean): HTMLElement {
  const id = `pick-${item.id}`;
  const facts = [KIND_LABEL[item.kind] ?? item.kind];
  if (item.durationSeconds) facts.push(formatClock(item.durationSeconds));
  if (item.status !== 'ready') facts.push('still being prepared');
  return el(
    'li',
    { 'data-item': item.id },
    el('input', { type: single ? 'radio' : 'checkbox', name: 'item', value: item.id, id }),
    el('label', { for: id }, item.title, el('span', { class: 'muted' }, ` · ${facts.join(' · ')}`)),
  );
}

function courseGroup(entry: CatalogCourse, single: boolean): HTMLElement {
  return el(
    'fieldset',
    { 'data-course': entry.course.id },
    el('legend', {}, entry.course.title),
    entry.items.length === 0
      ? el('p', { class: 'muted' }, 'No content yet.')
      : el('ul', { class: 'choices' }, ...entry.items.map((i) => itemChoice(i, single))),
  );
}

/** Posts the signed response to the platform, as Deep Linking says: a form with one field, `JWT`. */
function postToPlatform(answer: LtiDeepLinkResponse): void {
  const form = el(
    'form',
    { method: 'post', action: answer.returnUrl },
    el('input', { type: 'hidden', name: 'JWT', value: answer.jwt }),
  );
  document.body.append(form);
  form.submit();
}

async function send(session: string, itemIds: string[]): Promise<void> {
  document.body.dataset['state'] = 'sending';
  try {
    const answer = await requestJson<LtiDeepLinkResponse>('/api/lti/deep-link', {
      method: 'POST',
      headers: { ...learnerHeaders(session), 'content-type': 'application/json' },
      body: JSON.stringify({ itemIds }),
    });
    postToPlatform(answer);
  } catch (err) {
    fail(err instanceof ApiError ? err.message : String(err));
  }
}

async function main(): Promise<void> {
  const session = takeLearnerSession();
  if (!session) {
    fail('Open this page from your course: choosing content starts with the LMS.');
    return;
  }
  let catalog: CatalogResponse;
  try {
    catalog = await requestJson<CatalogResponse>('/api/lti/content', { headers: learnerHeaders(session) });
  } catch (err) {
    fail(err instanceof ApiError ? err.message : String(err));
    return;
  }
  const single = new URLSearchParams(location.search).get('multiple') === '0';
  const add = el('button', { type: 'submit', class: 'primary', disabled: true }, 'Add to course');
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const form = el(
    'form',
    { class: 'picker' },
    ...catalog.courses.map((c) => courseGroup(c, single)),
    el('div', { class: 'actions' }, add, cancel),
  );
  const chosen = (): string[] =>
    [...form.querySelectorAll<HTMLInputElement>('input[name="item"]:checked')].map((i) => i.value);
  form.addEventListener('change', () => {
    add.disabled = chosen().length === 0;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(session, chosen());
  });
  cancel.addEventListener('click', () => void send(session, []));
  app.replaceChildren(
    el('h1', {}, 'Add coursecast content to your course'),
    catalog.courses.length === 0
      ? el('p', {}, 'coursecast has no content yet: upload some in the studio.')
      : form,
  );
  document.body.dataset['state'] = 'ready';
}

void main();

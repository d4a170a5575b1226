// An item's learners in the studio (opened from its row): who came from the LMS, how far each got (a lecture's
// watched share, a module's status and score), time spent, when last seen, and what the LMS gradebook got;
// downloadable as CSV. Learners are pseudonymous unless the operator keeps the names LMSs send.
import type { ItemLearner, ItemLearnersResponse } from '@coursecast/api';
import { adminHeaders, getJson } from '../shared/admin-api.js';
import { el } from '../shared/dom-builder.js';
import { formatClock } from '../player/display-text.js';

const STATUS_TEXT: Record<ItemLearner['status'], string> = {
  in_progress: 'In progress',
  completed: 'Completed',
  passed: 'Passed',
  failed: 'Failed',
};

function progressCell(r: ItemLearner): string {
  if (r.completion !== null) return `${Math.round(r.completion * 100)} % watched`;
  const score = r.scoreScaled !== null ? `score ${Math.round(r.scoreScaled * 100)} %` : 'no score';
  return `attempt ${r.attempt ?? 1} · ${score}`;
}

function gradebookCell(r: ItemLearner): string {
  if (!r.lmsScore) return '—';
  const state = { pending: 'waiting', sent: 'sent', failed: 'failed' }[r.lmsScore.state];
  return `${r.lmsScore.scoreGiven} / 100 (${state})`;
}

function table(rows: readonly ItemLearner[]): HTMLElement {
  const head = ['Learner', 'Status', 'Progress', 'Time spent', 'Last seen', 'LMS gradebook'];
  return el(
    'table',
    { class: 'learners' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { 'data-learner': r.learnerId },
          el('th', { scope: 'row' }, r.name ?? r.learnerId),
          el('td', {}, STATUS_TEXT[r.status]),
          el('td', {}, progressCell(r)),
          el('td', {}, r.timeSpentSeconds !== null ? formatClock(r.timeSpentSeconds) : '—'),
          el('td', {}, new Date(r.lastSeen).toLocaleString()),
          el('td', { title: r.lmsScore?.lastError ?? '' }, gradebookCell(r)),
        ),
      ),
    ),
  );
}

/** Saves the item's learners as CSV (fetched with the admin token: a plain link could not send it). */
async function downloadCsv(itemId: string): Promise<void> {
  const res = await fetch(`/api/items/${encodeURIComponent(itemId)}/learners.csv`, {
    headers: adminHeaders(),
  });
  if (!res.ok) throw new Error(`the CSV could not be made (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: `${itemId}-learners.csv`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A "Learners" button and the panel it opens under the item. */
export function learnersToggle(itemId: string): { button: HTMLButtonElement; panel: HTMLElement } {
  const panel = el('div', {
    class: 'learners-panel',
    id: `learners-${itemId}`,
    hidden: true,
    'aria-live': 'polite',
  });
  const button = el(
    'button',
    { type: 'button', class: 'learners-toggle', 'aria-expanded': 'false', 'aria-controls': panel.id },
    'Learners',
  );
  button.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    panel.replaceChildren(el('p', { class: 'muted' }, 'Loading the learners…'));
    getJson<ItemLearnersResponse>(`/api/items/${encodeURIComponent(itemId)}/learners`).then(
      ({ learners }) => {
        if (learners.length === 0) {
          panel.replaceChildren(el('p', { class: 'muted' }, 'No learner has opened it from an LMS yet.'));
          return;
        }
        const csv = el('button', { type: 'button', class: 'csv' }, 'Download CSV');
        const note = el('span', { class: 'error', role: 'alert' });
        csv.addEventListener('click', () => {
          note.textContent = '';
          downloadCsv(itemId).catch((err: Error) => (note.textContent = err.message));
        });
        panel.replaceChildren(table(learners), el('p', {}, csv, ' ', note));
      },
      (err: Error) => panel.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message)),
    );
  });
  return { button, panel };
}

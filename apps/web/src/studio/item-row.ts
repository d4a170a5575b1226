// One item of a course in the studio: its status, its encoding progress live (the job's Server-Sent Events),
// what learners get (the just-in-time plan while the ladder encodes, then the renditions), and its actions:
// open it as a learner, re-transcode, delete (asked twice).
import type { ItemResponse, JobProgressEvent } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { pagePaths } from '../player/catalog-api.js';
import { formatBytes, formatClock } from '../player/display-text.js';
import { followJob, studioApi } from './studio-api.js';
import { confirmButton } from './confirm-button.js';
import { formatLeft } from './upload-speed.js';
import { learnersToggle } from './learners-panel.js';
import { captionsToggle } from './captions-panel.js';
import { liveToggle } from './live-panel.js';
import '../shared/status-badge.css';

/** A drawn item row; `stop()` ends its live progress stream. */
export interface ItemRow {
  element: HTMLElement;
  stop(): void;
}

/** What the row may ask of the course panel. */
export interface ItemRowHost {
  /** Redraw the whole list (after a delete, a re-transcode or the end of a job). */
  reload(): void;
  /** Shows an error line above the list. */
  report(message: string): void;
}

const KIND_LABELS: Readonly<Record<string, string>> = {
  video: 'Lecture',
  document: 'Document',
  interactive: 'Module',
};
const STATUS_LABELS: Readonly<Record<string, string>> = {
  processing: 'Encoding',
  ready: 'Ready',
  failed: 'Failed',
};

function learnerLink(view: ItemResponse): HTMLElement | null {
  const { item } = view;
  if (item.status === 'failed') return null;
  if (item.kind === 'video') {
    // A lecture plays while its ladder encodes: a just-in-time session serves it until the ladder is ready.
    return el('a', { href: pagePaths.watch(item.id, item.courseId), class: 'watch-link' }, 'Watch');
  }
  return view.content
    ? el('a', { href: pagePaths.learn(item.id, item.courseId), class: 'learn-link' }, 'Open')
    : null;
}

function deliveryText(view: ItemResponse): string {
  const { item, renditions, job } = view;
  if (item.kind !== 'video') return '';
  if (item.source === null && !job && item.status === 'processing')
    return 'Live lecture: learners watch it live';
  if (item.status === 'failed') return `Encoding failed: ${item.error ?? job?.error ?? 'no reason recorded'}`;
  if (renditions.length > 0) {
    const qualities = renditions.map((r) => r.name).join(', ');
    return `${item.status === 'processing' ? 'Re-encoding; learners get' : 'Learners get'} ${qualities}`;
  }
  return 'Playable now: learners get it just in time while its ladder encodes';
}

function progressText(e: JobProgressEvent): string {
  const { job } = e;
  if (job.state === 'queued')
    return job.attempts > 0 ? `Waiting to retry (attempt ${job.attempts + 1})` : 'Queued';
  const parts = [`${Math.floor(job.progress)} %`];
  if (job.speed) parts.push(`${job.speed.toFixed(1)}× real time`);
  if (job.etaSeconds !== null && job.etaSeconds > 0) parts.push(formatLeft(job.etaSeconds));
  return parts.join(' · ');
}

/** Draws one item from its admin answer. */
export function itemRow(view: ItemResponse, host: ItemRowHost): ItemRow {
  const { item, job } = view;
  const live = new AbortController();
  const bar = el('progress', {
    max: '100',
    value: String(job?.progress ?? 0),
    'aria-label': `Encoding of ${item.title}`,
  });
  const progress = el('span', { class: 'job-line muted' });
  const encoding = item.kind === 'video' && job && (job.state === 'queued' || job.state === 'running');
  const actions = el('span', { class: 'item-actions' }, learnerLink(view));
  const learners = item.status === 'failed' ? null : learnersToggle(item.id);
  if (learners) actions.append(learners.button);
  const captions = item.kind === 'video' && item.status !== 'failed' ? captionsToggle(item.id) : null;
  if (captions) actions.append(captions.button);
  // A live lecture (a video with no uploaded source): its box instead of a re-transcode.
  const liveLecture =
    item.kind === 'video' && item.source === null && !job
      ? liveToggle(item.id, (m) => host.report(m), () => host.reload())
      : null;
  if (liveLecture) actions.append(liveLecture.button);
  if (item.kind === 'video' && !encoding && !liveLecture) {
    const again = el('button', { type: 'button', class: 'retranscode' }, 'Re-transcode');
    again.addEventListener('click', () => {
      again.disabled = true;
      studioApi.retranscode(item.id).then(
        () => host.reload(),
        (err: Error) => {
          again.disabled = false;
          host.report(`Re-transcode of “${item.title}” refused: ${err.message}`);
        },
      );
    });
    actions.append(again);
  }
  actions.append(
    confirmButton('Delete', `Delete “${item.title}” for good?`, async () => {
      live.abort();
      liveLecture?.stop();
      await studioApi.deleteItem(item.id).then(
        () => host.reload(),
        (err: Error) => host.report(`Delete failed: ${err.message}`),
      );
    }),
  );
  const element = el(
    'li',
    { class: 'studio-item', 'data-item': item.id, 'data-kind': item.kind, 'data-status': item.status },
    el(
      'div',
      { class: 'item-head' },
      el('span', { class: 'item-name' }, item.title),
      el('span', { class: `badge status-${item.status}` }, STATUS_LABELS[item.status] ?? item.status),
    ),
    el(
      'div',
      { class: 'item-facts muted' },
      el('span', {}, KIND_LABELS[item.kind] ?? item.kind),
      item.durationSeconds ? el('span', {}, formatClock(item.durationSeconds)) : null,
      item.sourceBytes ? el('span', {}, formatBytes(item.sourceBytes)) : null,
      el('span', { class: 'delivery' }, deliveryText(view)),
    ),
    encoding ? el('div', { class: 'job' }, bar, progress) : null,
    actions,
    liveLecture?.box,
    learners?.panel,
    captions?.panel,
  );
  if (encoding && job) {
    progress.textContent = progressText({ job });
    void followJob(
      job.id,
      (e) => {
        bar.value = e.job.progress;
        progress.textContent = progressText(e);
      },
      live.signal,
    ).then(
      (last) => {
        if (last && !live.signal.aborted) host.reload();
      },
      () => undefined,
    );
  }
  return { element, stop: () => live.abort() };
}

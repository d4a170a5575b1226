// What the learner sees of a multi-SCO course in the launch frame: a bar with Previous / Continue and a live
// status line, the table of contents (nested lists of the organization's visible activities, each with its
// status; only what the sequencer would let them choose is a button), and a message where no SCO is shown.
import { isLeaf, type Activity } from './sequencing/activity-tree.js';
import { preconditionFires } from './sequencing/rule-check.js';
import type { NavRequest, Sequencer } from './sequencing/sequencer.js';

export interface CourseView {
  /** Redraws controls and contents from the sequencer's state. */
  update(): void;
  /** Says something in the status line (read out by screen readers). */
  announce(text: string): void;
  /**
   * Shows a message instead of the package frame (nothing delivered), with a button for the request that goes
   * on from there if any, or the frame again (null).
   */
  showMessage(text: string | null, next?: { label: string; request: NavRequest }): void;
}

/** The learner's words for an activity's status. */
function statusOf(a: Activity): { key: string; label: string } {
  if (a.objective.satisfied === true) return { key: 'passed', label: 'passed' };
  if (a.objective.satisfied === false && a.completed !== null) return { key: 'failed', label: 'not passed' };
  if (a.completed === true) return { key: 'completed', label: 'completed' };
  if (a.completed === false || a.attemptCount > 0) return { key: 'incomplete', label: 'in progress' };
  return { key: 'not-attempted', label: 'not started' };
}

const hiddenFromContents = (a: Activity): boolean => !a.visible || preconditionFires(a, ['hiddenFromChoice']);

/** Builds the course chrome around `frame` (moved into it) and returns its view. */
export function createCourseView(
  doc: Document,
  frame: HTMLIFrameElement,
  seq: Sequencer,
  onRequest: (request: NavRequest) => void,
): CourseView {
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}) =>
    Object.assign(doc.createElement(tag), props);
  const course = el('div', { id: 'course', className: 'course' });
  const bar = el('div', { className: 'course-bar', role: 'toolbar' });
  bar.setAttribute('aria-label', 'Course navigation');
  const toggle = el('button', { type: 'button', id: 'course-toc-toggle', textContent: 'Contents' });
  const previous = el('button', { type: 'button', id: 'course-previous', textContent: 'Previous' });
  const next = el('button', { type: 'button', id: 'course-continue', textContent: 'Continue' });
  const status = el('p', { id: 'course-status', className: 'course-status' });
  status.setAttribute('role', 'status');
  const toc = el('nav', { id: 'course-toc', className: 'course-toc' });
  toc.setAttribute('aria-label', 'Course contents');
  toggle.setAttribute('aria-controls', toc.id);
  // On a phone the contents would take the lesson's room: they start closed there.
  toc.hidden = (doc.defaultView?.innerWidth ?? 1024) < 640;
  toggle.setAttribute('aria-expanded', String(!toc.hidden));
  const stage = el('div', { className: 'course-stage' });
  const message = el('div', { id: 'course-message', className: 'course-message', hidden: true });
  message.tabIndex = -1;
  bar.append(toggle, previous, next, status);
  stage.append(frame, message);
  const main = el('div', { className: 'course-main' });
  main.append(toc, stage);
  course.append(bar, main);
  doc.body.append(course);

  toggle.addEventListener('click', () => {
    const open = toc.hidden;
    toc.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  });
  previous.addEventListener('click', () => onRequest({ kind: 'previous' }));
  next.addEventListener('click', () => onRequest({ kind: 'continue' }));

  const leaves = (function collect(a: Activity): Activity[] {
    return isLeaf(a) ? (a.url ? [a] : []) : a.children.flatMap(collect);
  })(seq.root);

  const entry = (a: Activity): HTMLLIElement => {
    const li = el('li');
    const s = statusOf(a);
    li.dataset.activity = a.id;
    li.dataset.status = s.key;
    const choosable = !seq.ended && a !== seq.current && seq.isValid({ kind: 'choice', target: a.id });
    const label = isLeaf(a) || choosable ? el('button', { type: 'button' }) : el('span');
    label.textContent = a.title;
    if (label instanceof HTMLButtonElement) {
      label.disabled = !choosable;
      label.addEventListener('click', () => onRequest({ kind: 'choice', target: a.id }));
    }
    if (a === seq.current) label.setAttribute('aria-current', 'step');
    const badge = el('span', { className: 'course-badge', textContent: s.label });
    li.append(label, ' ', badge);
    const kids = a.children.filter((c) => !hiddenFromContents(c));
    if (kids.length > 0) li.append(list(kids));
    return li;
  };
  const list = (items: Activity[]): HTMLOListElement => {
    const ol = el('ol');
    ol.append(...items.map(entry));
    return ol;
  };

  const view: CourseView = {
    update() {
      // Redrawn whole: the learner's focus goes back to the same entry, not to the page's top (WCAG 2.4.3).
      const focused = toc.contains(doc.activeElement)
        ? doc.activeElement?.closest<HTMLElement>('li')?.dataset.activity
        : undefined;
      toc.replaceChildren(list(seq.root.children.filter((c) => !hiddenFromContents(c))));
      if (focused) {
        const again = [...toc.querySelectorAll<HTMLLIElement>('li')].find(
          (li) => li.dataset.activity === focused,
        );
        (again?.querySelector<HTMLElement>(':scope > button:not([disabled])') ?? toc).focus();
      }
      previous.disabled = !seq.isValid({ kind: 'previous' });
      next.disabled = !seq.isValid({ kind: 'continue' });
      const root = statusOf(seq.root);
      course.dataset.courseStatus = root.key;
      course.dataset.courseScore =
        seq.root.objective.measure === null ? '' : String(seq.root.objective.measure);
      course.dataset.current = seq.current?.id ?? '';
      const at = seq.current ? leaves.indexOf(seq.current) + 1 : 0;
      status.textContent =
        (at > 0 ? `${seq.current?.title ?? ''} (${at} of ${leaves.length}). ` : '') + `Course ${root.label}.`;
    },
    announce(text) {
      status.textContent = text;
    },
    showMessage(text, next) {
      message.hidden = text === null;
      frame.hidden = text !== null;
      if (text === null) return;
      message.replaceChildren(el('p', { textContent: text }));
      if (next) {
        const go = el('button', { type: 'button', textContent: next.label });
        go.addEventListener('click', () => onRequest(next.request));
        message.append(go);
      }
      message.focus();
    },
  };
  return view;
}

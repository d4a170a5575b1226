// A destructive action asked twice, in place: the button turns into the question with "Yes" and "Keep"
// (no browser dialog: it reads in the page's flow, works on a phone and with the keyboard, and tests see it).
import { el } from '../shared/dom-builder.js';

/** A button labelled `label` that runs `action` only once the instructor has confirmed `question`. */
export function confirmButton(label: string, question: string, action: () => Promise<void>): HTMLElement {
  const first = el('button', { type: 'button', class: 'danger' }, label);
  const yes = el('button', { type: 'button', class: 'danger confirm-yes' }, `Yes, ${label.toLowerCase()}`);
  const keep = el('button', { type: 'button', class: 'confirm-keep' }, 'Keep');
  const ask = el(
    'span',
    { class: 'confirm', role: 'group', 'aria-label': question, hidden: true },
    el('span', {}, question),
    yes,
    keep,
  );
  const wrap = el('span', { class: 'confirm-wrap' }, first, ask);
  first.addEventListener('click', () => {
    first.hidden = true;
    ask.hidden = false;
    keep.focus();
  });
  keep.addEventListener('click', () => {
    ask.hidden = true;
    first.hidden = false;
    first.focus();
  });
  yes.addEventListener('click', () => {
    yes.disabled = true;
    keep.disabled = true;
    void action().finally(() => {
      yes.disabled = false;
      keep.disabled = false;
    });
  });
  return wrap;
}

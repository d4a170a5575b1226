// Headline numbers: the summary panel's figures and the range summary of the quantile panels.
import { el } from '../shared/dom-builder.js';

/** One figure: a stable key (tests and styles use `data-metric`), its label, value and an optional note. */
export interface Stat {
  key: string;
  label: string;
  value: string;
  note?: string;
}

/** A row of tiles, as a description list (label → value) so screen readers pair them. */
export function statTiles(stats: readonly Stat[], compact = false): HTMLElement {
  return el(
    'dl',
    { class: compact ? 'stats compact' : 'stats' },
    ...stats.map((s) =>
      el(
        'div',
        { class: 'stat', 'data-metric': s.key },
        el('dt', {}, s.label),
        el('dd', {}, s.value),
        s.note ? el('dd', { class: 'note' }, s.note) : null,
      ),
    ),
  );
}

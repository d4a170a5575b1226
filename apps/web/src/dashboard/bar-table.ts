// Horizontal bars as an HTML table (one row per group): readable, selectable text, no canvas needed for a
// handful of rows. Used for playback success by dimension, transcode errors by quality and course material.
import { el } from '../shared/dom-builder.js';

/** One row: its label, the bar's fill (0..1), the bar's text, and the row's other columns. */
export interface BarRow {
  key: string;
  /** What the row's header shows, when not the key itself (the key stays in `data-key`). */
  label?: string;
  fill: number | null;
  text: string;
  cells: string[];
  /** Colour class of the bar: good / warn / bad / neutral. */
  tone: 'good' | 'warn' | 'bad' | 'neutral';
}

/** A table of bars: columns are the key, the bar (with `barHeader`) and `extraHeaders`. */
export function barTable(
  keyHeader: string,
  barHeader: string,
  extraHeaders: readonly string[],
  rows: readonly BarRow[],
): HTMLElement {
  return el(
    'table',
    { class: 'bars' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, keyHeader),
        el('th', { scope: 'col', class: 'bar-col' }, barHeader),
        ...extraHeaders.map((h) => el('th', { scope: 'col', class: 'num' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map((r) => {
        const fill = el('span', { class: `fill ${r.tone}` });
        fill.style.width = `${Math.round(Math.min(1, Math.max(0, r.fill ?? 0)) * 1000) / 10}%`;
        return el(
          'tr',
          { 'data-key': r.key },
          el('th', { scope: 'row' }, r.label ?? r.key),
          el(
            'td',
            { class: 'bar-col' },
            el('span', { class: 'track', 'aria-hidden': 'true' }, fill),
            el('span', { class: 'bar-text' }, r.text),
          ),
          ...r.cells.map((c) => el('td', { class: 'num' }, c)),
        );
      }),
    ),
  );
}

/** The tone of a success rate: green from 98 %, amber from 90 %, red below. */
export function successTone(rate: number | null): BarRow['tone'] {
  if (rate === null) return 'neutral';
  return rate >= 0.98 ? 'good' : rate >= 0.9 ? 'warn' : 'bad';
}

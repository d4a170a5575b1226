// Panels this page does not know (added to the API after this build): shown as a table when the data is a
// list of flat rows, as JSON otherwise, so a new panel is readable before it gets a chart of its own.
import { el } from '../shared/dom-builder.js';
import { formatNumber } from './number-format.js';

const MAX_ROWS = 50;
const MAX_COLUMNS = 12;
const MAX_JSON = 8000;

const isRow = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v, 4);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '—';
  return JSON.stringify(v) ?? '—';
}

function rowsTable(rows: Record<string, unknown>[]): HTMLElement {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].slice(0, MAX_COLUMNS);
  return el(
    'div',
    { class: 'table-scroll' },
    el(
      'table',
      { class: 'generic' },
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c)))),
      el(
        'tbody',
        {},
        ...rows.slice(0, MAX_ROWS).map((r) => el('tr', {}, ...columns.map((c) => el('td', {}, cell(r[c]))))),
      ),
    ),
  );
}

/** Renders any JSON value: lists of rows as tables (one per key of an object of lists), the rest as JSON. */
export function renderGeneric(body: HTMLElement, data: unknown): void {
  if (Array.isArray(data) && data.length > 0 && data.every(isRow)) {
    body.append(rowsTable(data));
    return;
  }
  if (isRow(data) && Object.values(data).every((v) => Array.isArray(v) && v.every(isRow))) {
    for (const [key, rows] of Object.entries(data as Record<string, Record<string, unknown>[]>)) {
      body.append(el('h3', {}, key));
      body.append(rows.length > 0 ? rowsTable(rows) : el('p', { class: 'muted' }, 'none'));
    }
    return;
  }
  const json = JSON.stringify(data, null, 2) ?? 'null';
  body.append(el('pre', { class: 'json' }, json.length > MAX_JSON ? `${json.slice(0, MAX_JSON)}\n…` : json));
}

// The course material panel (`content-loads`): document and module loads by type, SCORM attempts by version,
// the slowest items and why modules failed to start, as four bar tables. The rows are built by pure functions (tested without a DOM);
// only renderContentLoads touches the page.
import type {
  LoadFailureRow,
  LoadGroupRow,
  PanelAnswer,
  ScormVersionRow,
  SlowItemRow,
} from '@coursecast/api';
import { MODULE_LOAD_FAILURES } from '@coursecast/semconv/browser';
import { packageLabel } from '../player/display-text.js';
import { el } from '../shared/dom-builder.js';
import { barTable, successTone, type BarRow } from './bar-table.js';
import { formatCount, formatKb, formatMs, formatPercent, formatSeconds } from './number-format.js';

/** What a kind and type read as: `SCORM 2004 module`, `PDF document`. */
export function materialLabel(kind: string, type: string): string {
  if (kind === 'module') return type === 'unknown' ? 'Module (type unknown)' : `${packageLabel(type)} module`;
  if (kind === 'document')
    return type === 'unknown' ? 'Document (format unknown)' : `${type.toUpperCase()} document`;
  return `${type} ${kind}`;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Loads by type: the bar is the share that loaded, coloured as playback success is. */
export function loadRows(rows: readonly LoadGroupRow[], locale?: string): BarRow[] {
  return rows.map((r) => ({
    key: `${r.kind}:${r.type}`,
    label: materialLabel(r.kind, r.type),
    fill: r.success_rate,
    text: formatPercent(r.success_rate, locale),
    tone: successTone(r.success_rate),
    cells: [
      formatCount(r.loads, locale),
      formatCount(r.failed, locale),
      formatMs(r.load_p50_ms, locale),
      formatMs(r.load_p95_ms, locale),
      formatKb(r.size_p50_kb, locale),
    ],
  }));
}

/** SCORM attempts by version: the bar is the completed share (neutral: a low one is not a fault of ours). */
export function scormRows(rows: readonly ScormVersionRow[], locale?: string): BarRow[] {
  return rows.map((r) => {
    const completed = ratio(r.completed, r.attempts);
    return {
      key: r.version,
      label: `SCORM ${r.version}`,
      fill: completed,
      text: formatPercent(completed, locale),
      tone: 'neutral',
      cells: [
        formatCount(r.attempts, locale),
        formatCount(r.finished, locale),
        formatCount(r.passed, locale),
        // Scaled scores run -1..1: shown as the percentage a learner would see.
        formatPercent(r.score_avg, locale),
        formatSeconds(r.session_time_p50_s, locale),
      ],
    };
  });
}

/** The slowest items: bars relative to the slowest one. */
export function slowestRows(rows: readonly SlowItemRow[], locale?: string): BarRow[] {
  const max = Math.max(0, ...rows.map((r) => r.load_p95_ms ?? 0));
  return rows.map((r) => ({
    key: r.item_id,
    fill: max > 0 ? ratio(r.load_p95_ms ?? 0, max) : null,
    text: formatMs(r.load_p95_ms, locale),
    tone: 'neutral',
    cells: [materialLabel(r.kind, r.type), formatCount(r.loads, locale), formatCount(r.failed, locale)],
  }));
}

const FAILURE_LABELS: Record<string, string> = {
  [MODULE_LOAD_FAILURES.apiNotFound]: 'SCORM API not found',
  [MODULE_LOAD_FAILURES.noInitialize]: 'API found, never initialized',
  [MODULE_LOAD_FAILURES.scriptError]: 'Script error',
  [MODULE_LOAD_FAILURES.blockedResource]: 'A file was refused or failed',
  [MODULE_LOAD_FAILURES.noPaint]: 'Nothing shown',
  [MODULE_LOAD_FAILURES.httpError]: 'HTTP error',
  [MODULE_LOAD_FAILURES.launchUnreachable]: 'Launch frame never answered',
};

/** Failed module loads by reason: the bar is the reason's share of the failures. */
export function failureRows(rows: readonly LoadFailureRow[], locale?: string): BarRow[] {
  const total = rows.reduce((sum, r) => sum + r.loads, 0);
  return rows.map((r) => ({
    key: r.reason,
    label: FAILURE_LABELS[r.reason] ?? r.reason,
    fill: ratio(r.loads, total),
    text: formatCount(r.loads, locale),
    tone: 'neutral',
    cells: [formatCount(r.items, locale), r.last_problem ?? '—'],
  }));
}

/** One titled part of the panel: its table, or a line saying why it is empty. */
function section(id: string, title: string, table: HTMLElement | null, empty: string): HTMLElement {
  return el(
    'div',
    { class: `material-part ${id}`, 'data-section': id },
    el('h3', {}, title),
    table ? el('div', { class: 'table-scroll' }, table) : el('p', { class: 'muted' }, empty),
  );
}

/** Draws the panel: loads by type across the card, SCORM attempts and the slowest items below. */
export function renderContentLoads(body: HTMLElement, res: PanelAnswer<'content-loads'>): void {
  const d = res.data;
  const loads = loadRows(d.loads);
  const scorm = scormRows(d.scorm);
  const slowest = slowestRows(d.slowest);
  const failures = failureRows(d.failures);
  body.append(
    el(
      'div',
      { class: 'material' },
      section(
        'loads',
        'Loads by type',
        loads.length > 0
          ? barTable('Material', 'Loaded', ['Loads', 'Failed', 'p50', 'p95', 'Median size'], loads)
          : null,
        'No document or module loads in this range.',
      ),
      section(
        'scorm',
        'SCORM attempts',
        scorm.length > 0
          ? barTable(
              'Package',
              'Completed',
              ['Attempts', 'Finished', 'Passed', 'Avg score', 'Median time'],
              scorm,
            )
          : null,
        'No SCORM attempt started in this range.',
      ),
      section(
        'slowest',
        'Slowest to load (p95)',
        slowest.length > 0 ? barTable('Item', 'Load p95', ['Material', 'Loads', 'Failed'], slowest) : null,
        'No successful load to time in this range.',
      ),
      section(
        'failures',
        'Why modules failed to start',
        failures.length > 0
          ? barTable('Reason', 'Failed loads', ['Modules', 'Latest problem'], failures)
          : null,
        'No module failed to start in this range.',
      ),
    ),
  );
}

// One panel's card: title, description, load time, error line and body, and its `data-state` (data, empty or
// error) once drawn. Each card draws and fails on its own, so one broken panel leaves the others alone.
import type { PanelInfo, PanelResponse } from '@coursecast/api';
import { el, withCode } from '../shared/dom-builder.js';
import { formatNumber } from './number-format.js';
import { isPanelEmpty } from './panel-data.js';
import { emptyHint, renderPanel } from './panel-renderers.js';
import type { Dispose } from './uplot-chart.js';

/** Rendered states, as in `data-state`. */
export type PanelState = 'data' | 'empty' | 'error';

/** A mounted panel card. */
export interface PanelCard {
  readonly id: string;
  readonly element: HTMLElement;
  /** The last rendered state, null before the first answer. */
  state(): PanelState | null;
  loading(): void;
  /** Draws an answer: its data, or the empty state when it holds nothing. */
  show(res: PanelResponse<unknown>, roundTripMs: number): void;
  showError(message: string, roundTripMs: number | null): void;
  dispose(): void;
}

/** Panels that read best across the whole row. */
const WIDE = new Set(['summary', 'content-loads']);

/** Creates the card of a panel (not yet in the page). */
export function createPanelCard(info: PanelInfo): PanelCard {
  const titleId = `panel-${info.id}-title`;
  const took = el('span', { class: 'took' });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const body = el('div', { class: 'card-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const element = el(
    'section',
    { class: WIDE.has(info.id) ? 'card wide' : 'card', 'data-panel': info.id, 'aria-labelledby': titleId },
    el('header', { class: 'card-head' }, el('h2', { id: titleId }, info.title), took),
    el('p', { class: 'desc' }, info.description),
    error,
    body,
  );
  let current: PanelState | null = null;
  let dispose: Dispose | void = undefined;

  function reset(state: PanelState): void {
    dispose?.();
    dispose = undefined;
    body.replaceChildren();
    error.hidden = state !== 'error';
    current = state;
    element.dataset['state'] = state;
    element.removeAttribute('aria-busy');
  }

  return {
    id: info.id,
    element,
    state: () => current,
    loading() {
      element.setAttribute('aria-busy', 'true');
    },
    show(res, roundTripMs) {
      const empty = isPanelEmpty(info.id, res.data);
      reset(empty ? 'empty' : 'data');
      took.textContent = `${formatNumber(res.tookMs, 1)} ms`;
      took.title = `Query time on the server; ${formatNumber(roundTripMs, 0)} ms round trip`;
      if (empty) body.append(el('p', { class: 'empty' }, withCode(emptyHint(info.id))));
      else dispose = renderPanel(body, res);
    },
    showError(message, roundTripMs) {
      reset('error');
      took.textContent = roundTripMs === null ? '' : `failed after ${formatNumber(roundTripMs, 0)} ms`;
      took.title = '';
      error.textContent = `Could not load this panel: ${message}`;
    },
    dispose() {
      dispose?.();
      dispose = undefined;
    },
  };
}

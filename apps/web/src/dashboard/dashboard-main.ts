// The dashboard page: token gate, controls, and a grid of panel cards loaded from the admin API, refreshed on
// a timer. The view (range, filters, refresh) lives in the URL; the token in this tab's sessionStorage.
import type {
  CaptionCoverageResponse,
  PanelInfo,
  PanelListResponse,
  PanelResponse,
  SuccessByRow,
} from '@coursecast/api';
import { ApiError, getJson, tokenStore } from '../shared/admin-api.js';
import { createControls } from './controls-bar.js';
import { el, withCode } from '../shared/dom-builder.js';
import { createPanelCard, type PanelCard } from './panel-card.js';
import { createTokenGate } from '../shared/token-gate.js';
import {
  REFRESH_PERIODS,
  panelQuery,
  parseDashboardState,
  serializeDashboardState,
  type DashboardState,
} from './dashboard-state.js';
import '../shared/palette.css';
import './dashboard.css';

const API = '/api/dashboard/panels';
const REFUSED =
  'The server refused this token (401). Enter the admin token the server printed (or its admin-token file).';

let state: DashboardState = parseDashboardState(location.search);
let cards: PanelCard[] = [];
let inflight: AbortController | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
/** A tick skipped while the tab was hidden: refresh as soon as it is visible again. */
let missedTick = false;

const statusLine = el('p', { id: 'status', class: 'status muted' });
const signOut = el('button', { type: 'button', id: 'sign-out', hidden: true }, 'Change token');
const pageMessage = el('div', { id: 'page-message', class: 'page-message', role: 'status', hidden: true });
const grid = el('div', { id: 'panels', class: 'grid' });
const controls = createControls(state, {
  change(next) {
    state = next;
    history.pushState(null, '', `${location.pathname}${serializeDashboardState(state)}`);
    schedule();
    void refresh();
  },
  refresh: () => void refresh(),
});
const coverageLine = el('p', { id: 'caption-coverage', class: 'muted coverage' });
const dashboard = el(
  'main',
  { id: 'dashboard', hidden: true },
  controls.element,
  coverageLine,
  pageMessage,
  grid,
);
const gate = createTokenGate((token) => {
  tokenStore.set(token);
  void start();
});

function messageOf(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.status === 0 ? 'no answer' : err.status})`;
  return err instanceof Error ? err.message : String(err);
}

/** Back to the token form: nothing keeps running with a token the server refused. */
function signIn(message?: string): void {
  inflight?.abort();
  inflight = null;
  stopTimer();
  for (const c of cards) c.dispose();
  cards = [];
  grid.replaceChildren();
  if (message) tokenStore.clear();
  dashboard.hidden = true;
  signOut.hidden = true;
  statusLine.textContent = '';
  gate.show(message);
}

function stopTimer(): void {
  if (timer !== null) clearInterval(timer);
  timer = null;
}

function schedule(): void {
  stopTimer();
  const period = REFRESH_PERIODS[state.refresh];
  if (period === 0 || !tokenStore.get()) return;
  timer = setInterval(() => {
    if (document.hidden) missedTick = true;
    else void refresh();
  }, period);
}

/** Loads the panel list and builds the cards, then the first refresh. */
async function start(): Promise<void> {
  gate.hide();
  dashboard.hidden = false;
  signOut.hidden = false;
  pageMessage.hidden = true;
  statusLine.textContent = 'Loading panels…';
  let panels: PanelInfo[];
  try {
    panels = (await getJson<PanelListResponse>(API)).panels;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signIn(REFUSED);
    showPageMessage('Could not load the panel list', `${messageOf(err)}. Press Refresh to try again.`);
    statusLine.textContent = '';
    schedule();
    return;
  }
  if (panels.length === 0) {
    showPageMessage('No panels', 'This server offers no dashboard panels.');
    statusLine.textContent = '';
    return;
  }
  for (const c of cards) c.dispose();
  cards = panels.map(createPanelCard);
  grid.replaceChildren(...cards.map((c) => c.element));
  schedule();
  void showCaptionCoverage();
  await refresh();
}

/**
 * The catalog's caption coverage, beside the panels: a fact of the catalog now, not of the time range (the
 * studio lists the lectures without captions).
 */
async function showCaptionCoverage(): Promise<void> {
  try {
    const c = await getJson<CaptionCoverageResponse>('/api/captions/coverage');
    const total = c.captioned + c.uncaptioned;
    coverageLine.textContent =
      total === 0
        ? 'Caption coverage: no lecture is ready yet.'
        : `Caption coverage: ${c.captioned} of ${total} ready lectures have captions (${Math.round((100 * c.captioned) / total)} %); the studio lists the ${c.uncaptioned} without.`;
  } catch {
    coverageLine.textContent = '';
  }
}

function showPageMessage(title: string, text: string): void {
  pageMessage.replaceChildren(el('h2', {}, title), el('p', {}, withCode(text)));
  pageMessage.hidden = false;
}

/** Reloads every panel at once; a newer refresh cancels an older one still running. */
async function refresh(): Promise<void> {
  if (!tokenStore.get()) return;
  if (cards.length === 0) return start();
  missedTick = false;
  inflight?.abort();
  const ac = new AbortController();
  inflight = ac;
  const query = panelQuery(state, Date.now());
  const t0 = performance.now();
  let refused = false;
  await Promise.all(
    cards.map(async (card) => {
      card.loading();
      const t = performance.now();
      try {
        // The panel's data as it came: panels this build does not know, or of another shape, are drawn generically.
        const res = await getJson<PanelResponse<unknown>>(
          `${API}/${encodeURIComponent(card.id)}?${query}`,
          ac.signal,
        );
        if (ac.signal.aborted) return;
        card.show(res, performance.now() - t);
        suggestFilters(res);
      } catch (err) {
        if (ac.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) refused = true;
        else card.showError(messageOf(err), performance.now() - t);
      }
    }),
  );
  if (refused) return signIn(REFUSED);
  if (ac.signal.aborted) return;
  inflight = null;
  const failed = cards.filter((c) => c.state() === 'error').length;
  // Nothing to show anywhere (failed panels aside): say what makes data appear.
  const nothing = !cards.some((c) => c.state() === 'data') && cards.some((c) => c.state() === 'empty');
  if (nothing) {
    const filtered = Object.keys(state.filters).length > 0;
    showPageMessage(
      'Nothing recorded in this time range yet',
      'To see data: run `npx coursecast demo`, open the lecture it prints in a browser and play it for a ' +
        'few seconds; the panels fill in at the next refresh. Already played something? Widen the time range' +
        (filtered ? ' or clear the filters.' : '.'),
    );
  } else {
    pageMessage.hidden = true;
  }
  const when = new Date().toLocaleTimeString();
  statusLine.textContent =
    `Updated ${when} · ${cards.length} panels in ${Math.round(performance.now() - t0)} ms` +
    (failed > 0 ? ` · ${failed} failed` : '');
}

/** Offers the browsers, codecs and containers seen in the data as filter suggestions. */
function suggestFilters(res: PanelResponse<unknown>): void {
  const dim = /^success-by-(browser|codec|container)$/.exec(res.panel)?.[1] as
    'browser' | 'codec' | 'container' | undefined;
  if (!dim || !Array.isArray(res.data)) return;
  controls.suggest(
    dim,
    (res.data as Partial<SuccessByRow>[]).map((r) => r.key).filter((k): k is string => typeof k === 'string'),
  );
}

signOut.addEventListener('click', () => {
  tokenStore.clear();
  signIn();
});
window.addEventListener('popstate', () => {
  state = parseDashboardState(location.search);
  controls.set(state);
  schedule();
  void refresh();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && missedTick) void refresh();
});

const root = document.getElementById('app')!;
root.replaceChildren(
  el(
    'header',
    { class: 'page-head' },
    el('h1', {}, 'coursecast dashboards'),
    el('div', { class: 'head-side' }, statusLine, signOut),
  ),
  gate.element,
  dashboard,
);
if (tokenStore.get()) void start();
else gate.show();

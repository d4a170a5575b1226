// The controls above the panels: time range (relative or custom), filters, auto-refresh and a refresh button.
// Every change hands the caller a new DashboardState; the caller keeps it in the URL and reloads the panels.
import { el } from '../shared/dom-builder.js';
import {
  FILTER_KEYS,
  FILTER_PATTERN,
  RANGE_LABELS,
  REFRESH_PERIODS,
  fromLocalInputValue,
  resolveRange,
  toLocalInputValue,
  type FilterKey,
  type RangeKey,
  type RefreshKey,
  type DashboardState,
} from './dashboard-state.js';

const FILTER_LABELS: Record<FilterKey, string> = {
  course: 'Course id',
  item: 'Item id',
  browser: 'Browser',
  codec: 'Source codec',
  container: 'Container',
  plan: 'Plan',
  cache: 'Cache status',
};

/** Values the server writes for these filters; the rest are suggested from the data as it comes. */
const KNOWN_VALUES: Partial<Record<FilterKey, string[]>> = {
  plan: ['vod', 'direct', 'remux', 'transcode'],
  cache: ['HIT', 'MISS', 'EXPIRED', 'STALE'],
};

const REFRESH_LABELS: Record<RefreshKey, string> = {
  off: 'Off',
  '10s': '10 s',
  '30s': '30 s',
  '1m': '1 min',
};

export interface ControlsHandlers {
  change(state: DashboardState): void;
  refresh(): void;
}

/** The mounted controls. */
export interface Controls {
  element: HTMLElement;
  /** Shows a state (after back/forward). */
  set(state: DashboardState): void;
  /** Adds suggestions for a filter (e.g. the browsers seen in the data). */
  suggest(key: FilterKey, values: readonly string[]): void;
}

function field(label: string, control: HTMLElement, extra = ''): HTMLElement {
  return el('label', { class: `field ${extra}`.trim() }, el('span', { class: 'label' }, label), control);
}

/** The time range picker: the relative ranges, and the From/To inputs of a custom one. */
interface RangeControls {
  range: HTMLSelectElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
  /** The From/To pair, hidden unless the range is custom. */
  custom: HTMLElement;
}

function rangeControls(): RangeControls {
  const range = el('select', { id: 'range', name: 'range' });
  for (const [key, label] of Object.entries(RANGE_LABELS)) range.append(el('option', { value: key }, label));
  const from = el('input', { id: 'from', type: 'datetime-local', required: true });
  const to = el('input', { id: 'to', type: 'datetime-local', required: true });
  const custom = el('span', { class: 'custom-range' }, field('From', from), field('To', to));
  return { range, from, to, custom };
}

function refreshSelect(): HTMLSelectElement {
  const select = el('select', { id: 'auto-refresh', name: 'refresh' });
  for (const key of Object.keys(REFRESH_PERIODS) as RefreshKey[])
    select.append(el('option', { value: key }, REFRESH_LABELS[key]));
  return select;
}

/** One text input per filter, each with its list of suggested values. */
function filterControls(): { inputs: Map<FilterKey, HTMLInputElement>; fields: HTMLElement[] } {
  const inputs = new Map<FilterKey, HTMLInputElement>();
  const fields = FILTER_KEYS.map((key) => {
    const list = el('datalist', { id: `filter-${key}-values` });
    const input = el('input', {
      id: `filter-${key}`,
      name: key,
      type: 'text',
      placeholder: 'any',
      autocomplete: 'off',
      spellcheck: 'false',
      // FILTER_PATTERN for the browser, whose `pattern` is compiled with the v flag: `-` must be escaped.
      pattern: '[A-Za-z0-9_.:\\-]{1,128}',
      title: 'letters, digits and . _ : - only',
      list: list.id,
    });
    inputs.set(key, input);
    for (const v of KNOWN_VALUES[key] ?? []) list.append(el('option', { value: v }));
    return el('span', {}, field(FILTER_LABELS[key], input, 'filter'), list);
  });
  return { inputs, fields };
}

/** The state the controls show, and the way a change leaves them. */
interface StateLink {
  current(): DashboardState;
  emit(next: DashboardState): void;
}

/** Range changes: a relative range at once; custom starts from the range shown and follows its inputs. */
function wireRange({ range, from, to, custom }: RangeControls, link: StateLink): void {
  range.addEventListener('change', () => {
    const state = link.current();
    const key = range.value as RangeKey;
    if (key !== 'custom') return link.emit({ ...state, range: key, from: null, to: null });
    // Custom starts from the range shown until now, so the inputs are filled and valid at once.
    const r = resolveRange(state, Date.now());
    custom.hidden = false;
    from.value = toLocalInputValue(r.from);
    to.value = toLocalInputValue(r.to);
    link.emit({
      ...state,
      range: 'custom',
      from: fromLocalInputValue(from.value),
      to: fromLocalInputValue(to.value),
    });
  });
  const customChanged = (): void => {
    const f = fromLocalInputValue(from.value);
    const t = fromLocalInputValue(to.value);
    const ok = f !== null && t !== null && f < t;
    to.setCustomValidity(ok ? '' : '“To” must be after “From”');
    if (ok) link.emit({ ...link.current(), range: 'custom', from: f, to: t });
    else to.reportValidity();
  };
  from.addEventListener('change', customChanged);
  to.addEventListener('change', customChanged);
}

/** Filter changes: applied when an input changes or the form is submitted, refused while one is invalid. */
function wireFilters(
  form: HTMLFormElement,
  inputs: Map<FilterKey, HTMLInputElement>,
  clearButton: HTMLButtonElement,
  link: StateLink,
): void {
  const applyFilters = (): void => {
    const filters: DashboardState['filters'] = {};
    for (const [key, input] of inputs) {
      const v = input.value.trim();
      if (v && !input.checkValidity()) {
        input.reportValidity();
        return;
      }
      if (v) filters[key] = v;
    }
    link.emit({ ...link.current(), filters });
  };
  for (const input of inputs.values()) input.addEventListener('change', applyFilters);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });
  clearButton.addEventListener('click', () => {
    for (const input of inputs.values()) input.value = '';
    link.emit({ ...link.current(), filters: {} });
  });
}

/** Adds the values not seen yet (nor known, nor malformed) to a filter's suggestion list. */
function addSuggestions(key: FilterKey, seen: Set<string>, values: readonly string[]): void {
  const list = document.getElementById(`filter-${key}-values`);
  for (const v of values) {
    if (seen.has(v) || (KNOWN_VALUES[key] ?? []).includes(v) || !FILTER_PATTERN.test(v)) continue;
    seen.add(v);
    list?.append(el('option', { value: v }));
  }
}

/** Builds the controls for `initial`; `on.change` receives every new state. */
export function createControls(initial: DashboardState, on: ControlsHandlers): Controls {
  let state: DashboardState = structuredClone(initial);
  const rc = rangeControls();
  const refresh = refreshSelect();
  const refreshButton = el('button', { type: 'button', id: 'refresh', class: 'primary' }, 'Refresh');
  const clearButton = el('button', { type: 'button', id: 'clear-filters' }, 'Clear filters');
  const { inputs, fields } = filterControls();
  const suggestions = new Map(FILTER_KEYS.map((key) => [key, new Set<string>()]));

  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Time range and filters' },
    el(
      'div',
      { class: 'row' },
      field('Time range', rc.range),
      rc.custom,
      field('Auto-refresh', refresh),
      refreshButton,
    ),
    el('div', { class: 'row filters' }, ...fields, clearButton),
  );

  function show(s: DashboardState): void {
    rc.range.value = s.range;
    rc.custom.hidden = s.range !== 'custom';
    if (s.range === 'custom') {
      const r = resolveRange(s, Date.now());
      rc.from.value = toLocalInputValue(r.from);
      rc.to.value = toLocalInputValue(r.to);
    }
    refresh.value = s.refresh;
    for (const key of FILTER_KEYS) inputs.get(key)!.value = s.filters[key] ?? '';
  }

  const link: StateLink = {
    current: () => state,
    emit(next) {
      state = next;
      on.change(structuredClone(state));
    },
  };
  wireRange(rc, link);
  refresh.addEventListener('change', () => link.emit({ ...state, refresh: refresh.value as RefreshKey }));
  refreshButton.addEventListener('click', () => on.refresh());
  wireFilters(form, inputs, clearButton, link);

  show(state);
  return {
    element: form,
    set(s) {
      state = structuredClone(s);
      show(state);
    },
    suggest(key, values) {
      addSuggestions(key, suggestions.get(key)!, values);
    },
  };
}

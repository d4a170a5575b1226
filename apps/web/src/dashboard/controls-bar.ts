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

/** Builds the controls for `initial`; `on.change` receives every new state. */
export function createControls(initial: DashboardState, on: ControlsHandlers): Controls {
  let state: DashboardState = structuredClone(initial);
  const range = el('select', { id: 'range', name: 'range' });
  for (const [key, label] of Object.entries(RANGE_LABELS)) range.append(el('option', { value: key }, label));
  const from = el('input', { id: 'from', type: 'datetime-local', required: true });
  const to = el('input', { id: 'to', type: 'datetime-local', required: true });
  const custom = el('span', { class: 'custom-range' }, field('From', from), field('To', to));
  const refreshSelect = el('select', { id: 'auto-refresh', name: 'refresh' });
  for (const key of Object.keys(REFRESH_PERIODS) as RefreshKey[])
    refreshSelect.append(el('option', { value: key }, REFRESH_LABELS[key]));
  const refreshButton = el('button', { type: 'button', id: 'refresh', class: 'primary' }, 'Refresh');
  const clearButton = el('button', { type: 'button', id: 'clear-filters' }, 'Clear filters');

  const suggestions = new Map<FilterKey, Set<string>>();
  const inputs = new Map<FilterKey, HTMLInputElement>();
  const filterFields = FILTER_KEYS.map((key) => {
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
    suggestions.set(key, new Set());
    for (const v of KNOWN_VALUES[key] ?? []) list.append(el('option', { value: v }));
    return el('span', {}, field(FILTER_LABELS[key], input, 'filter'), list);
  });

  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Time range and filters' },
    el(
      'div',
      { class: 'row' },
      field('Time range', range),
      custom,
      field('Auto-refresh', refreshSelect),
      refreshButton,
    ),
    el('div', { class: 'row filters' }, ...filterFields, clearButton),
  );

  function show(s: DashboardState): void {
    range.value = s.range;
    custom.hidden = s.range !== 'custom';
    if (s.range === 'custom') {
      const r = resolveRange(s, Date.now());
      from.value = toLocalInputValue(r.from);
      to.value = toLocalInputValue(r.to);
    }
    refreshSelect.value = s.refresh;
    for (const key of FILTER_KEYS) inputs.get(key)!.value = s.filters[key] ?? '';
  }

  function emit(next: DashboardState): void {
    state = next;
    on.change(structuredClone(state));
  }

  range.addEventListener('change', () => {
    const key = range.value as RangeKey;
    if (key !== 'custom') return emit({ ...state, range: key, from: null, to: null });
    // Custom starts from the range shown until now, so the inputs are filled and valid at once.
    const r = resolveRange(state, Date.now());
    custom.hidden = false;
    from.value = toLocalInputValue(r.from);
    to.value = toLocalInputValue(r.to);
    emit({
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
    if (ok) emit({ ...state, range: 'custom', from: f, to: t });
    else to.reportValidity();
  };
  from.addEventListener('change', customChanged);
  to.addEventListener('change', customChanged);
  refreshSelect.addEventListener('change', () =>
    emit({ ...state, refresh: refreshSelect.value as RefreshKey }),
  );
  refreshButton.addEventListener('click', () => on.refresh());

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
    emit({ ...state, filters });
  };
  for (const input of inputs.values()) input.addEventListener('change', applyFilters);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });
  clearButton.addEventListener('click', () => {
    for (const input of inputs.values()) input.value = '';
    emit({ ...state, filters: {} });
  });

  show(state);
  return {
    element: form,
    set(s) {
      state = structuredClone(s);
      show(state);
    },
    suggest(key, values) {
      const seen = suggestions.get(key)!;
      const list = document.getElementById(`filter-${key}-values`);
      for (const v of values) {
        if (seen.has(v) || (KNOWN_VALUES[key] ?? []).includes(v) || !FILTER_PATTERN.test(v)) continue;
        seen.add(v);
        list?.append(el('option', { value: v }));
      }
    },
  };
}

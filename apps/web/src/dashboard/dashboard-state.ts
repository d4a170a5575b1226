// What the dashboard shows (time range, filters, auto-refresh), kept in the URL's query string so a view can
// be bookmarked or shared. Pure: no DOM, so it is unit-tested in Node.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The relative ranges of the picker: key → length in ms. */
export const RANGES = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
} as const;
export type RelativeRange = keyof typeof RANGES;
export type RangeKey = RelativeRange | 'custom';

/** Labels of the range picker, in its order. */
export const RANGE_LABELS: Record<RangeKey, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom…',
};

/** Auto-refresh periods: key → ms (0: off). */
export const REFRESH_PERIODS = { off: 0, '10s': 10_000, '30s': 30_000, '1m': 60_000 } as const;
export type RefreshKey = keyof typeof REFRESH_PERIODS;

/** Filters the panel API takes, in the order the controls show them. */
export const FILTER_KEYS = ['course', 'item', 'browser', 'codec', 'container', 'plan', 'cache'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The values the API accepts for a filter (mirrors the server's check, so a typo is caught before a 400). */
export const FILTER_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export const DEFAULT_RANGE: RelativeRange = '1h';
export const DEFAULT_REFRESH: RefreshKey = '30s';

/** Everything the URL holds. `from`/`to` are set only for a custom range. */
export interface DashboardState {
  range: RangeKey;
  from: number | null;
  to: number | null;
  /** Bucket size in seconds; null lets the server pick about 60 buckets. */
  bucket: number | null;
  refresh: RefreshKey;
  filters: Partial<Record<FilterKey, string>>;
}

/** The state of a URL without parameters. */
export function defaultDashboardState(): DashboardState {
  return { range: DEFAULT_RANGE, from: null, to: null, bucket: null, refresh: DEFAULT_REFRESH, filters: {} };
}

/** Epoch ms from a URL value: epoch ms digits or an ISO 8601 date-time; null when neither. */
export function parseTime(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const isKey = <T extends object>(o: T, k: string | null): k is Extract<keyof T, string> =>
  k !== null && Object.hasOwn(o, k);

/** Reads the state from a query string; anything unknown or malformed falls back to its default. */
export function parseDashboardState(search: string): DashboardState {
  const p = new URLSearchParams(search);
  const s = defaultDashboardState();
  const from = parseTime(p.get('from'));
  const to = parseTime(p.get('to'));
  if (from !== null && to !== null && from < to) {
    s.range = 'custom';
    s.from = from;
    s.to = to;
  } else {
    const range = p.get('range');
    if (isKey(RANGES, range)) s.range = range;
  }
  const refresh = p.get('refresh');
  if (isKey(REFRESH_PERIODS, refresh)) s.refresh = refresh;
  const bucket = Number(p.get('bucket'));
  if (Number.isInteger(bucket) && bucket >= 1 && bucket <= 86_400) s.bucket = bucket;
  for (const key of FILTER_KEYS) {
    const v = p.get(key)?.trim();
    if (v && FILTER_PATTERN.test(v)) s.filters[key] = v;
  }
  return s;
}

/** The query string for a state, defaults left out so shared links stay short. */
export function serializeDashboardState(s: DashboardState): string {
  const p = new URLSearchParams();
  if (s.range === 'custom' && s.from !== null && s.to !== null) {
    p.set('from', new Date(s.from).toISOString());
    p.set('to', new Date(s.to).toISOString());
  } else if (s.range !== DEFAULT_RANGE && s.range !== 'custom') {
    p.set('range', s.range);
  }
  if (s.bucket !== null) p.set('bucket', String(s.bucket));
  if (s.refresh !== DEFAULT_REFRESH) p.set('refresh', s.refresh);
  for (const key of FILTER_KEYS) {
    const v = s.filters[key];
    if (v) p.set(key, v);
  }
  const q = p.toString();
  return q ? `?${q}` : '';
}

/** The absolute range a state means at `nowMs` (a relative range ends now; custom without bounds: default). */
export function resolveRange(s: DashboardState, nowMs: number): { from: number; to: number } {
  if (s.range === 'custom' && s.from !== null && s.to !== null) return { from: s.from, to: s.to };
  const length = RANGES[s.range === 'custom' ? DEFAULT_RANGE : s.range];
  return { from: nowMs - length, to: nowMs };
}

/** The panel API's query string for a state at `nowMs`. */
export function panelQuery(s: DashboardState, nowMs: number): string {
  const { from, to } = resolveRange(s, nowMs);
  const p = new URLSearchParams({ from: String(Math.floor(from)), to: String(Math.ceil(to)) });
  if (s.bucket !== null) p.set('bucket', String(s.bucket));
  for (const key of FILTER_KEYS) {
    const v = s.filters[key];
    if (v) p.set(key, v);
  }
  return p.toString();
}

/** `YYYY-MM-DDTHH:mm` in local time, the value format of `<input type="datetime-local">`. */
export function toLocalInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** Epoch ms of a `datetime-local` value (local time); null when empty or invalid. */
export function fromLocalInputValue(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

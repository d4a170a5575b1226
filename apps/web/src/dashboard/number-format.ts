// Locale-aware number formatting for figures, legends and axes. `locale` is left undefined in the page (the
// browser's own) and fixed in tests. A missing figure (null) is shown as an em dash, never as 0.

const MISSING = '—';
const cache = new Map<string, Intl.NumberFormat>();

function nf(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

const missing = (v: number | null | undefined): v is null | undefined =>
  v === null || v === undefined || !Number.isFinite(v);

/** A whole count with grouping: 12,345. */
export function formatCount(v: number | null | undefined, locale?: string): string {
  return missing(v) ? MISSING : nf(locale, { maximumFractionDigits: 0 }).format(v);
}

/** A number with at most `digits` decimals: 1.25. */
export function formatNumber(v: number | null | undefined, digits = 2, locale?: string): string {
  return missing(v) ? MISSING : nf(locale, { maximumFractionDigits: digits }).format(v);
}

/** A ratio (0..1) as a percentage; small ratios keep two decimals so 0.4 % does not read as 0 %. */
export function formatPercent(ratio: number | null | undefined, locale?: string): string {
  if (missing(ratio)) return MISSING;
  const digits = ratio !== 0 && Math.abs(ratio) < 0.01 ? 2 : 1;
  return nf(locale, { style: 'percent', maximumFractionDigits: digits }).format(ratio);
}

/** A duration in ms: `850 ms` below a second, `1.25 s` up to a minute, `2.5 min` above. */
export function formatMs(ms: number | null | undefined, locale?: string): string {
  if (missing(ms)) return MISSING;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${nf(locale, { maximumFractionDigits: abs < 10 ? 1 : 0 }).format(ms)} ms`;
  if (abs < 60_000) return `${nf(locale, { maximumFractionDigits: 2 }).format(ms / 1000)} s`;
  return `${nf(locale, { maximumFractionDigits: 1 }).format(ms / 60_000)} min`;
}

/** A duration in seconds (the server's metric unit), shown like formatMs. */
export function formatSeconds(s: number | null | undefined, locale?: string): string {
  return missing(s) ? MISSING : formatMs(s * 1000, locale);
}

/** A speed factor: `3.4×` (1× = realtime). */
export function formatFactor(v: number | null | undefined, locale?: string): string {
  return missing(v) ? MISSING : `${nf(locale, { maximumFractionDigits: 2 }).format(v)}×`;
}

/** A size given in KB (the load events' unit): `850 KB` up to 1024 KB, `2.4 MB` above. */
export function formatKb(kb: number | null | undefined, locale?: string): string {
  if (missing(kb)) return MISSING;
  if (Math.abs(kb) < 1024)
    return `${nf(locale, { maximumFractionDigits: Math.abs(kb) < 10 ? 1 : 0 }).format(kb)} KB`;
  return `${nf(locale, { maximumFractionDigits: 1 }).format(kb / 1024)} MB`;
}

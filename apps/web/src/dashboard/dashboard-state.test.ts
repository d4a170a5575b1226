import { describe, expect, it } from 'vitest';
import {
  defaultDashboardState,
  fromLocalInputValue,
  panelQuery,
  parseDashboardState,
  resolveRange,
  serializeDashboardState,
  toLocalInputValue,
} from './dashboard-state.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('view state in the URL', () => {
  it('has short defaults: the last hour, refresh every 30 s, no filters', () => {
    expect(parseDashboardState('')).toEqual(defaultDashboardState());
    expect(serializeDashboardState(defaultDashboardState())).toBe('');
    expect(resolveRange(defaultDashboardState(), NOW)).toEqual({ from: NOW - 3_600_000, to: NOW });
  });

  it('round-trips ranges, refresh, bucket and filters', () => {
    const s = parseDashboardState('?range=7d&refresh=off&bucket=300&browser=firefox&codec=hevc&cache=HIT');
    expect(s).toMatchObject({ range: '7d', refresh: 'off', bucket: 300 });
    expect(s.filters).toEqual({ browser: 'firefox', codec: 'hevc', cache: 'HIT' });
    expect(parseDashboardState(serializeDashboardState(s))).toEqual(s);
    expect(resolveRange(s, NOW).from).toBe(NOW - 7 * 86_400_000);
  });

  it('reads a custom range as ISO or epoch ms, and writes it as ISO', () => {
    const iso = parseDashboardState('?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00.000Z&range=1h');
    expect(iso).toMatchObject({ range: 'custom', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) });
    expect(serializeDashboardState(iso)).toBe(
      '?from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-02T00%3A00%3A00.000Z',
    );
    const ms = parseDashboardState(`?from=${Date.UTC(2026, 0, 1)}&to=${Date.UTC(2026, 0, 2)}`);
    expect(resolveRange(ms, NOW)).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) });
  });

  it('falls back to defaults for junk rather than sending the API a query it refuses', () => {
    const s = parseDashboardState('?range=2y&refresh=5s&bucket=0&from=9&to=3&browser=%27%3B%20DROP&plan=vod');
    expect(s).toEqual({ ...defaultDashboardState(), filters: { plan: 'vod' } });
    expect(parseDashboardState('?from=yesterday&to=today').range).toBe('1h');
  });

  it('builds the panel query: absolute from/to, bucket, filters', () => {
    const q = new URLSearchParams(panelQuery(parseDashboardState('?range=15m&bucket=60&item=itm_1'), NOW));
    expect(Object.fromEntries(q)).toEqual({
      from: String(NOW - 900_000),
      to: String(NOW),
      bucket: '60',
      item: 'itm_1',
    });
  });

  it('converts datetime-local values both ways in local time', () => {
    const ms = new Date(2026, 4, 6, 7, 8).getTime();
    expect(toLocalInputValue(ms)).toBe('2026-05-06T07:08');
    expect(fromLocalInputValue('2026-05-06T07:08')).toBe(ms);
    expect(fromLocalInputValue('')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { parseCacheControl, type CacheDirectives } from './cache-control.js';

const NONE: CacheDirectives = {
  maxAge: null,
  staleWhileRevalidate: 0,
  staleIfError: null,
  noStore: false,
  noCache: false,
  mustRevalidate: false,
  isPrivate: false,
  immutable: false,
};

describe('parseCacheControl: absent or empty header', () => {
  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['only spaces and commas', ' , ,, '],
  ])('gives no directives for %s', (_name, header) => {
    expect(parseCacheControl(header)).toEqual(NONE);
  });
});

describe('parseCacheControl: freshness lifetime', () => {
  it('reads max-age', () => {
    expect(parseCacheControl('max-age=60')).toEqual({ ...NONE, maxAge: 60 });
  });

  it('reads max-age=0 as zero, not as absent', () => {
    expect(parseCacheControl('max-age=0').maxAge).toBe(0);
  });

  it('prefers s-maxage over max-age for a shared cache, in either order', () => {
    expect(parseCacheControl('max-age=60, s-maxage=600').maxAge).toBe(600);
    expect(parseCacheControl('s-maxage=600, max-age=60').maxAge).toBe(600);
  });

  it('prefers s-maxage even when it is shorter', () => {
    expect(parseCacheControl('max-age=600, s-maxage=0').maxAge).toBe(0);
  });

  it('reads s-maxage alone', () => {
    expect(parseCacheControl('s-maxage=30').maxAge).toBe(30);
  });

  it('falls back to max-age when s-maxage is garbage', () => {
    expect(parseCacheControl('s-maxage=soon, max-age=60').maxAge).toBe(60);
  });

  it('reads a year-long max-age', () => {
    expect(parseCacheControl('public, max-age=31536000, immutable')).toEqual({
      ...NONE,
      maxAge: 31536000,
      immutable: true,
    });
  });

  it('uses the first occurrence of a repeated directive (RFC 9111 §4.2.1)', () => {
    expect(parseCacheControl('max-age=0, max-age=3600').maxAge).toBe(0);
    expect(parseCacheControl('max-age=3600, max-age=0').maxAge).toBe(3600);
  });
});

describe('parseCacheControl: stale extensions (RFC 5861)', () => {
  it('reads stale-while-revalidate', () => {
    expect(parseCacheControl('max-age=30, stale-while-revalidate=15')).toEqual({
      ...NONE,
      maxAge: 30,
      staleWhileRevalidate: 15,
    });
  });

  it('defaults stale-while-revalidate to 0 and stale-if-error to null (the edge default applies)', () => {
    const d = parseCacheControl('max-age=30');
    expect(d.staleWhileRevalidate).toBe(0);
    expect(d.staleIfError).toBeNull();
  });

  it('reads stale-if-error, including 0', () => {
    expect(parseCacheControl('stale-if-error=86400').staleIfError).toBe(86400);
    expect(parseCacheControl('stale-if-error=0').staleIfError).toBe(0);
  });

  it('reads the playlist policy the origin sends', () => {
    expect(parseCacheControl('public, max-age=30, stale-while-revalidate=30, stale-if-error=86400')).toEqual({
      ...NONE,
      maxAge: 30,
      staleWhileRevalidate: 30,
      staleIfError: 86400,
    });
  });
});

describe('parseCacheControl: flags', () => {
  it.each([
    ['no-store', { noStore: true }],
    ['no-cache', { noCache: true }],
    ['private', { isPrivate: true }],
    ['must-revalidate', { mustRevalidate: true }],
    ['proxy-revalidate', { mustRevalidate: true }],
    ['immutable', { immutable: true }],
    ['public', {}],
  ])('reads %s', (header, flags) => {
    expect(parseCacheControl(header)).toEqual({ ...NONE, ...flags });
  });

  it('reads several flags together', () => {
    expect(parseCacheControl('private, no-cache, no-store, must-revalidate')).toEqual({
      ...NONE,
      noStore: true,
      noCache: true,
      mustRevalidate: true,
      isPrivate: true,
    });
  });

  it('treats a field-qualified no-cache or private as the unqualified (stricter) directive', () => {
    expect(parseCacheControl('no-cache="set-cookie", max-age=60')).toEqual({
      ...NONE,
      noCache: true,
      maxAge: 60,
    });
    expect(parseCacheControl('private="x-user", max-age=60')).toEqual({
      ...NONE,
      isPrivate: true,
      maxAge: 60,
    });
  });

  it('does not confuse directives that share a prefix', () => {
    expect(parseCacheControl('no-storage, privately, no-cache-please, max-ages=5')).toEqual(NONE);
  });
});

describe('parseCacheControl: syntax', () => {
  it('is case-insensitive in directive names', () => {
    expect(
      parseCacheControl('Max-Age=60, S-MAXAGE=120, No-Store, PRIVATE, Stale-While-Revalidate=5'),
    ).toEqual({
      ...NONE,
      maxAge: 120,
      noStore: true,
      isPrivate: true,
      staleWhileRevalidate: 5,
    });
  });

  it('accepts quoted values', () => {
    expect(parseCacheControl('max-age="60", stale-while-revalidate="10", stale-if-error="20"')).toEqual({
      ...NONE,
      maxAge: 60,
      staleWhileRevalidate: 10,
      staleIfError: 20,
    });
  });

  it('tolerates spaces around directives and empty list members', () => {
    expect(parseCacheControl('  max-age=60 ,, no-cache ,')).toEqual({ ...NONE, maxAge: 60, noCache: true });
  });

  it('ignores unknown directives', () => {
    expect(parseCacheControl('x-foo=bar, max-age=5, community="UCI"')).toEqual({ ...NONE, maxAge: 5 });
  });

  it.each([
    ['a word', 'max-age=soon'],
    ['a negative number', 'max-age=-1'],
    ['a fraction', 'max-age=1.5'],
    ['an empty value', 'max-age='],
    ['an empty quoted value', 'max-age=""'],
    ['no value', 'max-age'],
    ['a hexadecimal number', 'max-age=0x10'],
    ['an exponent', 'max-age=1e3'],
    ['a plus sign', 'max-age=+5'],
    ['trailing junk', 'max-age=60s'],
  ])('ignores a max-age that is not delta-seconds: %s', (_name, header) => {
    expect(parseCacheControl(header).maxAge).toBeNull();
  });

  it('ignores garbage stale-* values', () => {
    const d = parseCacheControl('stale-while-revalidate=later, stale-if-error=-5');
    expect(d.staleWhileRevalidate).toBe(0);
    expect(d.staleIfError).toBeNull();
  });

  it('keeps flags whatever value they are given', () => {
    expect(parseCacheControl('no-store=1').noStore).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { CDN_CACHE_STATUSES } from '@coursecast/semconv';
import { cacheStatusHeader } from './cache-status.js';

const SERVER = 'coursecast';

describe('cacheStatusHeader: HIT', () => {
  it('is a hit with the remaining freshness', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.hit, ttl: 31535990 })).toBe(
      'coursecast; hit; ttl=31535990',
    );
  });

  it('writes ttl=0 (zero is a value, not an absence)', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.hit, ttl: 0 })).toBe(
      'coursecast; hit; ttl=0',
    );
  });

  it('is a bare hit without a ttl', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.hit })).toBe('coursecast; hit');
  });

  it('starts with the given cache name', () => {
    expect(cacheStatusHeader('edge-eu-1', { status: CDN_CACHE_STATUSES.hit, ttl: 5 })).toBe(
      'edge-eu-1; hit; ttl=5',
    );
  });
});

describe('cacheStatusHeader: MISS', () => {
  it('went forward as a miss and stored the answer', () => {
    expect(
      cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.miss, fwdStatus: 200, stored: true, ttl: 30 }),
    ).toBe('coursecast; fwd=miss; fwd-status=200; stored; ttl=30');
  });

  it('marks a request that waited on another request’s fetch as collapsed', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.miss,
        fwdStatus: 200,
        stored: true,
        collapsed: true,
        ttl: 30,
      }),
    ).toBe('coursecast; fwd=miss; fwd-status=200; stored; collapsed; ttl=30');
  });

  it('leaves out stored and collapsed when false', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.miss,
        fwdStatus: 404,
        stored: false,
        collapsed: false,
      }),
    ).toBe('coursecast; fwd=miss; fwd-status=404');
  });

  it('carries a detail for an answer too large to keep', () => {
    expect(
      cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.miss, fwdStatus: 200, detail: 'too-large' }),
    ).toBe('coursecast; fwd=miss; fwd-status=200; detail=too-large');
  });

  it('carries a detail for a failed origin fetch, with collapsed', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.miss,
        collapsed: true,
        detail: 'origin-timeout',
      }),
    ).toBe('coursecast; fwd=miss; collapsed; detail=origin-timeout');
  });
});

describe('cacheStatusHeader: EXPIRED', () => {
  it('went forward because the stored answer was stale, with the origin status', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.expired,
        fwdStatus: 304,
        stored: true,
        ttl: 30,
      }),
    ).toBe('coursecast; fwd=stale; fwd-status=304; stored; ttl=30');
  });

  it('is fwd=stale even without further parameters', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.expired })).toBe('coursecast; fwd=stale');
  });
});

describe('cacheStatusHeader: STALE', () => {
  it('is a hit with a negative ttl for stale-while-revalidate', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.stale,
        ttl: -4,
        detail: 'stale-while-revalidate',
      }),
    ).toBe('coursecast; hit; ttl=-4; detail=stale-while-revalidate');
  });

  it('is fwd=stale for stale-if-error: the forward failed and the stale copy was served', () => {
    expect(
      cacheStatusHeader(SERVER, {
        status: CDN_CACHE_STATUSES.stale,
        fwdStatus: 503,
        ttl: -120,
        detail: 'stale-if-error',
      }),
    ).toBe('coursecast; fwd=stale; fwd-status=503; ttl=-120; detail=stale-if-error');
  });

  it('is fwd=stale when the stale reason is not given', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.stale, ttl: -1 })).toBe(
      'coursecast; fwd=stale; ttl=-1',
    );
  });
});

describe('cacheStatusHeader: parameters', () => {
  it('writes every parameter in a fixed order: fwd-status, stored, collapsed, ttl, detail', () => {
    expect(
      cacheStatusHeader(SERVER, {
        detail: 'origin-5xx',
        ttl: 7,
        collapsed: true,
        stored: true,
        fwdStatus: 500,
        status: CDN_CACHE_STATUSES.miss,
      }),
    ).toBe('coursecast; fwd=miss; fwd-status=500; stored; collapsed; ttl=7; detail=origin-5xx');
  });

  it('leaves out an empty detail', () => {
    expect(cacheStatusHeader(SERVER, { status: CDN_CACHE_STATUSES.hit, ttl: 1, detail: '' })).toBe(
      'coursecast; hit; ttl=1',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('is the prefix, an underscore and 16 URL-safe base32 characters', () => {
    for (const prefix of ['crs', 'itm', 'job'] as const) {
      const id = newId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}_[a-z2-7]{16}$`));
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('itm')));
    expect(ids.size).toBe(10_000);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 500 }, () => newId('job').slice(4)).join(''));
    expect(seen.size).toBe(32);
  });
});

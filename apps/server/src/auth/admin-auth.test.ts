import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAdminToken, tokenMatches } from './admin-auth.js';

describe('admin token', () => {
  it('matches only the exact token', () => {
    expect(tokenMatches('secret-token-0123456', 'secret-token-0123456')).toBe(true);
    expect(tokenMatches('secret-token-0123457', 'secret-token-0123456')).toBe(false);
    expect(tokenMatches('secret', 'secret-token-0123456')).toBe(false);
    expect(tokenMatches('', 'secret-token-0123456')).toBe(false);
  });

  it('prefers the configured token, else generates one once and keeps it (0600)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-token-'));
    expect(await resolveAdminToken('configured-token-123456', dir)).toEqual({
      token: 'configured-token-123456',
      source: 'config',
      file: null,
    });
    const first = await resolveAdminToken(undefined, dir);
    expect(first.source).toBe('generated');
    expect(first.token.length).toBeGreaterThanOrEqual(24);
    expect(readFileSync(first.file!, 'utf8').trim()).toBe(first.token);
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = await resolveAdminToken(undefined, dir);
    expect(second).toEqual({ token: first.token, source: 'file', file: first.file });
  });
});

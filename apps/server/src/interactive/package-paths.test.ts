import { describe, expect, it } from 'vitest';
import { rejection } from '../../test-support/scorm-manifest-fixtures.js';
import { mergeLaunchParameters, normalizePackagePath } from './package-paths.js';

describe('mergeLaunchParameters', () => {
  it.each([
    [null, null, null, null],
    ['a=1', null, null, '?a=1'],
    [null, null, '?x=1', '?x=1'],
    [null, null, 'x=1', '?x=1'],
    ['a=1', null, '&x=1', '?a=1&x=1'],
    ['a=1', null, '?x=1', '?a=1&x=1'],
    [null, null, '#frag', '#frag'],
    ['a=1', 'top', '#frag', '?a=1#top'],
    [null, null, '?x=1#f', '?x=1#f'],
    [null, 'top', '?x=1#f', '?x=1#top'],
  ])('href query %j, fragment %j, parameters %j give %j', (query, fragment, parameters, expected) => {
    expect(mergeLaunchParameters(query, fragment, parameters)).toBe(expected);
  });
});

describe('normalizePackagePath', () => {
  it('keeps a clean relative path and names what it checks', () => {
    expect(normalizePackagePath('a//b/./c.html')).toBe('a/b/c.html');
    expect(rejection(() => normalizePackagePath('../x', 'asset path')).message).toMatch(
      /^asset path escapes/,
    );
    expect(rejection(() => normalizePackagePath('./')).message).toMatch(/launch path is empty/);
  });
});

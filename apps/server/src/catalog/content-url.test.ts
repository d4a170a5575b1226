import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../errors.js';
import { parseContentPath } from './content-url.js';

/** Runs the parser and returns the AppError it throws (fails the test when it does not throw one). */
function refusal(raw: string): AppError {
  try {
    parseContentPath(raw);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError for ${JSON.stringify(raw)}`, { cause: err });
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused, but it was accepted`);
}

function expectRefused(raw: string, code: ErrorCode, status: number): void {
  const err = refusal(raw);
  expect({ code: err.code, status: err.status }).toEqual({ code, status });
}

describe('parseContentPath: valid paths', () => {
  it('splits item, version and a single file name', () => {
    expect(parseContentPath('itm_1/job_2/master.m3u8')).toEqual({
      itemId: 'itm_1',
      version: 'job_2',
      file: 'master.m3u8',
      fileSegments: ['master.m3u8'],
    });
  });

  it('keeps nested rung directories in file and fileSegments', () => {
    expect(parseContentPath('itm_1/job_2/720p/seg_00001.m4s')).toEqual({
      itemId: 'itm_1',
      version: 'job_2',
      file: '720p/seg_00001.m4s',
      fileSegments: ['720p', 'seg_00001.m4s'],
    });
  });

  it('keeps several levels of nesting in order', () => {
    const cp = parseContentPath('a/b/audio/en/128k/init.mp4');
    expect(cp.fileSegments).toEqual(['audio', 'en', '128k', 'init.mp4']);
    expect(cp.file).toBe('audio/en/128k/init.mp4');
  });

  it('decodes percent-encoded legal characters in ids and file names', () => {
    expect(parseContentPath('itm%5F1/job%2D2/my%20slides%2Bnotes.pdf')).toEqual({
      itemId: 'itm_1',
      version: 'job-2',
      file: 'my slides+notes.pdf',
      fileSegments: ['my slides+notes.pdf'],
    });
  });

  it('decodes percent-encoded letters in either case', () => {
    expect(parseContentPath('%69tm/%4A%4fb/seg.m4s')).toMatchObject({ itemId: 'itm', version: 'JOb' });
  });

  it('decodes multi-byte UTF-8 in file names', () => {
    expect(parseContentPath('itm/job/caf%C3%A9/r%C3%A9sum%C3%A9.pdf').fileSegments).toEqual([
      'café',
      'résumé.pdf',
    ]);
  });

  it('accepts dots inside or at the end of a name (only a leading dot is special)', () => {
    expect(parseContentPath('itm/job/a..b/c.').fileSegments).toEqual(['a..b', 'c.']);
  });

  it('accepts ids of exactly 1 and 64 characters', () => {
    const id64 = 'A'.repeat(64);
    expect(parseContentPath(`x/${id64}/f`)).toMatchObject({ itemId: 'x', version: id64 });
  });

  it('accepts a path of exactly 1024 characters', () => {
    const raw = `itm/job/${'a'.repeat(1024 - 'itm/job/'.length)}`;
    expect(raw).toHaveLength(1024);
    expect(parseContentPath(raw).file).toHaveLength(1016);
  });
});

describe('parseContentPath: traversal and smuggling are invalid_path (400)', () => {
  it.each([
    ['raw ".." as a file segment', 'itm/job/../secret'],
    ['raw ".." as the item', '../job/f'],
    ['raw ".." as the version', 'itm/../f'],
    ['raw ".." as the last segment', 'itm/job/720p/..'],
    ['raw "."', 'itm/job/./f'],
    ['"%2e%2e"', 'itm/job/%2e%2e/secret'],
    ['"%2E%2e" (mixed case)', 'itm/job/%2E%2e/secret'],
    ['"%2E%2E" (upper case)', 'itm/%2E%2E/f'],
    ['".%2e"', 'itm/job/.%2e/secret'],
    ['"%2e."', 'itm/job/%2e./secret'],
    ['"%2e" alone', 'itm/job/%2e/f'],
  ])('refuses %s', (_name, raw) => {
    expectRefused(raw, 'invalid_path', 400);
  });

  it.each([
    ['encoded slash %2f', 'itm/job/..%2fsecret'],
    ['encoded slash %2F', 'itm/job/720p%2Fseg.m4s'],
    ['encoded parent step %2e%2e%2f', 'itm/job/%2e%2e%2fetc%2fpasswd'],
    ['backslash', 'itm/job/..\\secret'],
    ['encoded backslash %5c', 'itm/job/..%5csecret'],
    ['encoded backslash %5C', 'itm/job/a%5Cb'],
    ['NUL %00', 'itm/job/seg.m4s%00.jpg'],
    ['raw NUL', 'itm/job/seg\u0000.m4s'],
    ['%01', 'itm/job/a%01b'],
    ['tab %09', 'itm/job/a%09b'],
    ['line feed %0a', 'itm/job/a%0ab'],
    ['carriage return %0D', 'itm/job/a%0Db'],
    ['unit separator %1f', 'itm/job/a%1fb'],
    ['DEL %7f', 'itm/job/a%7fb'],
    ['C1 control NEL %C2%85', 'itm/job/a%C2%85b'],
    ['C1 control CSI %C2%9B', 'itm/job/a%C2%9Bb'],
  ])('refuses a segment with %s', (_name, raw) => {
    expectRefused(raw, 'invalid_path', 400);
  });

  it.each([
    ['double slash inside the file path', 'itm/job//f'],
    ['double slash between item and version', 'itm//job/f'],
    ['trailing slash', 'itm/job/720p/'],
    ['leading slash', '/itm/job/f'],
    ['empty path', ''],
    ['only a slash', '/'],
  ])('refuses an empty segment: %s', (_name, raw) => {
    expectRefused(raw, 'invalid_path', 400);
  });

  it.each([
    ['%zz', 'itm/job/%zz'],
    ['a lone %', 'itm/job/50%'],
    ['a truncated escape %a', 'itm/job/a%a'],
    ['a truncated UTF-8 sequence %e0%a4%a', 'itm/job/%e0%a4%a'],
    ['an incomplete UTF-8 sequence %e0%a4', 'itm/job/%e0%a4'],
    ['an invalid UTF-8 byte %ff', 'itm/job/%ff'],
    ['an encoded surrogate %ed%a0%80', 'itm/job/%ed%a0%80'],
  ])('refuses malformed percent-encoding: %s', (_name, raw) => {
    expectRefused(raw, 'invalid_path', 400);
  });

  it('refuses a path longer than 1024 characters', () => {
    expectRefused(`itm/job/${'a'.repeat(1024 - 'itm/job/'.length + 1)}`, 'invalid_path', 400);
  });

  it('judges the length on the raw (encoded) path, before decoding', () => {
    // 341 escapes of "a" make 1027 raw characters but decode to only 341.
    expectRefused(`i/j/${'%61'.repeat(341)}`, 'invalid_path', 400);
  });

  it('reports malformed encoding even when a later segment is a dot-name', () => {
    expectRefused('itm/job/%zz/.staging', 'invalid_path', 400);
  });
});

describe('parseContentPath: dot-names are reported missing, not forbidden', () => {
  it.each([
    ['a staging directory', 'itm/job/.staging-job_1/seg.m4s'],
    ['a dot-file', 'itm/job/720p/.hidden'],
    ['a dot-name given percent-encoded', 'itm/job/%2estaging-job_1/seg.m4s'],
    ['three dots', 'itm/job/.../f'],
    ['a dot-name as the version', 'itm/.staging-job_1/seg.m4s'],
  ])('answers object_not_found (404) for %s', (_name, raw) => {
    expectRefused(raw, 'object_not_found', 404);
  });

  it('answers 404 when a dot-name comes before a ".." segment (segments are judged in order)', () => {
    expectRefused('itm/job/.staging/../x', 'object_not_found', 404);
  });
});

describe('parseContentPath: shape and ids', () => {
  it.each([
    ['only the item', 'itm'],
    ['item and version without a file', 'itm/job'],
  ])('refuses too few segments (%s) with invalid_path (400)', (_name, raw) => {
    expectRefused(raw, 'invalid_path', 400);
  });

  it.each([
    ['a space', 'itm%201'],
    ['a dot', 'itm.1'],
    ['a non-ASCII letter', 'it%C3%A9m'],
    ['a colon', 'itm:1'],
    ['65 characters', 'a'.repeat(65)],
  ])('answers item_not_found (404) for an item id with %s', (_name, id) => {
    const err = refusal(`${id}/job/f`);
    expect({ code: err.code, status: err.status }).toEqual({ code: 'item_not_found', status: 404 });
  });

  it.each([
    ['a space', 'job%201'],
    ['a tilde', 'job~1'],
    ['65 characters', 'b'.repeat(65)],
  ])('answers object_not_found (404) for a version with %s', (_name, version) => {
    expectRefused(`itm/${version}/f`, 'object_not_found', 404);
  });

  it('checks the item id before the version', () => {
    expectRefused('bad.item/bad.version/f', 'item_not_found', 404);
  });

  it('throws AppError instances with the catalog message for a bad item', () => {
    const err = refusal('bad.item/job/f');
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toBe('No such item: bad.item');
  });
});

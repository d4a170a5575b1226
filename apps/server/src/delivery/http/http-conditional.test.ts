import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { evaluateRequest, fileEtag, type Representation } from './http-conditional.js';

const ETAG = '"64-18d0d2b8f40-2a"';
const OTHER_ETAG = '"64-18d0d2b8f41-2a"';
const LAST_MODIFIED_MS = Date.UTC(2024, 0, 15, 12, 0, 0);
/** The Last-Modified value the origin sends for REP, in the three HTTP-date forms of RFC 9110 §5.6.7. */
const LM_IMF = 'Mon, 15 Jan 2024 12:00:00 GMT';
const LM_RFC850 = 'Monday, 15-Jan-24 12:00:00 GMT';
const LM_ASCTIME = 'Mon Jan 15 12:00:00 2024';
const ONE_SECOND_EARLIER = 'Mon, 15 Jan 2024 11:59:59 GMT';
const ONE_SECOND_LATER = 'Mon, 15 Jan 2024 12:00:01 GMT';

const REP: Representation = { etag: ETAG, lastModifiedMs: LAST_MODIFIED_MS, size: 100 };

function answer(headers: IncomingHttpHeaders, rep: Representation = REP): ReturnType<typeof evaluateRequest> {
  return evaluateRequest(headers, rep);
}

describe('evaluateRequest: no conditions', () => {
  it('answers 200 when there are no preconditions and no Range', () => {
    expect(answer({})).toEqual({ status: 200 });
  });

  it('ignores unrelated headers', () => {
    expect(answer({ accept: '*/*', 'user-agent': 'x', 'cache-control': 'no-cache' })).toEqual({
      status: 200,
    });
  });
});

describe('evaluateRequest: If-None-Match (RFC 9110 §13.1.2, weak comparison)', () => {
  it('answers 304 for the exact ETag', () => {
    expect(answer({ 'if-none-match': ETAG })).toEqual({ status: 304 });
  });

  it('answers 304 for the weak form W/ of the same opaque tag', () => {
    expect(answer({ 'if-none-match': `W/${ETAG}` })).toEqual({ status: 304 });
  });

  it('answers 304 when the representation itself has a weak tag and the client sends the strong form', () => {
    expect(answer({ 'if-none-match': ETAG }, { ...REP, etag: `W/${ETAG}` })).toEqual({ status: 304 });
  });

  it('answers 304 for "*" (any current representation)', () => {
    expect(answer({ 'if-none-match': '*' })).toEqual({ status: 304 });
  });

  it('answers 304 when the ETag is anywhere in a list, with or without spaces', () => {
    expect(answer({ 'if-none-match': `"a", ${ETAG}, "b"` })).toEqual({ status: 304 });
    expect(answer({ 'if-none-match': `"a",W/${ETAG}` })).toEqual({ status: 304 });
  });

  it('answers 200 when no tag in the list matches', () => {
    expect(answer({ 'if-none-match': `"a", W/"b", ${OTHER_ETAG}` })).toEqual({ status: 200 });
  });

  it('does not match an unquoted tag or a tag differing only by case', () => {
    expect(answer({ 'if-none-match': ETAG.slice(1, -1) })).toEqual({ status: 200 });
    expect(answer({ 'if-none-match': ETAG.toUpperCase() })).toEqual({ status: 200 });
  });

  it('joins repeated header lines into one list', () => {
    expect(answer({ 'if-none-match': ['"a"', ETAG] as unknown as string })).toEqual({ status: 304 });
  });
});

describe('evaluateRequest: If-Modified-Since (RFC 9110 §13.1.3)', () => {
  it('answers 304 when the date equals Last-Modified', () => {
    expect(answer({ 'if-modified-since': LM_IMF })).toEqual({ status: 304 });
  });

  it('answers 304 when the date is later than Last-Modified', () => {
    expect(answer({ 'if-modified-since': ONE_SECOND_LATER })).toEqual({ status: 304 });
  });

  it('answers 200 when the date is older than Last-Modified', () => {
    expect(answer({ 'if-modified-since': ONE_SECOND_EARLIER })).toEqual({ status: 200 });
  });

  it('accepts the obsolete RFC 850 and asctime date forms, read as GMT', () => {
    expect(answer({ 'if-modified-since': LM_RFC850 })).toEqual({ status: 304 });
    expect(answer({ 'if-modified-since': LM_ASCTIME })).toEqual({ status: 304 });
    // asctime has no zone but is GMT: an object modified one second later must not look unmodified
    // on a server whose local zone is ahead of or behind GMT.
    expect(
      answer({ 'if-modified-since': LM_ASCTIME }, { ...REP, lastModifiedMs: LAST_MODIFIED_MS + 1000 }),
    ).toEqual({ status: 200 });
  });

  it.each([
    ['words', 'not a date'],
    ['an empty value', ''],
    ['a number', '0'],
    ['a bare year in the future', '2999'],
    ['an ISO 8601 timestamp', '2999-01-01T00:00:00Z'],
    ['two dates', `${LM_IMF}, ${LM_IMF}`],
  ])('ignores an invalid HTTP-date (%s)', (_name, value) => {
    expect(answer({ 'if-modified-since': value })).toEqual({ status: 200 });
  });

  it('is ignored when If-None-Match is present, even if the date alone would give 304', () => {
    expect(answer({ 'if-none-match': OTHER_ETAG, 'if-modified-since': ONE_SECOND_LATER })).toEqual({
      status: 200,
    });
  });

  it('is ignored when If-None-Match is present, even if the date alone would give 200', () => {
    expect(answer({ 'if-none-match': ETAG, 'if-modified-since': ONE_SECOND_EARLIER })).toEqual({
      status: 304,
    });
  });
});

describe('evaluateRequest: If-Match (RFC 9110 §13.1.1, strong comparison)', () => {
  it('lets the request through when the ETag matches', () => {
    expect(answer({ 'if-match': ETAG })).toEqual({ status: 200 });
  });

  it('lets the request through for "*"', () => {
    expect(answer({ 'if-match': '*' })).toEqual({ status: 200 });
  });

  it('lets the request through when the ETag is in a list', () => {
    expect(answer({ 'if-match': `"a", ${ETAG}` })).toEqual({ status: 200 });
  });

  it('answers 412 when no tag matches, naming both tags', () => {
    expect(answer({ 'if-match': OTHER_ETAG })).toEqual({
      status: 412,
      reason: `If-Match ${OTHER_ETAG} does not match ${ETAG}`,
    });
  });

  it('answers 412 for the weak form of the current ETag: weak tags never match strongly', () => {
    expect(answer({ 'if-match': `W/${ETAG}` })).toMatchObject({ status: 412 });
  });

  it('answers 412 when the representation has a weak tag, even for the identical weak tag', () => {
    const weak = `W/${ETAG}`;
    expect(answer({ 'if-match': weak }, { ...REP, etag: weak })).toMatchObject({ status: 412 });
  });
});

describe('evaluateRequest: If-Unmodified-Since (RFC 9110 §13.1.4)', () => {
  it('answers 412 when the object was modified after the date', () => {
    expect(answer({ 'if-unmodified-since': ONE_SECOND_EARLIER })).toEqual({
      status: 412,
      reason: 'the object was modified after If-Unmodified-Since',
    });
  });

  it('lets the request through when the date equals Last-Modified', () => {
    expect(answer({ 'if-unmodified-since': LM_IMF })).toEqual({ status: 200 });
  });

  it('lets the request through when the date is later', () => {
    expect(answer({ 'if-unmodified-since': ONE_SECOND_LATER })).toEqual({ status: 200 });
  });

  it.each([
    ['words', 'yesterday'],
    ['a number', '0'],
    ['a bare year in the past', '1999'],
  ])('ignores an invalid HTTP-date (%s)', (_name, value) => {
    expect(answer({ 'if-unmodified-since': value })).toEqual({ status: 200 });
  });

  it('is ignored when If-Match is present', () => {
    expect(answer({ 'if-match': ETAG, 'if-unmodified-since': ONE_SECOND_EARLIER })).toEqual({ status: 200 });
  });
});

describe('evaluateRequest: order of evaluation (RFC 9110 §13.2.2)', () => {
  it('If-Match failing (412) wins over If-None-Match matching (304)', () => {
    expect(answer({ 'if-match': OTHER_ETAG, 'if-none-match': ETAG })).toMatchObject({ status: 412 });
  });

  it('If-Unmodified-Since failing (412) wins over If-Modified-Since (304)', () => {
    expect(
      answer({ 'if-unmodified-since': ONE_SECOND_EARLIER, 'if-modified-since': ONE_SECOND_LATER }),
    ).toMatchObject({ status: 412 });
  });

  it('If-Match passing then If-None-Match matching gives 304', () => {
    expect(answer({ 'if-match': ETAG, 'if-none-match': ETAG })).toEqual({ status: 304 });
  });

  it('304 from If-None-Match wins over Range', () => {
    expect(answer({ 'if-none-match': ETAG, range: 'bytes=0-9' })).toEqual({ status: 304 });
  });

  it('304 from If-Modified-Since wins over Range', () => {
    expect(answer({ 'if-modified-since': LM_IMF, range: 'bytes=0-9' })).toEqual({ status: 304 });
  });

  it('304 wins over an unsatisfiable Range (no 416)', () => {
    expect(answer({ 'if-none-match': ETAG, range: 'bytes=500-600' })).toEqual({ status: 304 });
  });

  it('412 wins over Range', () => {
    expect(answer({ 'if-match': OTHER_ETAG, range: 'bytes=0-9' })).toMatchObject({ status: 412 });
  });

  it('a Range is served when the preconditions pass', () => {
    expect(
      answer({
        'if-match': ETAG,
        'if-none-match': OTHER_ETAG,
        'if-modified-since': ONE_SECOND_EARLIER,
        range: 'bytes=0-9',
      }),
    ).toEqual({ status: 206, start: 0, end: 9 });
  });
});

describe('evaluateRequest: Range (RFC 9110 §14)', () => {
  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=10-19', 10, 19],
    ['bytes=99-99', 99, 99],
    ['bytes=-10', 90, 99],
    ['bytes=-1', 99, 99],
    ['bytes=-100', 0, 99],
    ['bytes=10-', 10, 99],
    ['bytes=0-', 0, 99],
    ['bytes=99-', 99, 99],
    ['bytes=90-500', 90, 99],
    ['bytes=0-99', 0, 99],
    ['Bytes=0-9', 0, 9],
    ['bytes = 0-9', 0, 9],
    ['bytes=0-9,500-600', 0, 9],
    ['bytes=0-9,5-19', 0, 19],
    ['bytes=0-9,10-19', 0, 19],
  ])('%s on 100 bytes answers 206 %i..%i', (range, start, end) => {
    expect(answer({ range })).toEqual({ status: 206, start, end });
  });

  it('a suffix longer than the object selects the whole object (RFC 9110 §14.1.2)', () => {
    expect(answer({ range: 'bytes=-500' })).toEqual({ status: 206, start: 0, end: 99 });
    expect(answer({ range: 'bytes=0-9,-500' })).toEqual({ status: 206, start: 0, end: 99 });
  });

  it('answers 200 (the whole object) for several disjoint ranges', () => {
    expect(answer({ range: 'bytes=0-9,20-29' })).toEqual({ status: 200 });
    expect(answer({ range: 'bytes=0-0,-1' })).toEqual({ status: 200 });
  });

  it('ignores a range unit other than bytes', () => {
    expect(answer({ range: 'items=0-1' })).toEqual({ status: 200 });
    expect(answer({ range: 'items=500-600' })).toEqual({ status: 200 });
    expect(answer({ range: 'bytesx=0-1' })).toEqual({ status: 200 });
  });

  it.each(['bytes=abc', 'bytes=', 'bytes=a-b', 'bytes=0-9,abc', 'bytes=-', 'bytes=1.5-2'])(
    'answers 416 for the malformed range %s',
    (range) => {
      expect(answer({ range })).toEqual({ status: 416, reason: `malformed Range header: ${range}` });
    },
  );

  it.each(['bytes=500-600', 'bytes=100-', 'bytes=100-200', 'bytes=-0', 'bytes=9-5'])(
    'answers 416 for %s on a 100-byte object',
    (range) => {
      expect(answer({ range })).toEqual({
        status: 416,
        reason: `range ${range} is outside the 100-byte object`,
      });
    },
  );

  it('cuts a very long header in the 416 reason to 100 characters', () => {
    const range = `bytes=${'x'.repeat(300)}`;
    expect(answer({ range })).toEqual({
      status: 416,
      reason: `malformed Range header: ${range.slice(0, 100)}`,
    });
  });

  describe('on a zero-size object', () => {
    const empty: Representation = { ...REP, size: 0 };

    it('answers 200 without a Range', () => {
      expect(answer({}, empty)).toEqual({ status: 200 });
    });

    it.each(['bytes=0-', 'bytes=0-0', 'bytes=0-9'])(
      'answers 416 for %s: no first-pos is below 0 bytes',
      (range) => {
        expect(answer({ range }, empty)).toMatchObject({ status: 416 });
      },
    );

    it('still answers 304 for a matching If-None-Match', () => {
      expect(answer({ 'if-none-match': ETAG, range: 'bytes=0-' }, empty)).toEqual({ status: 304 });
    });
  });
});

describe('evaluateRequest: If-Range (RFC 9110 §13.1.5)', () => {
  it('serves the range when If-Range carries the current strong ETag', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': ETAG })).toEqual({ status: 206, start: 0, end: 9 });
  });

  it('answers 200 (the whole new object) when the ETag is not current', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': OTHER_ETAG })).toEqual({ status: 200 });
  });

  it('answers 200 for a weak ETag, even of the current object', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': `W/${ETAG}` })).toEqual({ status: 200 });
  });

  it('answers 200 for "*", which is not a valid If-Range validator', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': '*' })).toEqual({ status: 200 });
  });

  it('serves the range when the date equals Last-Modified exactly', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': LM_IMF })).toEqual({ status: 206, start: 0, end: 9 });
  });

  it('answers 200 when the date is later than Last-Modified (only an exact match counts)', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': ONE_SECOND_LATER })).toEqual({ status: 200 });
  });

  it('answers 200 when the date is earlier than Last-Modified', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': ONE_SECOND_EARLIER })).toEqual({ status: 200 });
  });

  it('answers 200 for a value that is neither an ETag nor an HTTP-date', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': 'garbage' })).toEqual({ status: 200 });
    expect(answer({ range: 'bytes=0-9', 'if-range': '2024' })).toEqual({ status: 200 });
  });

  it('is ignored without a Range header', () => {
    expect(answer({ 'if-range': OTHER_ETAG })).toEqual({ status: 200 });
  });

  it('a failed If-Range sends the whole object instead of judging the range (no 416)', () => {
    expect(answer({ range: 'bytes=500-600', 'if-range': OTHER_ETAG })).toEqual({ status: 200 });
  });

  it('a matching If-Range still lets an unsatisfiable range answer 416', () => {
    expect(answer({ range: 'bytes=500-600', 'if-range': ETAG })).toMatchObject({ status: 416 });
  });
});

describe('fileEtag', () => {
  it('is a quoted strong tag of hex size, whole-ms mtime and inode', () => {
    expect(fileEtag(100, 1_700_000_000_123.9, 42)).toBe('"64-18bcfe5687b-2a"');
  });

  it('changes when any of size, mtime or inode changes', () => {
    const base = fileEtag(100, 1000, 7);
    expect(new Set([base, fileEtag(101, 1000, 7), fileEtag(100, 1001, 7), fileEtag(100, 1000, 8)]).size).toBe(
      4,
    );
  });

  it('ignores sub-millisecond mtime precision', () => {
    expect(fileEtag(1, 5000.2, 1)).toBe(fileEtag(1, 5000.9, 1));
  });

  it('formats zero values', () => {
    expect(fileEtag(0, 0, 0)).toBe('"0-0-0"');
  });

  it('is usable as the validator it produces', () => {
    const etag = fileEtag(100, LAST_MODIFIED_MS, 42);
    expect(answer({ 'if-none-match': etag }, { ...REP, etag })).toEqual({ status: 304 });
    expect(answer({ 'if-match': etag }, { ...REP, etag })).toEqual({ status: 200 });
  });
});

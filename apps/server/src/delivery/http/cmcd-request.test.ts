import type { IncomingHttpHeaders } from 'node:http';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as CmcdLib from '@svta/cml-cmcd';
import { decodeCmcd } from '@svta/cml-cmcd';
import { CMCD_MAX_INPUT_CHARS, CMCD_MAX_STRING_CHARS, readRequestCmcd } from './cmcd-request.js';

// Spy on the decoder to prove requests without CMCD never reach the library.
vi.mock('@svta/cml-cmcd', async (importOriginal) => {
  const lib = await importOriginal<typeof CmcdLib>();
  return { ...lib, decodeCmcd: vi.fn(lib.decodeCmcd) };
});

const SID = '6e2fb550-c457-11e9-bb97-0800200c9a66';
const CID = 'faec5fc2-ac30-11ea-bb37-0242ac130002';

// CTA-5004's example payload, percent-encoded the way hls.js sends it (encodeURIComponent).
const HLSJS_QUERY =
  'CMCD=bl%3D21300%2Cbr%3D3200%2Cbs%2Ccid%3D%22faec5fc2-ac30-11ea-bb37-0242ac130002%22%2Cd%3D4004%2Cdl%3D18500%2Cmtp%3D48100%2Cnor%3D%22..%252F300kbps%252Ftrack.m4v%22%2Cot%3Dv%2Crtp%3D12000%2Csf%3Dd%2Csid%3D%226e2fb550-c457-11e9-bb97-0800200c9a66%22%2Cst%3Dv%2Csu%2Ctb%3D6000';

const SPEC_ATTRIBUTES = {
  'cmcd.buffer_length_ms': 21300,
  'cmcd.bitrate_kbps': 3200,
  'cmcd.buffer_starvation': true,
  'cmcd.content_id': CID,
  'cmcd.object_duration_ms': 4004,
  'cmcd.deadline_ms': 18500,
  'cmcd.measured_throughput_kbps': 48100,
  'cmcd.next_object_request': '..%2F300kbps%2Ftrack.m4v',
  'cmcd.object_type': 'v',
  'cmcd.requested_throughput_kbps': 12000,
  'cmcd.streaming_format': 'd',
  'session.id': SID,
  'cmcd.stream_type': 'v',
  'cmcd.startup': true,
  'cmcd.top_bitrate_kbps': 6000,
};

// The same payload sharded into the four headers as CTA-5004 assigns the keys.
const SPEC_HEADERS: IncomingHttpHeaders = {
  host: 'edge.example',
  'cmcd-object': 'br=3200,d=4004,ot=v,tb=6000',
  'cmcd-request': 'bl=21300,dl=18500,mtp=48100,nor="..%2F300kbps%2Ftrack.m4v",su',
  'cmcd-session': `cid="${CID}",sf=d,sid="${SID}",st=v`,
  'cmcd-status': 'bs,rtp=12000',
};

const decodeSpy = vi.mocked(decodeCmcd);

beforeEach(() => {
  decodeSpy.mockClear();
});

describe('readRequestCmcd: query mode', () => {
  it('reads the payload hls.js sends', () => {
    expect(readRequestCmcd(HLSJS_QUERY, {})).toEqual({
      source: 'query',
      attributes: SPEC_ATTRIBUTES,
      sessionId: SID,
      objectType: 'v',
      error: null,
    });
  });

  it('finds CMCD among other parameters and reads pr, v and a live playlist request', () => {
    // Hand-encoded: ot=m,pr=1.5,sf=h,sid="s-1",st=l,su,v=1
    const q =
      'token=abc%26CMCD%3D1&CMCD=ot%3Dm%2Cpr%3D1.5%2Csf%3Dh%2Csid%3D%22s-1%22%2Cst%3Dl%2Csu%2Cv%3D1&x=CMCD';
    expect(readRequestCmcd(q, {})).toEqual({
      source: 'query',
      attributes: {
        'cmcd.object_type': 'm',
        'cmcd.playback_rate': 1.5,
        'cmcd.streaming_format': 'h',
        'session.id': 's-1',
        'cmcd.stream_type': 'l',
        'cmcd.startup': true,
        'cmcd.version': 1,
      },
      sessionId: 's-1',
      objectType: 'm',
      error: null,
    });
  });

  it('accepts an unencoded payload and a form-encoded space', () => {
    expect(readRequestCmcd('CMCD=br=800,cid="a+b"', {}).attributes).toEqual({
      'cmcd.bitrate_kbps': 800,
      'cmcd.content_id': 'a b',
    });
  });

  it('keeps bs=?0 as false and a string of exactly 256 characters', () => {
    const sid = 's'.repeat(CMCD_MAX_STRING_CHARS);
    const result = readRequestCmcd(`CMCD=bs%3D%3F0%2Csid%3D%22${sid}%22`, {});
    expect(result.error).toBeNull();
    expect(result.attributes).toEqual({ 'cmcd.buffer_starvation': false, 'session.id': sid });
    expect(result.sessionId).toBe(sid);
  });

  it('reads CMCD v2 inner lists, keeping the first item (the requested object)', () => {
    // v=2,br=(3200;v 128;a),nor=("seg2.m4s";r="0-999")
    const q = 'CMCD=v%3D2%2Cbr%3D(3200%3Bv%20128%3Ba)%2Cnor%3D(%22seg2.m4s%22%3Br%3D%220-999%22)';
    expect(readRequestCmcd(q, {})).toEqual({
      source: 'query',
      attributes: { 'cmcd.version': 2, 'cmcd.bitrate_kbps': 3200, 'cmcd.next_object_request': 'seg2.m4s' },
      sessionId: null,
      objectType: null,
      error: null,
    });
  });
});

describe('readRequestCmcd: header mode', () => {
  it('merges the four header shards', () => {
    expect(readRequestCmcd('', SPEC_HEADERS)).toEqual({
      source: 'header',
      attributes: SPEC_ATTRIBUTES,
      sessionId: SID,
      objectType: 'v',
      error: null,
    });
  });

  it('reads a single shard and a repeated header delivered as an array', () => {
    expect(readRequestCmcd('a=1', { 'cmcd-object': ['ot=a', 'br=128'] as unknown as string })).toEqual({
      source: 'header',
      attributes: { 'cmcd.object_type': 'a', 'cmcd.bitrate_kbps': 128 },
      sessionId: null,
      objectType: 'a',
      error: null,
    });
  });
});

describe('readRequestCmcd: both present, none present', () => {
  it('prefers the query and ignores the headers', () => {
    const result = readRequestCmcd('CMCD=br%3D800%2Cot%3Da', SPEC_HEADERS);
    expect(result).toEqual({
      source: 'query',
      attributes: { 'cmcd.bitrate_kbps': 800, 'cmcd.object_type': 'a' },
      sessionId: null,
      objectType: 'a',
      error: null,
    });
  });

  it('falls back to the headers when the query parameter is empty', () => {
    expect(readRequestCmcd('CMCD=', SPEC_HEADERS).source).toBe('header');
  });

  it('returns one shared frozen result without calling the library', () => {
    const none = readRequestCmcd('', {});
    expect(none).toEqual({ source: null, attributes: {}, sessionId: null, objectType: null, error: null });
    expect(Object.isFrozen(none)).toBe(true);
    expect(Object.isFrozen(none.attributes)).toBe(true);
    expect(readRequestCmcd('a=1&b=2', { host: 'x', accept: '*/*' })).toBe(none);
    // A parameter that merely ends in CMCD=, an empty CMCD=, and empty CMCD headers carry nothing either.
    expect(readRequestCmcd('xCMCD=br%3D1', {})).toBe(none);
    expect(readRequestCmcd('CMCD=', {})).toBe(none);
    expect(readRequestCmcd('', { 'cmcd-object': '', 'cmcd-status': ' ' })).toBe(none);
    expect(decodeSpy).not.toHaveBeenCalled();
  });
});

describe('readRequestCmcd: malformed input', () => {
  const NOT_A_DICT = 'CMCD query parameter is not a structured-field dictionary (RFC 8941)';
  const cases: [string, string, string][] = [
    ['empty members and an empty key', 'CMCD=br%3Dabc%2C%2C%3D', NOT_A_DICT],
    ['an unbalanced quote', 'CMCD=sid%3D%22abc%2Cbr%3D1', NOT_A_DICT],
    ['a trailing comma', 'CMCD=br%3D1%2C', NOT_A_DICT],
    ['an upper-case key', 'CMCD=BR%3D1', NOT_A_DICT],
    ['an integer of 16 digits', 'CMCD=br%3D1234567890123456', NOT_A_DICT],
    ['a token where a number belongs', 'CMCD=br%3Dabc', 'CMCD key "br" must be a non-negative integer'],
    [
      'a string where a number belongs',
      'CMCD=br%3D%223200%22',
      'CMCD key "br" must be a non-negative integer',
    ],
    ['a negative buffer length', 'CMCD=bl%3D-5', 'CMCD key "bl" must be a non-negative integer'],
    ['a decimal bitrate', 'CMCD=br%3D3200.5', 'CMCD key "br" must be a non-negative integer'],
    ['a parameterised number in v1', 'CMCD=d%3D4004%3Bx', 'CMCD key "d" must be a non-negative integer'],
    ['a byte sequence', 'CMCD=dl%3D%3AYWJj%3A', 'CMCD key "dl" must be a non-negative integer'],
    ['a date', 'CMCD=mtp%3D%40123', 'CMCD key "mtp" must be a non-negative integer'],
    ['an inner list in v1', 'CMCD=tb%3D(6000)', 'CMCD key "tb" must be a non-negative integer'],
    ['a negative playback rate', 'CMCD=pr%3D-1', 'CMCD key "pr" must be a non-negative number'],
    ['a number where a boolean belongs', 'CMCD=bs%3D1', 'CMCD key "bs" must be a boolean'],
    [
      'a token where a string belongs',
      'CMCD=sid%3Dabc',
      'CMCD key "sid" must be a quoted string of at most 256 characters',
    ],
    [
      'a string where a token belongs',
      'CMCD=ot%3D%22v%22',
      'CMCD key "ot" must be one of the tokens m, a, v, av, i, c, tt, k, o',
    ],
    [
      'an unknown object type',
      'CMCD=ot%3Dzz',
      'CMCD key "ot" must be one of the tokens m, a, v, av, i, c, tt, k, o',
    ],
    ['an unknown stream type', 'CMCD=st%3Dx', 'CMCD key "st" must be one of the tokens v, l, ll'],
    ['an unknown version', 'CMCD=v%3D3%2Cbr%3D1', 'CMCD key "v" must be 1 or 2'],
    [
      'an empty v2 inner list',
      'CMCD=v%3D2%2Cbr%3D()',
      'CMCD key "br" must be a non-negative integer, or an inner list of them',
    ],
    [
      'a v2 inner list with a bad item',
      'CMCD=v%3D2%2Cbl%3D(100%20x)',
      'CMCD key "bl" must be a non-negative integer, or an inner list of them',
    ],
    ['broken percent-encoding', 'CMCD=br%3D%ZZ', 'CMCD query parameter is not valid percent-encoding'],
    ['two CMCD parameters', 'CMCD=br%3D1&CMCD=bl%3D100', 'CMCD query parameter is sent more than once'],
  ];

  it.each(cases)('reports %s', (_label, query, reason) => {
    expect(readRequestCmcd(query, {})).toEqual({
      source: 'query',
      attributes: {},
      sessionId: null,
      objectType: null,
      error: reason,
    });
  });

  it('reports a bad header by name', () => {
    const result = readRequestCmcd('', { 'cmcd-session': `sid="${SID}"`, 'cmcd-request': 'bl=100,,su' });
    expect(result).toEqual({
      source: 'header',
      attributes: {},
      sessionId: null,
      objectType: null,
      error: 'cmcd-request header is not a structured-field dictionary (RFC 8941)',
    });
  });

  it('reports a key sent in two headers', () => {
    const result = readRequestCmcd('', { 'cmcd-object': 'br=3200', 'cmcd-request': 'br=800' });
    expect(result.error).toBe('CMCD key "br" is sent in more than one header');
    expect(result.attributes).toEqual({});
  });

  it('reports a value of the wrong type in a header', () => {
    expect(readRequestCmcd('', { 'cmcd-status': 'bs=?1,rtp=fast' }).error).toBe(
      'CMCD key "rtp" must be a non-negative integer',
    );
  });

  it('never throws on arbitrary bytes', () => {
    // A fixed LCG so a failure reproduces.
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const len = next() % 40;
      let text = '';
      for (let j = 0; j < len; j++) text += String.fromCharCode(next() % 0x80);
      const fromQuery = readRequestCmcd(`CMCD=${text}`, {});
      const fromHeader = readRequestCmcd('', { 'cmcd-request': text });
      for (const result of [fromQuery, fromHeader]) {
        expect(result.error === null || Object.keys(result.attributes).length === 0).toBe(true);
      }
    }
  });
});

describe('readRequestCmcd: size caps', () => {
  it('rejects a string value over 256 characters', () => {
    const result = readRequestCmcd(`CMCD=cid%3D%22${'c'.repeat(CMCD_MAX_STRING_CHARS + 1)}%22`, {});
    expect(result.error).toBe('CMCD key "cid" must be a quoted string of at most 256 characters');
    expect(result.attributes).toEqual({});
  });

  it('rejects a query payload over 4 KB, decoded or still encoded', () => {
    const pad = 'p'.repeat(CMCD_MAX_INPUT_CHARS);
    const decodedTooLong = readRequestCmcd(`CMCD=br%3D1%2Ccom.example-pad%3D%22${pad}%22`, {});
    expect(decodedTooLong.error).toBe('CMCD query parameter is longer than 4096 characters');
    expect(decodedTooLong.attributes).toEqual({});
    const encodedTooLong = readRequestCmcd(`CMCD=${'%20'.repeat(CMCD_MAX_INPUT_CHARS + 1)}br%3D1`, {});
    expect(encodedTooLong.error).toBe('CMCD query parameter is longer than 4096 characters');
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  it('rejects headers over 4 KB together', () => {
    const half = `com.example-pad="${'p'.repeat(CMCD_MAX_INPUT_CHARS / 2)}"`;
    const result = readRequestCmcd('', { 'cmcd-object': `br=1,${half}`, 'cmcd-request': half });
    expect(result).toEqual({
      source: 'header',
      attributes: {},
      sessionId: null,
      objectType: null,
      error: 'CMCD headers are longer than 4096 characters together',
    });
  });
});

describe('readRequestCmcd: unknown keys', () => {
  it('ignores custom, v2-only and unknown keys of any type', () => {
    // com.example-x=1,com.example-y="z",nrr="0-99",cs=?1,constructor=1,br=3200
    const q =
      'CMCD=com.example-x%3D1%2Ccom.example-y%3D%22z%22%2Cnrr%3D%220-99%22%2Ccs%3D%3F1%2Cconstructor%3D1%2Cbr%3D3200';
    expect(readRequestCmcd(q, {})).toEqual({
      source: 'query',
      attributes: { 'cmcd.bitrate_kbps': 3200 },
      sessionId: null,
      objectType: null,
      error: null,
    });
    expect(
      readRequestCmcd('', { 'cmcd-object': 'com.example-x=?1', 'cmcd-request': 'com.example-x=2' }).error,
    ).toBeNull();
  });
});

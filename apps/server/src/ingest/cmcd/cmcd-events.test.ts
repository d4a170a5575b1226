import { describe, expect, it } from 'vitest';
import { CmcdEventType, CmcdReportingMode, encodeCmcd, type Cmcd } from '@svta/cml-cmcd';
import { AppError } from '../../errors.js';
import { CMCD_EVENT_NAMES, decodeCmcdEvents, type CmcdDecodeLimits } from './cmcd-events.js';

const SID = '6e2fb550-c457-11e9-bb97-0800200c9a66';
const CID = 'faec5fc2-ac30-11ea-bb37-0242ac130002';
const T0 = 1_700_000_000_000;
const LIMITS: CmcdDecodeLimits = { maxRecords: 100, maxLineBytes: 4096 };

/** One event-mode line, written by the library's own encoder (as a CMCD v2 player would send it). */
function encodeEvent(data: Cmcd): string {
  return encodeCmcd(data, { version: 2, reportingMode: CmcdReportingMode.EVENT });
}

/** The AppError a call throws, or a failure when it does not throw one. */
function thrown(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

// A short viewing session: startup, a segment arriving, a periodic report, a fatal error.
const SESSION: Cmcd[] = [
  { e: 'ps', sta: 'p', sid: SID, cid: CID, ts: T0 },
  {
    e: 'rr',
    sid: SID,
    ts: T0 + 10,
    rc: 200,
    ttfb: 35,
    ttlb: 180,
    url: 'https://edge.example/c/1/720p/seg-3.m4s',
    ot: 'v',
    br: [3000],
  },
  { e: 't', sid: SID, ts: T0 + 30_000, bl: [12_000], br: [3000], mtp: [48_100] },
  { e: 'e', sid: SID, ts: T0 + 31_000, ec: ['MEDIA_ERR_DECODE'], sta: 'f' },
];

describe('decodeCmcdEvents: well-formed bodies', () => {
  it('decodes the lines the library encodes, in order, with every other key under cmcd.', () => {
    const body = SESSION.map(encodeEvent).join('\n');
    // The round trip is real: the encoder wrote what a player sends (sorted keys, v=2 added).
    expect(body.split('\n')[0]).toBe(`cid="${CID}",e=ps,sid="${SID}",sta=p,ts=${T0},v=2`);

    const { records, rejected } = decodeCmcdEvents(body, LIMITS);

    expect(rejected).toEqual([]);
    expect(records).toEqual([
      {
        event: 'ps',
        eventName: 'play_state',
        ts: T0,
        sid: SID,
        cid: CID,
        attrs: { 'cmcd.sta': 'p', 'cmcd.v': 2 },
      },
      {
        event: 'rr',
        eventName: 'response_received',
        ts: T0 + 10,
        sid: SID,
        cid: null,
        attrs: {
          'cmcd.rc': 200,
          'cmcd.ttfb': 35,
          'cmcd.ttlb': 180,
          'cmcd.url': 'https://edge.example/c/1/720p/seg-3.m4s',
          'cmcd.ot': 'v',
          'cmcd.br': [3000],
          'cmcd.v': 2,
        },
      },
      {
        event: 't',
        eventName: 'time_interval',
        ts: T0 + 30_000,
        sid: SID,
        cid: null,
        attrs: { 'cmcd.bl': [12_000], 'cmcd.br': [3000], 'cmcd.mtp': [48_100], 'cmcd.v': 2 },
      },
      {
        event: 'e',
        eventName: 'error',
        ts: T0 + 31_000,
        sid: SID,
        cid: null,
        attrs: { 'cmcd.ec': ['MEDIA_ERR_DECODE'], 'cmcd.sta': 'f', 'cmcd.v': 2 },
      },
    ]);
  });

  it('reads a hand-written line as CTA-5004-B shows it (keys unsorted)', () => {
    const { records } = decodeCmcdEvents(`e=ps,sid="${SID}",ts=${T0},sta=p,v=2`, LIMITS);
    expect(records).toEqual([
      {
        event: 'ps',
        eventName: 'play_state',
        ts: T0,
        sid: SID,
        cid: null,
        attrs: { 'cmcd.sta': 'p', 'cmcd.v': 2 },
      },
    ]);
  });

  it('accepts CRLF, skips blank and whitespace-only lines, and numbers lines as the body has them', () => {
    const body = `\r\ne=ps,ts=${T0},sta=s\r\n\r\n   \r\nnot cmcd at all\r\ne=ps,ts=${T0 + 5},sta=p\r\n`;
    const { records, rejected } = decodeCmcdEvents(body, LIMITS);
    expect(records.map((r) => [r.event, r.ts, r.attrs['cmcd.sta']])).toEqual([
      ['ps', T0, 's'],
      ['ps', T0 + 5, 'p'],
    ]);
    // A leftover \r would have made the line undecodable or the value 'p\r'.
    expect(rejected).toEqual([{ line: 5, reason: 'undecodable' }]);
  });

  it('keeps the good lines around a garbage line and names the bad one', () => {
    const body = [
      encodeEvent({ e: 'ps', sta: 'p', sid: SID, ts: T0 }),
      '{"json": "is not CMCD"}',
      encodeEvent({ e: 'm', sid: SID, ts: T0 + 1 }),
    ].join('\n');
    const { records, rejected } = decodeCmcdEvents(body, LIMITS);
    expect(records.map((r) => r.eventName)).toEqual(['play_state', 'mute']);
    expect(rejected).toEqual([{ line: 2, reason: 'undecodable' }]);
  });

  it('rejects a line without e, with a ts that is no number, or with typed keys of the wrong type', () => {
    const body = [
      `sid="${SID}",ts=${T0},sta=p`,
      `e=ps,ts="${T0}"`,
      'e=ps,ts=-5',
      'e=ps,sid=42',
      'e="ps",ts=5',
      'e=ps,sid=abc',
      'e=ps,cid=?1',
      'e=t;x=1',
      'e=t',
    ].join('\n');
    const { records, rejected } = decodeCmcdEvents(body, LIMITS);
    expect(rejected).toEqual([
      { line: 1, reason: 'missing_event' },
      { line: 2, reason: 'invalid_ts' },
      { line: 3, reason: 'invalid_ts' },
      { line: 4, reason: 'invalid_sid' },
      // CTA-5004: `e` is a token, `sid` a string; the other forms are refused, not guessed at.
      { line: 5, reason: 'invalid_event' },
      { line: 6, reason: 'invalid_sid' },
      { line: 7, reason: 'invalid_cid' },
      { line: 8, reason: 'invalid_event' },
    ]);
    // ts is required by the spec but optional here: the record is kept with a null time.
    expect(records).toEqual([
      { event: 't', eventName: 'time_interval', ts: null, sid: null, cid: null, attrs: {} },
    ]);
  });

  it('names an event type it does not know "unknown", even one named like an Object member', () => {
    const { records } = decodeCmcdEvents('e=zz\ne=constructor\ne=tostring', LIMITS);
    expect(records.map((r) => [r.event, r.eventName])).toEqual([
      ['zz', 'unknown'],
      ['constructor', 'unknown'],
      ['tostring', 'unknown'],
    ]);
  });

  it('flattens parameters, booleans, custom keys and mixed lists into attribute values', () => {
    const line = 'e=t,bl=(21300;v 19800;a),bs,nor=("seg-4.m4s" "seg-5.m4s"),com.example-mix=(1 "a" ?0)';
    const [record] = decodeCmcdEvents(line, LIMITS).records;
    expect(record?.attrs).toEqual({
      'cmcd.bl': ['21300;v', '19800;a'],
      'cmcd.bs': true,
      'cmcd.nor': ['seg-4.m4s', 'seg-5.m4s'],
      'cmcd.com.example-mix': ['1', 'a', 'false'],
    });
  });
});

describe('decodeCmcdEvents: event names', () => {
  it('has a name for every event type the library knows, as the library defines the codes', () => {
    for (const code of Object.values(CmcdEventType)) {
      const [record] = decodeCmcdEvents(encodeEvent({ e: code, ts: T0 }), LIMITS).records;
      expect(record?.event).toBe(code);
      expect(record?.eventName).toBe(CMCD_EVENT_NAMES[code]);
      expect(record?.eventName).not.toBe('unknown');
    }
    // CTA-5004-B: b is backgrounded mode and bc the bitrate change (easily swapped).
    expect(CmcdEventType.BACKGROUNDED_MODE).toBe('b');
    expect(CMCD_EVENT_NAMES.b).toBe('background_change');
    expect(CmcdEventType.BITRATE_CHANGE).toBe('bc');
    expect(CMCD_EVENT_NAMES.bc).toBe('bitrate_change');
  });
});

describe('decodeCmcdEvents: limits and bodies with nothing good', () => {
  const line = (i: number): string => `e=t,ts=${T0 + i}`;

  it('takes exactly maxRecords records and refuses one more, garbage lines counted too', () => {
    const limits = { maxRecords: 3, maxLineBytes: 4096 };
    expect(decodeCmcdEvents([0, 1, 2].map(line).join('\n'), limits).records).toHaveLength(3);
    const error = thrown(() => decodeCmcdEvents([line(0), 'x y z', line(2), line(3)].join('\n'), limits));
    expect(error.code).toBe('payload_too_large');
    expect(error.status).toBe(413);
    expect(error.details).toEqual({ maxRecords: 3 });
  });

  it('does not count blank lines toward maxRecords', () => {
    const limits = { maxRecords: 2, maxLineBytes: 4096 };
    expect(decodeCmcdEvents(`${line(0)}\n\n\n${line(1)}\n`, limits).records).toHaveLength(2);
  });

  it('takes a line of exactly maxLineBytes and refuses a longer one, counting UTF-8 bytes', () => {
    const exact = `e=t,com.example-pad="${'a'.repeat(40)}"`;
    const limits = { maxRecords: 10, maxLineBytes: exact.length };
    expect(decodeCmcdEvents(`${exact}\r\n${line(1)}`, limits).records).toHaveLength(2);

    const longer = thrown(() => decodeCmcdEvents(`${line(0)}\n${exact}a`, limits));
    expect(longer.code).toBe('payload_too_large');
    expect(longer.details).toEqual({ line: 2, maxLineBytes: exact.length });

    // As many UTF-16 units as the limit, but twice the bytes.
    const wide = `e=t,x="${'é'.repeat(exact.length - 8)}"`;
    expect(wide.length).toBeLessThanOrEqual(exact.length);
    expect(thrown(() => decodeCmcdEvents(wide, limits)).code).toBe('payload_too_large');
  });

  it('refuses a body of garbage only, naming the first reason', () => {
    const error = thrown(() => decodeCmcdEvents('\nhello world\n{"a":1}\nsid="x"', LIMITS));
    expect(error.code).toBe('invalid_body');
    expect(error.status).toBe(400);
    expect(error.message).toContain('line 2: not a CMCD structured-field dictionary');
    expect(error.details).toEqual({ line: 2, reason: 'undecodable' });
  });

  it('refuses an empty body and one of blank lines', () => {
    for (const body of ['', '\r\n\n  \n']) {
      const error = thrown(() => decodeCmcdEvents(body, LIMITS));
      expect(error.code).toBe('invalid_body');
      expect(error.message).toBe('The body holds no CMCD record');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { decodeCmsdDynamic, decodeCmsdStatic } from '@svta/cml-cmsd';
import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';
import { cmsdDynamicValue, cmsdStaticValue } from './cmsd-response.js';

describe('cmsdStaticValue', () => {
  const expected: [ContentObjectType, string][] = [
    [CONTENT_OBJECT_TYPES.playlist, 'ot=m,sf=h,st=v'],
    [CONTENT_OBJECT_TYPES.init, 'ot=i,sf=h,st=v'],
    [CONTENT_OBJECT_TYPES.videoSegment, 'ot=v,sf=h,st=v'],
    [CONTENT_OBJECT_TYPES.audioSegment, 'ot=a,sf=h,st=v'],
    [CONTENT_OBJECT_TYPES.captions, 'ot=c,sf=h,st=v'],
    [CONTENT_OBJECT_TYPES.image, 'ot=o,st=v'],
    [CONTENT_OBJECT_TYPES.document, 'ot=o,st=v'],
    [CONTENT_OBJECT_TYPES.interactive, 'ot=o,st=v'],
    [CONTENT_OBJECT_TYPES.source, 'ot=av,st=v'],
    [CONTENT_OBJECT_TYPES.other, 'ot=o,st=v'],
  ];

  it('covers every content object type', () => {
    expect(expected.map(([type]) => type).sort()).toEqual(Object.values(CONTENT_OBJECT_TYPES).sort());
  });

  it.each(expected)('maps %s to %s', (objectType, wire) => {
    expect(cmsdStaticValue({ objectType, streamType: 'v' })).toBe(wire);
  });

  it('writes the live stream type', () => {
    expect(cmsdStaticValue({ objectType: CONTENT_OBJECT_TYPES.playlist, streamType: 'l' })).toBe(
      'ot=m,sf=h,st=l',
    );
  });

  it('adds bitrate and duration rounded to integers', () => {
    const value = cmsdStaticValue({
      objectType: CONTENT_OBJECT_TYPES.videoSegment,
      streamType: 'v',
      bitrateKbps: 3199.6,
      durationMs: 4004,
    });
    expect(value).toBe('ot=v,sf=h,st=v,br=3200,d=4004');
  });

  it('leaves out bitrate and duration that are not finite positive numbers', () => {
    const value = cmsdStaticValue({
      objectType: CONTENT_OBJECT_TYPES.audioSegment,
      streamType: 'v',
      bitrateKbps: Number.NaN,
      durationMs: -1,
    });
    expect(value).toBe('ot=a,sf=h,st=v');
  });

  it('round-trips through the library decoder', () => {
    const wire = cmsdStaticValue({
      objectType: CONTENT_OBJECT_TYPES.videoSegment,
      streamType: 'l',
      bitrateKbps: 800,
      durationMs: 2000,
    });
    expect(decodeCmsdStatic(wire)).toEqual({ ot: 'v', sf: 'h', st: 'l', br: 800, d: 2000 });
    expect(
      decodeCmsdStatic(cmsdStaticValue({ objectType: CONTENT_OBJECT_TYPES.document, streamType: 'v' })),
    ).toEqual({
      ot: 'o',
      st: 'v',
    });
  });

  it('answers repeated calls with the same cached value', () => {
    const input = { objectType: CONTENT_OBJECT_TYPES.init, streamType: 'v' } as const;
    expect(cmsdStaticValue(input)).toBe(cmsdStaticValue(input));
    expect(cmsdStaticValue({ ...input, durationMs: 1000 })).toBe('ot=i,sf=h,st=v,d=1000');
    expect(cmsdStaticValue(input)).toBe('ot=i,sf=h,st=v');
  });
});

describe('cmsdDynamicValue', () => {
  it('names the server alone when it is not under duress', () => {
    expect(cmsdDynamicValue({ server: 'edge-1', duress: false })).toBe('"edge-1"');
  });

  it('adds a bare du under duress', () => {
    expect(cmsdDynamicValue({ server: 'edge-1', duress: true })).toBe('"edge-1";du');
  });

  it('adds etp and rtt rounded to integers', () => {
    expect(
      cmsdDynamicValue({ server: 'edge-1', duress: true, estimatedThroughputKbps: 48100.4, rttMs: 12.5 }),
    ).toBe('"edge-1";du;etp=48100;rtt=13');
    expect(cmsdDynamicValue({ server: 'origin.eu', duress: false, rttMs: 0 })).toBe('"origin.eu";rtt=0');
    expect(
      cmsdDynamicValue({ server: 'edge-1', duress: false, estimatedThroughputKbps: Infinity, rttMs: -3 }),
    ).toBe('"edge-1"');
  });

  it('round-trips through the library decoder', () => {
    expect(decodeCmsdDynamic(cmsdDynamicValue({ server: 'edge-1', duress: true, rttMs: 20 }))).toEqual([
      { value: 'edge-1', params: { du: true, rtt: 20 } },
    ]);
    const calm = decodeCmsdDynamic(cmsdDynamicValue({ server: 'edge-1', duress: false }));
    expect(calm).toHaveLength(1);
    expect(calm[0]?.value).toBe('edge-1');
    expect(calm[0]?.params?.du).toBeUndefined();
  });

  it('escapes a quote in the server name', () => {
    const wire = cmsdDynamicValue({ server: 'edge "a"', duress: true });
    expect(wire).toBe('"edge \\"a\\"";du');
    expect(decodeCmsdDynamic(wire)[0]?.value).toBe('edge "a"');
  });

  it('rejects a server name a structured-field string cannot hold', () => {
    expect(() => cmsdDynamicValue({ server: '', duress: false })).toThrow(RangeError);
    expect(() => cmsdDynamicValue({ server: 'édge', duress: true })).toThrow(
      'CMSD server name must be 1 to 256 printable ASCII characters, got "édge"',
    );
    expect(() => cmsdDynamicValue({ server: 'edge\n1', duress: false, rttMs: 5 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { Fmp4ShapeError, initTimescale, readFragmentTiming, retimeFragment } from './fmp4-retime.js';
import { childBoxes, findBoxPath } from './isobmff-boxes.js';

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}
const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

/**
 * A segment shaped as FFmpeg's HLS muxer writes one: styp, sidx (v0), moof (tfhd with a default
 * duration, tfdt v0, trun with data offset and sizes but no durations), mdat.
 */
function segment(baseTime: number, sizes: number[], defaultDuration: number): Buffer {
  const payload = Buffer.alloc(
    sizes.reduce((a, b) => a + b, 0),
    0xab,
  );
  const tfhd = box('tfhd', u32(0x020008, 1, defaultDuration));
  const tfdt = box('tfdt', u32(0, baseTime));
  const trunOf = (dataOffset: number) => box('trun', u32(0x000201, sizes.length, dataOffset), u32(...sizes));
  const moofOf = (dataOffset: number) =>
    box('moof', box('mfhd', u32(0, 7)), box('traf', tfhd, tfdt, trunOf(dataOffset)));
  const moof = moofOf(moofOf(0).length + 8);
  const mdat = box('mdat', payload);
  const sidxRef = u32(moof.length + mdat.length, sizes.length * defaultDuration, 0x90000000);
  const sidx = box('sidx', u32(0, 1, 15360, baseTime, 0), Buffer.from([0, 0, 0, 1]), sidxRef);
  return Buffer.concat([box('styp', Buffer.from('msdh')), sidx, moof, mdat]);
}

/** Where the run's data offset points, and where the mdat's payload starts. */
function dataPointers(buf: Buffer): { points: number; payload: number } {
  const moof = [...childBoxes(buf, 0, buf.length)].find((b) => b.type === 'moof')!;
  const mdat = [...childBoxes(buf, 0, buf.length)].find((b) => b.type === 'mdat')!;
  const trun = findBoxPath(buf, moof.payload, moof.end, ['traf', 'trun'])!;
  return { points: moof.start + buf.readInt32BE(trun.payload + 8), payload: mdat.payload };
}

describe('readFragmentTiming / retimeFragment', () => {
  it('reads a run without durations from the default, and rewrites every duration and the start', () => {
    const seg = segment(46_592, [100, 20, 30], 512);
    expect(readFragmentTiming(seg)).toEqual({
      baseTime: 46_592,
      durations: [512, 512, 512],
      reordered: false,
    });
    expect(dataPointers(seg).points).toBe(dataPointers(seg).payload);

    const out = retimeFragment(seg, 61_440, [15_360, 512, 14_848]);
    expect(readFragmentTiming(out)).toEqual({
      baseTime: 61_440,
      durations: [15_360, 512, 14_848],
      reordered: false,
    });
    // The run grew by a duration per sample and tfdt by 4 bytes: the data offset follows the mdat.
    const { points, payload } = dataPointers(out);
    expect(points).toBe(payload);
    expect(out.subarray(payload, payload + 150).every((b) => b === 0xab)).toBe(true);

    const sidx = [...childBoxes(out, 0, out.length)].find((b) => b.type === 'sidx')!;
    expect(out[sidx.payload]).toBe(1);
    expect(Number(out.readBigUInt64BE(sidx.payload + 12))).toBe(61_440);
    const moofAndMdat = out.length - sidx.end;
    expect(out.readUInt32BE(sidx.payload + 32) & 0x7fffffff).toBe(moofAndMdat);
    expect(out.readUInt32BE(sidx.payload + 36)).toBe(30_720);
  });

  it('holds times past 32 bits (a lecture hours long at a fine timescale)', () => {
    const out = retimeFragment(segment(0, [10], 512), 2 ** 33 + 5, [512]);
    expect(readFragmentTiming(out).baseTime).toBe(2 ** 33 + 5);
  });

  it('refuses shapes it does not know, naming them', () => {
    const seg = segment(0, [10], 512);
    expect(() => readFragmentTiming(Buffer.concat([seg, seg]))).toThrow(Fmp4ShapeError);
    expect(() => readFragmentTiming(Buffer.concat([seg, seg]))).toThrow(/expected one moof, found 2/);
    expect(() => readFragmentTiming(box('mdat', Buffer.alloc(4)))).toThrow(/found 0/);
  });

  it('reads the media timescale of an init segment', () => {
    const mdhd = box('mdhd', u32(0, 0, 0, 15_360, 0, 0));
    const init = box('moov', box('trak', box('mdia', mdhd)));
    expect(initTimescale(init)).toBe(15_360);
    expect(initTimescale(box('moov'))).toBeNull();
  });
});

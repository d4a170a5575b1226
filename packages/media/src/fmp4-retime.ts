import { childBoxes, findBoxPath, type Box } from './isobmff-boxes.js';

// ISO/IEC 14496-12 flags this module reads or writes.
const TFHD_BASE_DATA_OFFSET = 0x1;
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_SAMPLE_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_CTS = 0x800;

/** What a media segment says about its timing: one movie fragment with one track run. */
export interface FragmentTiming {
  /** baseMediaDecodeTime (tfdt), in track timescale ticks. */
  baseTime: number;
  /** Every sample's duration in ticks, in decode order (tfhd's default where the run has none). */
  durations: number[];
  /** True when a sample's composition time differs from its decode time (B-frames). */
  reordered: boolean;
}

/** Where a segment's boxes sit; null members are what the segment does not have. */
interface SegmentBoxes {
  sidx: Box | null;
  moof: Box;
  tfhd: Box;
  tfdt: Box;
  trun: Box;
}

/** Thrown when a segment is not the one-fragment, one-run shape FFmpeg's HLS muxer writes. */
export class Fmp4ShapeError extends Error {}

function locate(buf: Buffer): SegmentBoxes {
  const top = [...childBoxes(buf, 0, buf.length)];
  const moofs = top.filter((b) => b.type === 'moof');
  const sidxs = top.filter((b) => b.type === 'sidx');
  if (moofs.length !== 1) throw new Fmp4ShapeError(`expected one moof, found ${moofs.length}`);
  if (sidxs.length > 1) throw new Fmp4ShapeError(`expected at most one sidx, found ${sidxs.length}`);
  const moof = moofs[0]!;
  const trafs = [...childBoxes(buf, moof.payload, moof.end)].filter((b) => b.type === 'traf');
  if (trafs.length !== 1) throw new Fmp4ShapeError(`expected one traf, found ${trafs.length}`);
  const traf = trafs[0]!;
  const inTraf = [...childBoxes(buf, traf.payload, traf.end)];
  const tfhd = inTraf.find((b) => b.type === 'tfhd');
  const tfdt = inTraf.find((b) => b.type === 'tfdt');
  const truns = inTraf.filter((b) => b.type === 'trun');
  if (!tfhd || !tfdt || truns.length !== 1) throw new Fmp4ShapeError('expected tfhd, tfdt and one trun');
  return { sidx: sidxs[0] ?? null, moof, tfhd, tfdt, trun: truns[0]! };
}

const flagsOf = (buf: Buffer, box: Box): number => buf.readUInt32BE(box.payload) & 0xffffff;

function tfhdDefaultDuration(buf: Buffer, tfhd: Box): number | null {
  const flags = flagsOf(buf, tfhd);
  let at = tfhd.payload + 8; // version+flags, track_ID
  if (flags & TFHD_BASE_DATA_OFFSET) at += 8;
  if (flags & 0x2) at += 4; // sample_description_index
  return flags & 0x8 ? buf.readUInt32BE(at) : null;
}

function readBaseTime(buf: Buffer, tfdt: Box): number {
  return buf[tfdt.payload] === 1
    ? Number(buf.readBigUInt64BE(tfdt.payload + 4))
    : buf.readUInt32BE(tfdt.payload + 4);
}

/** One sample's fields as the run stores them (absent ones are null). */
interface RunSample {
  duration: number | null;
  size: number | null;
  flags: number | null;
  cts: number | null;
}

function readRun(buf: Buffer, trun: Box): { flags: number; head: Buffer; samples: RunSample[] } {
  const flags = flagsOf(buf, trun);
  const count = buf.readUInt32BE(trun.payload + 4);
  let at = trun.payload + 8;
  const headStart = at;
  if (flags & TRUN_DATA_OFFSET) at += 4;
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) at += 4;
  const head = Buffer.from(buf.subarray(headStart, at));
  const field = (bit: number): number | null => {
    if (!(flags & bit)) return null;
    if (at + 4 > trun.end) throw new Fmp4ShapeError('trun is shorter than its samples');
    at += 4;
    return bit === TRUN_CTS ? buf.readInt32BE(at - 4) : buf.readUInt32BE(at - 4);
  };
  const samples: RunSample[] = [];
  for (let i = 0; i < count; i++) {
    samples.push({
      duration: field(TRUN_DURATION),
      size: field(TRUN_SIZE),
      flags: field(TRUN_FLAGS),
      cts: field(TRUN_CTS),
    });
  }
  return { flags, head, samples };
}

/** Reads a media segment's timing. Throws Fmp4ShapeError on a shape it does not know. */
export function readFragmentTiming(buf: Buffer): FragmentTiming {
  const boxes = locate(buf);
  const fallback = tfhdDefaultDuration(buf, boxes.tfhd);
  const { samples } = readRun(buf, boxes.trun);
  const durations = samples.map((s) => s.duration ?? fallback);
  if (durations.some((d) => d === null)) throw new Fmp4ShapeError('a sample has no duration');
  return {
    baseTime: readBaseTime(buf, boxes.tfdt),
    durations: durations as number[],
    reordered: samples.some((s) => (s.cts ?? 0) !== 0),
  };
}

function box(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function newTfdt(baseTime: number): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt32BE(0x01000000); // version 1: 64-bit time, whatever the old one held
  body.writeBigUInt64BE(BigInt(baseTime), 4);
  return box('tfdt', body);
}

function newTrun(
  buf: Buffer,
  trun: Box,
  durations: readonly number[],
  moofGrowth: (delta: number) => number,
): Buffer {
  const { flags, head, samples } = readRun(buf, trun);
  const outFlags = flags | TRUN_DURATION;
  const fields = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_CTS].filter((b) => outFlags & b).length;
  const body = Buffer.alloc(8 + head.length + samples.length * fields * 4);
  body.writeUInt32BE(((buf[trun.payload] ?? 0) << 24) | outFlags, 0);
  body.writeUInt32BE(samples.length, 4);
  head.copy(body, 8);
  if (flags & TRUN_DATA_OFFSET) {
    // data_offset counts from the moof; the moof grows by what this rewrite adds before the mdat.
    const delta = moofGrowth(body.length + 8 - (trun.end - trun.start));
    body.writeInt32BE(head.readInt32BE(0) + delta, 8);
  }
  let at = 8 + head.length;
  samples.forEach((s, i) => {
    body.writeUInt32BE(durations[i]!, at);
    at += 4;
    for (const v of [s.size, s.flags]) {
      if (v === null) continue;
      body.writeUInt32BE(v, at);
      at += 4;
    }
    if (s.cts !== null) {
      body.writeInt32BE(s.cts, at);
      at += 4;
    }
  });
  return box('trun', body);
}

function replaceChild(buf: Buffer, parent: Box, replacements: Map<number, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const child of childBoxes(buf, parent.payload, parent.end)) {
    parts.push(replacements.get(child.start) ?? buf.subarray(child.start, child.end));
  }
  return box(parent.type, Buffer.concat(parts));
}

function newSidx(buf: Buffer, sidx: Box, earliest: number, duration: number, sizeDelta: number): Buffer {
  const version = buf[sidx.payload];
  const p = sidx.payload;
  const refId = buf.readUInt32BE(p + 4);
  const timescale = buf.readUInt32BE(p + 8);
  const firstOffset = version === 1 ? Number(buf.readBigUInt64BE(p + 20)) : buf.readUInt32BE(p + 16);
  const countAt = version === 1 ? p + 28 + 2 : p + 20 + 2;
  const count = buf.readUInt16BE(countAt);
  if (count !== 1) throw new Fmp4ShapeError(`expected one sidx reference, found ${count}`);
  const ref = countAt + 2;
  const body = Buffer.alloc(4 + 4 + 4 + 8 + 8 + 4 + 12);
  body.writeUInt32BE(0x01000000, 0);
  body.writeUInt32BE(refId, 4);
  body.writeUInt32BE(timescale, 8);
  body.writeBigUInt64BE(BigInt(earliest), 12);
  body.writeBigUInt64BE(BigInt(firstOffset), 20);
  body.writeUInt16BE(1, 30);
  const typeAndSize = buf.readUInt32BE(ref);
  body.writeUInt32BE(((typeAndSize & 0x80000000) | ((typeAndSize & 0x7fffffff) + sizeDelta)) >>> 0, 32);
  body.writeUInt32BE(duration, 36);
  body.writeUInt32BE(buf.readUInt32BE(ref + 8), 40);
  return box('sidx', body);
}

/**
 * Rewrites a media segment with the given decode start and per-sample durations (track timescale
 * ticks): tfdt, every trun sample duration, and the sidx's earliest time, duration and size. The
 * sidx is assumed to share the track's timescale, as FFmpeg writes it. Throws Fmp4ShapeError on a
 * shape it does not know (several fragments, an absolute base data offset).
 */
export function retimeFragment(buf: Buffer, baseTime: number, durations: readonly number[]): Buffer {
  const boxes = locate(buf);
  if (flagsOf(buf, boxes.tfhd) & TFHD_BASE_DATA_OFFSET) throw new Fmp4ShapeError('absolute base data offset');
  const tfdt = newTfdt(baseTime);
  let moofDelta = tfdt.length - (boxes.tfdt.end - boxes.tfdt.start);
  const trun = newTrun(buf, boxes.trun, durations, (trunDelta) => (moofDelta += trunDelta));
  const trafBox = findBoxPath(buf, boxes.moof.payload, boxes.moof.end, ['traf'])!;
  const traf = replaceChild(
    buf,
    trafBox,
    new Map([
      [boxes.tfdt.start, tfdt],
      [boxes.trun.start, trun],
    ]),
  );
  const moof = replaceChild(buf, boxes.moof, new Map([[trafBox.start, traf]]));
  const total = durations.reduce((a, b) => a + b, 0);
  const parts: Buffer[] = [];
  for (const top of childBoxes(buf, 0, buf.length)) {
    if (top.start === boxes.moof.start) parts.push(moof);
    else if (boxes.sidx && top.start === boxes.sidx.start)
      parts.push(newSidx(buf, boxes.sidx, baseTime, total, moofDelta));
    else parts.push(buf.subarray(top.start, top.end));
  }
  return Buffer.concat(parts);
}

/** The media timescale of an init segment's first track (moov/trak/mdia/mdhd); null when absent. */
export function initTimescale(init: Buffer): number | null {
  const mdhd = findBoxPath(init, 0, init.length, ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd) return null;
  return init.readUInt32BE(mdhd.payload + (init[mdhd.payload] === 1 ? 20 : 12));
}

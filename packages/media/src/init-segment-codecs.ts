import { readFile, stat } from 'node:fs/promises';
import { childBoxes, findBoxPath, type Box } from './isobmff-boxes.js';

/** What an fMP4 init segment says about its one track. */
export interface InitSegmentInfo {
  /** RFC 6381 codec string, e.g. `avc1.64001f` or `mp4a.40.2`; null when the entry is not understood. */
  codec: string | null;
  /** The sample entry's four-character code (`avc1`, `mp4a`, ...). */
  sampleEntry: string;
  /** Display size from `tkhd` (video only). */
  width: number | null;
  height: number | null;
}

/** Init segments are a few KB; anything far larger is not one. */
const MAX_INIT_BYTES = 4 * 1024 * 1024;

/** VisualSampleEntry fields before its child boxes (ISO/IEC 14496-12 §12.1.3). */
const VISUAL_SAMPLE_ENTRY_FIELDS = 78;
/** AudioSampleEntry (version 0) fields before its child boxes (§12.2.3). */
const AUDIO_SAMPLE_ENTRY_FIELDS = 28;

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** `avc1.PPCCLL` from an avcC box: profile, constraint flags, level (RFC 6381 §3.3). */
function avcCodec(buf: Buffer, entry: Box): string | null {
  for (const box of childBoxes(buf, entry.payload + VISUAL_SAMPLE_ENTRY_FIELDS, entry.end)) {
    if (box.type !== 'avcC' || box.end - box.payload < 4) continue;
    const [profile, constraints, level] = [buf[box.payload + 1], buf[box.payload + 2], buf[box.payload + 3]];
    if (profile === undefined || constraints === undefined || level === undefined) return null;
    return `${entry.type}.${hex2(profile)}${hex2(constraints)}${hex2(level)}`;
  }
  return null;
}

/** Reads an MPEG-4 descriptor's tag and variable-length size (ISO/IEC 14496-1 §8.3.3). */
function descriptor(buf: Buffer, at: number, end: number): { tag: number; body: number; end: number } | null {
  if (at >= end) return null;
  const tag = buf[at];
  let size = 0;
  let p = at + 1;
  for (let i = 0; i < 4 && p < end; i++) {
    const b = buf[p++];
    if (b === undefined) return null;
    size = (size << 7) | (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  if (tag === undefined || p + size > end) return null;
  return { tag, body: p, end: p + size };
}

/** `mp4a.OO.A` from esds: object type indication (hex) and audio object type (RFC 6381 §3.3). */
function mp4aCodec(buf: Buffer, entry: Box): string | null {
  for (const box of childBoxes(buf, entry.payload + AUDIO_SAMPLE_ENTRY_FIELDS, entry.end)) {
    if (box.type !== 'esds') continue;
    const es = descriptor(buf, box.payload + 4, box.end);
    if (!es || es.tag !== 0x03) return null;
    const flags = buf[es.body + 2] ?? 0;
    let at = es.body + 3;
    if (flags & 0x80) at += 2; // streamDependenceFlag → dependsOn_ES_ID
    if (flags & 0x40) at += 1 + (buf[at] ?? 0); // URL_Flag → URLlength + URLstring
    if (flags & 0x20) at += 2; // OCRstreamFlag → OCR_ES_Id
    const config = descriptor(buf, at, es.end);
    if (!config || config.tag !== 0x04) return null;
    const oti = buf[config.body];
    if (oti === undefined) return null;
    const specific = descriptor(buf, config.body + 13, config.end);
    const first = specific?.tag === 0x05 ? buf[specific.body] : undefined;
    if (first === undefined) return `mp4a.${hex2(oti)}`;
    let aot = first >> 3;
    // AOT 31 escapes to 32 + the next 6 bits.
    if (aot === 31) aot = 32 + (((first & 0x07) << 3) | ((buf[specific!.body + 1] ?? 0) >> 5));
    return `mp4a.${hex2(oti)}.${aot}`;
  }
  return null;
}

function firstChild(buf: Buffer, start: number, end: number): Box | null {
  for (const box of childBoxes(buf, start, end)) return box;
  return null;
}

/** Parses the first track of an init segment held in memory. */
function parseInitSegment(buf: Buffer): InitSegmentInfo | null {
  const trak = findBoxPath(buf, 0, buf.length, ['moov', 'trak']);
  if (!trak) return null;
  const stsd = findBoxPath(buf, trak.payload, trak.end, ['mdia', 'minf', 'stbl', 'stsd']);
  // stsd is a FullBox (4 bytes) followed by a 4-byte entry count.
  const entry = stsd ? firstChild(buf, stsd.payload + 8, stsd.end) : null;
  if (!entry) return null;
  let width: number | null = null;
  let height: number | null = null;
  const tkhd = findBoxPath(buf, trak.payload, trak.end, ['tkhd']);
  // tkhd ends with width and height as 16.16 fixed point.
  if (tkhd && tkhd.end - tkhd.payload >= 84) {
    width = buf.readUInt32BE(tkhd.end - 8) >>> 16 || null;
    height = buf.readUInt32BE(tkhd.end - 4) >>> 16 || null;
  }
  let codec: string | null = null;
  if (entry.type === 'avc1' || entry.type === 'avc3') codec = avcCodec(buf, entry);
  else if (entry.type === 'mp4a') codec = mp4aCodec(buf, entry);
  return { codec, sampleEntry: entry.type, width, height };
}

/** Reads an fMP4 init segment from disk and returns its track's codec string and size. */
export async function readInitSegment(file: string): Promise<InitSegmentInfo | null> {
  const { size } = await stat(file);
  if (size > MAX_INIT_BYTES) return null;
  return parseInitSegment(await readFile(file));
}

import { open } from 'node:fs/promises';

/** What an MPEG-TS segment carries, as RFC 6381 codec strings (null: no such stream, or not understood). */
export interface TsSegmentCodecs {
  /** e.g. `avc1.64001f`, `hvc1.1.6.L93.B0` */
  video: string | null;
  /** e.g. `mp4a.40.2` (AAC-LC), `mp4a.40.34` (MP3), `ac-3`, `ec-3` */
  audio: string | null;
}

const PACKET = 188;
const SYNC = 0x47;
/** A segment's first keyframe (with its parameter sets) and first audio frames lie well within this. */
const MAX_READ_BYTES = 2 * 1024 * 1024;
/** Enough of a PES to hold the parameter sets or an audio frame header. */
const MAX_PES_BYTES = 64 * 1024;

const VIDEO_TYPES = new Set([0x1b, 0x24]);
/** ISO/IEC 13818-1 stream types: AAC in ADTS (0x0f) and MPEG-1/2 audio (0x03/0x04) are read from a frame header. */
const AUDIO_TYPES = new Map<number, string | null>([
  [0x0f, null],
  [0x03, null],
  [0x04, null],
  [0x81, 'ac-3'],
  [0x87, 'ec-3'],
]);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** One TS packet's header fields and where its payload starts. */
interface TsPacket {
  pid: number;
  start: boolean;
  payload: number;
  end: number;
}

function* packets(buf: Buffer): Generator<TsPacket> {
  for (let at = 0; at + PACKET <= buf.length; at += PACKET) {
    if (buf[at] !== SYNC) return;
    const pid = ((buf[at + 1]! & 0x1f) << 8) | buf[at + 2]!;
    const control = (buf[at + 3]! >> 4) & 0x03;
    if ((control & 0x01) === 0) continue; // adaptation field only
    const payload = control === 0x03 ? at + 5 + buf[at + 4]! : at + 4;
    if (payload < at + PACKET) yield { pid, start: (buf[at + 1]! & 0x40) !== 0, payload, end: at + PACKET };
  }
}

/** The section a PSI packet starts (after its pointer field), or null. */
function section(buf: Buffer, p: TsPacket): { at: number; end: number } | null {
  if (!p.start) return null;
  const at = p.payload + 1 + buf[p.payload]!;
  if (at + 3 > p.end) return null;
  const length = ((buf[at + 1]! & 0x0f) << 8) | buf[at + 2]!;
  // The CRC (4 bytes) closes the section; PSI of this size always fits its first packet.
  return { at, end: Math.min(p.end, at + 3 + length - 4) };
}

/** The elementary streams of the first program: the first video and the first audio, by stream type. */
function programStreams(buf: Buffer): { video: [number, number] | null; audio: [number, number] | null } {
  let pmtPid: number | null = null;
  for (const p of packets(buf)) {
    if (pmtPid === null && p.pid === 0) {
      const s = section(buf, p);
      // PAT entries from byte 8: program_number (16 bits), then the PMT's PID; program 0 is the NIT.
      for (let at = (s?.at ?? 0) + 8; s && at + 4 <= s.end; at += 4) {
        if (buf.readUInt16BE(at) !== 0) {
          pmtPid = buf.readUInt16BE(at + 2) & 0x1fff;
          break;
        }
      }
    } else if (pmtPid !== null && p.pid === pmtPid) {
      const s = section(buf, p);
      if (!s || buf[s.at] !== 0x02) continue;
      let video: [number, number] | null = null;
      let audio: [number, number] | null = null;
      let at = s.at + 12 + (buf.readUInt16BE(s.at + 10) & 0x0fff);
      for (; at + 5 <= s.end; at += 5 + (buf.readUInt16BE(at + 3) & 0x0fff)) {
        const type = buf[at]!;
        const pid = buf.readUInt16BE(at + 1) & 0x1fff;
        if (!video && VIDEO_TYPES.has(type)) video = [pid, type];
        if (!audio && AUDIO_TYPES.has(type)) audio = [pid, type];
      }
      return { video, audio };
    }
  }
  return { video: null, audio: null };
}

/** The elementary-stream bytes of the first PES on `pid` (up to MAX_PES_BYTES). */
function firstPes(buf: Buffer, pid: number): Buffer | null {
  const parts: Buffer[] = [];
  let size = 0;
  for (const p of packets(buf)) {
    if (p.pid !== pid || (!p.start && parts.length === 0)) continue;
    if (p.start && parts.length > 0) break;
    parts.push(buf.subarray(p.payload, p.end));
    size += p.end - p.payload;
    if (size >= MAX_PES_BYTES) break;
  }
  const pes = Buffer.concat(parts);
  if (pes.length < 9 || pes.readUIntBE(0, 3) !== 1) return null;
  return pes.subarray(9 + pes[8]!);
}

/** The Annex B NAL units of an access unit (start codes removed). */
function* nalUnits(es: Buffer): Generator<Buffer> {
  let start = -1;
  for (let i = 0; i + 2 < es.length; i++) {
    if (es[i] !== 0 || es[i + 1] !== 0 || es[i + 2] !== 1) continue;
    if (start >= 0) yield es.subarray(start, es[i - 1] === 0 ? i - 1 : i);
    start = i + 3;
    i += 2;
  }
  if (start >= 0) yield es.subarray(start);
}

/** RBSP bytes: the emulation-prevention 0x03 after two zero bytes removed. */
function unescape(nal: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < nal.length; i++) {
    if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    out.push(nal[i]!);
  }
  return Buffer.from(out);
}

/** `avc1.PPCCLL` from an H.264 SPS: profile_idc, the constraint flags byte, level_idc (RFC 6381 §3.3). */
function avcCodec(es: Buffer): string | null {
  for (const nal of nalUnits(es)) {
    if ((nal[0]! & 0x1f) !== 7 || nal.length < 4) continue;
    const sps = unescape(nal);
    return `avc1.${hex2(sps[1]!)}${hex2(sps[2]!)}${hex2(sps[3]!)}`;
  }
  return null;
}

/** `hvc1.…` from an HEVC SPS's profile_tier_level (ISO/IEC 14496-15 Annex E.3). */
function hevcCodec(es: Buffer): string | null {
  for (const nal of nalUnits(es)) {
    if (((nal[0]! >> 1) & 0x3f) !== 33) continue;
    // Two bytes of NAL header, one of VPS id / sub-layers / nesting, then general_profile_tier_level.
    const ptl = unescape(nal).subarray(3);
    if (ptl.length < 12) return null;
    const space = ['', 'A', 'B', 'C'][ptl[0]! >> 6]!;
    const tier = ptl[0]! & 0x20 ? 'H' : 'L';
    const profile = ptl[0]! & 0x1f;
    let compat = ptl.readUInt32BE(1);
    let reversed = 0;
    for (let b = 0; b < 32; b++, compat >>>= 1) reversed = ((reversed << 1) | (compat & 1)) >>> 0;
    const constraints = [...ptl.subarray(5, 11)];
    while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
    const tail = constraints.map((c) => `.${c.toString(16).toUpperCase()}`).join('');
    return `hvc1.${space}${profile}.${reversed.toString(16).toUpperCase()}.${tier}${ptl[11]}${tail}`;
  }
  return null;
}

/** `mp4a.40.<audio object type>` from the first ADTS header (its profile is the object type less one). */
function adtsCodec(es: Buffer): string | null {
  if (es.length < 7 || es[0] !== 0xff || (es[1]! & 0xf0) !== 0xf0) return null;
  return `mp4a.40.${(es[2]! >> 6) + 1}`;
}

/** MPEG-1/2 audio from its frame header's layer: object type 32, 33, 34 for layers I, II, III (MP3). */
function mpegAudioCodec(es: Buffer): string | null {
  const layer = ((es[1] ?? 0) >> 1) & 0x03;
  if (es.length < 4 || es[0] !== 0xff || ((es[1] ?? 0) & 0xe0) !== 0xe0 || layer === 0) return null;
  return `mp4a.40.${35 - layer}`;
}

/** Pure: the codecs of an MPEG-TS segment held in memory, read from its first video and audio PES. */
export function parseTsCodecs(buf: Buffer): TsSegmentCodecs {
  const { video, audio } = programStreams(buf);
  let videoCodec: string | null = null;
  if (video) {
    const es = firstPes(buf, video[0]);
    videoCodec = es ? (video[1] === 0x1b ? avcCodec(es) : hevcCodec(es)) : null;
  }
  let audioCodec: string | null = null;
  if (audio) {
    const fixed = AUDIO_TYPES.get(audio[1]) ?? null;
    const es = fixed === null ? firstPes(buf, audio[0]) : null;
    audioCodec = fixed ?? (es ? (audio[1] === 0x0f ? adtsCodec(es) : mpegAudioCodec(es)) : null);
  }
  return { video: videoCodec, audio: audioCodec };
}

/** Reads the start of an MPEG-TS segment file (a bounded amount) and returns its codecs. */
export async function readTsSegmentCodecs(file: string): Promise<TsSegmentCodecs> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_READ_BYTES);
    const { bytesRead } = await handle.read(buf, 0, MAX_READ_BYTES, 0);
    return parseTsCodecs(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

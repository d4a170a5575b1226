import { measuredRuns, measureVariant } from '../rung-measure.js';
import type { SegmentGrid } from './segment-grid.js';

// What a just-in-time session's MPEG-TS variant may weigh, in advance: the playback plan sizes a capped encoder
// with it, and the session's master playlist promises it. Per segment, the worst case is the sum of bounds (the
// encoder's VBV, the audio, the muxer's overhead), so any run of segments RFC 8216 measures stays under the
// BANDWIDTH computed from them; the typical case gives AVERAGE-BANDWIDTH.

/** MPEG-TS carries 184 bytes of payload in every 188-byte packet. */
const TS_PACKET_RATIO = 188 / 184;
/**
 * What one PES costs beyond its payload at worst: a last packet that is all stuffing, the PES header with PTS and
 * DTS (19 bytes), a PCR adaptation field (8) and the access unit delimiter FFmpeg adds to H.264 (6).
 */
const PES_WORST_BYTES = 188 + 19 + 8 + 6;
/** On average the last packet is half stuffing. */
const PES_TYPICAL_BYTES = 94 + 19 + 8 + 6;
/** PAT and PMT every 0.1 s and SDT every 0.5 s (FFmpeg's mpegts defaults), all three again at a segment's start. */
const TABLE_PACKETS_PER_SECOND = 22;
const TABLE_PACKETS_PER_SEGMENT = 3;
/**
 * FFmpeg's mpegts muxer closes an audio PES at 2930 bytes, or after 0.35 s (half the CLI's -muxdelay): a PES holds
 * at least 2930 bytes less one large frame (2000 is safe up to AC-3 at 640 kb/s) unless the time ran out first.
 */
const AUDIO_PES_BYTES = 2930;
const AUDIO_PES_MIN_BYTES = 2000;
const AUDIO_PES_MAX_SECONDS = 0.35;
/** FFmpeg's AAC encoder holds its bit rate within a few percent over a segment (noise at 128 kb/s: +2.3 %). */
const AUDIO_PEAK_RATIO = 1.1;
/** A copied audio stream whose rate the probe did not tell counts as this (MP3's and AAC's common ceiling). */
export const UNKNOWN_AUDIO_BITRATE = 320_000;
/**
 * Video PES (frames) per second: at worst at least this, since a variable-rate source runs faster than its average
 * in stretches; on average, this when the rate is unknown.
 */
const MIN_FRAME_RATE = 30;

/** The video of a session's variant, as far as its size goes. */
export type JitVideoLoad =
  /** Encoded under a VBV: `maxrate` bits per second refill a buffer of `bufsize` bits; `bitrate` is the average. */
  | { kind: 'vbv'; bitrate: number; maxrate: number; bufsize: number; frameRate: number }
  /** Copied: the source's video bytes in each grid segment, exactly what the segment will carry. */
  | { kind: 'copied'; bytes: readonly number[]; frameRate: number }
  | { kind: 'none' };

/** What a session's variant is made of, for its bandwidth. */
export interface JitLoad {
  grid: SegmentGrid;
  /** The media playlist's EXT-X-TARGETDURATION: runs are measured against it. */
  targetDuration: number;
  video: JitVideoLoad;
  /** Audio bits per second (encoded, or the source's when copied); null without audio. */
  audioBitrate: number | null;
}

/** A variant's promise: BANDWIDTH (the peak no measured run exceeds) and AVERAGE-BANDWIDTH, bits per second. */
export interface JitBandwidth {
  peak: number;
  average: number;
}

/** Muxer overhead of `seconds` of media (one segment) at worst or typically, bits. */
function muxOverheadBits(seconds: number, load: JitLoad, audioBits: number, worst: boolean): number {
  const v = load.video;
  const frameRate =
    v.kind === 'none' ? 0 : worst ? Math.max(MIN_FRAME_RATE, v.frameRate) : v.frameRate || MIN_FRAME_RATE;
  const audioPes =
    load.audioBitrate === null
      ? 0
      : worst
        ? audioBits / 8 / AUDIO_PES_MIN_BYTES + seconds / AUDIO_PES_MAX_SECONDS + 1
        : audioBits / 8 / AUDIO_PES_BYTES + 1;
  const pes = frameRate * seconds + audioPes;
  const tables = TABLE_PACKETS_PER_SECOND * seconds + TABLE_PACKETS_PER_SEGMENT;
  return 8 * ((worst ? PES_WORST_BYTES : PES_TYPICAL_BYTES) * pes + 188 * tables);
}

/** Bits of grid segment `index`, at worst or typically. */
function segmentBits(load: JitLoad, index: number, worst: boolean): number {
  const seconds = load.grid.segments[index]!.duration;
  const v = load.video;
  const video =
    v.kind === 'vbv'
      ? worst
        ? v.maxrate * seconds + v.bufsize // a full buffer drained, and refilled at maxrate meanwhile
        : v.bitrate * seconds
      : v.kind === 'copied'
        ? 8 * (v.bytes[index] ?? 0)
        : 0;
  const audio = (load.audioBitrate ?? 0) * seconds * (worst ? AUDIO_PEAK_RATIO : 1);
  return (video + audio) * TS_PACKET_RATIO + muxOverheadBits(seconds, load, audio, worst);
}

/** Pure: BANDWIDTH and AVERAGE-BANDWIDTH of a session's variant, by RFC 8216's rules over its whole grid. */
export function jitBandwidth(load: JitLoad): JitBandwidth {
  const { segments } = load.grid;
  const at = (worst: boolean) =>
    segments.map((s, i) => ({ duration: s.duration, bytes: segmentBits(load, i, worst) / 8 }));
  return {
    peak: Math.ceil(measureVariant(at(true), load.targetDuration).peakBitrate),
    average: Math.ceil(measureVariant(at(false), load.targetDuration).averageBitrate),
  };
}

/**
 * Pure: the highest VBV maxrate (bits per second, with a buffer of `bufferSeconds` of it) whose session stays
 * within `cap` by {@link jitBandwidth}; 0 when the audio and the muxer alone exceed it. Each run's worst rate is
 * linear in maxrate, so the answer is the least of each run's own limit.
 */
export function cappedMaxrate(
  load: Omit<JitLoad, 'video'> & { frameRate: number },
  cap: number,
  bufferSeconds: number,
): number {
  const vbv = (maxrate: number): JitLoad => ({
    ...load,
    video: { kind: 'vbv', bitrate: 0, maxrate, bufsize: maxrate * bufferSeconds, frameRate: load.frameRate },
  });
  const [unit, without] = [vbv(1), vbv(0)];
  const durations = load.grid.segments.map((s) => s.duration);
  let best = Infinity;
  for (const run of measuredRuns(durations, load.targetDuration)) {
    let fixed = 0;
    let perMaxrate = 0;
    for (let i = run.first; i <= run.last; i++) {
      const rest = segmentBits(without, i, true);
      fixed += rest;
      perMaxrate += segmentBits(unit, i, true) - rest;
    }
    // 2 b/s short of the cap: the encoder's settings and the playlist's figures are rounded to whole numbers.
    best = Math.min(best, ((cap - 2) * run.seconds - fixed) / perMaxrate);
  }
  return Number.isFinite(best) ? Math.max(0, Math.floor(best)) : 0;
}

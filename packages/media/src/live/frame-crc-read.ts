// The ingest listener writes FFmpeg's `framecrc` of what it receives (stream copy, no decoding): a header per stream
// (time base, media type, codec, picture size or sample rate) and one line per packet (timestamps, size, flags).
// That is the live input's truth, for free: keyframe interval, frame rate and bitrate as they arrive, and the wall
// time each packet came in, which anchors the program date time of the lecture.

/** One stream of the live input, from the framecrc header. */
export interface LiveInputStream {
  index: number;
  mediaType: 'video' | 'audio' | 'other';
  codec: string;
  /** The time base's seconds per tick (1/90000 for MPEG-TS). */
  timeBase: number;
  width: number | null;
  height: number | null;
  sampleRate: number | null;
  channelLayout: string | null;
}

/** One packet as the listener received it. */
export interface LiveInputPacket {
  stream: number;
  /** Seconds, on the input's own clock. */
  pts: number;
  bytes: number;
  keyframe: boolean;
}

/** What a chunk of framecrc text completed: header fields (once) and packets. */
export interface FrameCrcBatch {
  streams: LiveInputStream[] | null;
  packets: LiveInputPacket[];
}

const HEADER = /^#(tb|media_type|codec_id|dimensions|sample_rate|channel_layout_name) (\d+): (.+)$/;

function streamOf(map: Map<number, LiveInputStream>, index: number): LiveInputStream {
  let s = map.get(index);
  if (!s) {
    s = {
      index,
      mediaType: 'other',
      codec: 'unknown',
      timeBase: 1 / 90_000,
      width: null,
      height: null,
      sampleRate: null,
      channelLayout: null,
    };
    map.set(index, s);
  }
  return s;
}

function applyHeader(s: LiveInputStream, key: string, value: string): void {
  if (key === 'tb') {
    const [num, den] = value.split('/').map(Number);
    if (num && den) s.timeBase = num / den;
  } else if (key === 'media_type') {
    s.mediaType = value === 'video' || value === 'audio' ? value : 'other';
  } else if (key === 'codec_id') s.codec = value;
  else if (key === 'dimensions') {
    const [w, h] = value.split('x').map(Number);
    s.width = w && w > 0 ? w : null;
    s.height = h && h > 0 ? h : null;
  } else if (key === 'sample_rate') s.sampleRate = Number(value) || null;
  else s.channelLayout = value;
}

/**
 * Incremental reader of FFmpeg's framecrc output: feed it chunks as they come (lines may split anywhere). The
 * header is reported once, with the first packet; a packet is a keyframe when its line has no `F=` flags field
 * (framecrc prints flags only when they differ from "key").
 */
export class FrameCrcReader {
  private buffer = '';
  private readonly streams = new Map<number, LiveInputStream>();
  private headerDone = false;

  /** Consumes a chunk; returns what it completed. */
  push(chunk: string): FrameCrcBatch {
    const text = this.buffer + chunk;
    const lines = text.split('\n');
    this.buffer = (lines.pop() ?? '').slice(-4096);
    const packets: LiveInputPacket[] = [];
    let streams: LiveInputStream[] | null = null;
    for (const line of lines) {
      if (line.startsWith('#')) {
        const m = HEADER.exec(line.trim());
        if (m) applyHeader(streamOf(this.streams, Number(m[2])), m[1]!, m[3]!);
        continue;
      }
      const packet = this.packet(line);
      if (!packet) continue;
      if (!this.headerDone) {
        this.headerDone = true;
        streams = [...this.streams.values()].sort((a, b) => a.index - b.index);
      }
      packets.push(packet);
    }
    return { streams, packets };
  }

  private packet(line: string): LiveInputPacket | null {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 6) return null;
    const stream = Number(fields[0]);
    const pts = Number(fields[2]);
    const bytes = Number(fields[4]);
    if (!Number.isInteger(stream) || !Number.isFinite(pts) || !Number.isFinite(bytes)) return null;
    const tb = this.streams.get(stream)?.timeBase ?? 1 / 1000;
    return { stream, pts: pts * tb, bytes, keyframe: !fields.some((f) => f.startsWith('F=')) };
  }
}

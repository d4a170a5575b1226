import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { MediaError } from './media-error.js';
import type {
  AudioStreamInfo,
  AudioTrackInfo,
  KeyframeInterval,
  MediaInfo,
  SubtitleStreamInfo,
  VideoStreamInfo,
} from './media-info.js';

/** The parts of `ffprobe -print_format json -show_format -show_streams` we read. */
interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  field_order?: string;
  sample_aspect_ratio?: string;
  disposition?: Record<string, number | undefined>;
  tags?: Record<string, string | undefined>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}
interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string };
}
interface FfprobePackets {
  packets?: { pts_time?: string; dts_time?: string; flags?: string }[];
}

function positive(value: string | number | undefined): number | null {
  const n = typeof value === 'number' ? value : Number.parseFloat(value ?? '');
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** `30000/1001` → 29.97; `0/0` or nonsense → null. */
export function parseRational(value: string | undefined): number | null {
  const m = value?.match(/^(\d+)\/(\d+)$/);
  if (!m) return positive(value);
  const den = Number(m[2]);
  return den > 0 ? positive(Number(m[1]) / den) : null;
}

/** Rotation as ffprobe reports it (display matrix, else the legacy tag), normalised to 0/90/180/270. */
function rotationOf(s: FfprobeStream): number {
  const matrix = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const raw = matrix ?? Number.parseFloat(s.tags?.rotate ?? '0');
  if (!Number.isFinite(raw)) return 0;
  return (((Math.round(raw / 90) * 90) % 360) + 360) % 360;
}

/** Above this, a rate is a timebase FFmpeg reports for want of a frame rate, not a frame rate. */
const MAX_PLAUSIBLE_FPS = 240;
/**
 * A stream is variable-frame-rate when it carries at most this share of the frames its nominal rate
 * lays out. Phones drift a few percent below nominal, which is noise; a screen recorder that writes a
 * frame only when the screen changes averages a fraction of it.
 */
const VFR_SHARE = 0.8;

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Average and nominal rates. avg_frame_rate is the honest average (frames / duration); r_frame_rate is
 * the grid the timestamps sit on, so a screen recording's bursts run at it. Either stands in for the
 * other when a container leaves it empty or fills it with a timebase-like value.
 */
function frameTiming(s: FfprobeStream): {
  frameRate: number;
  nominalFrameRate: number;
  variableFrameRate: boolean;
} {
  const plausible = (n: number | null): number | null => (n !== null && n <= MAX_PLAUSIBLE_FPS ? n : null);
  const avg = plausible(parseRational(s.avg_frame_rate));
  const nominal = plausible(parseRational(s.r_frame_rate));
  const frameRate = round3(avg ?? nominal ?? 0);
  const nominalFrameRate = round3(Math.max(nominal ?? 0, frameRate));
  const variableFrameRate = avg !== null && nominal !== null && avg < nominal * VFR_SHARE;
  return { frameRate, nominalFrameRate, variableFrameRate };
}

/** Cover art and thumbnails are video streams to ffprobe, but not video to a viewer. */
function isPicture(s: FfprobeStream): boolean {
  return s.disposition?.attached_pic === 1 || s.disposition?.timed_thumbnails === 1;
}

function toVideo(s: FfprobeStream): VideoStreamInfo | null {
  const codedW = s.width ?? 0;
  const codedH = s.height ?? 0;
  if (codedW <= 0 || codedH <= 0) return null;
  const rotation = rotationOf(s);
  const sideways = rotation === 90 || rotation === 270;
  // Anamorphic sources (DV's 8:9, 10:11...) display wider or narrower than they are coded; the
  // ladder is planned on the displayed size and encoded with square pixels.
  const sar = s.sample_aspect_ratio?.match(/^(\d+):(\d+)$/);
  const sarRatio = sar && Number(sar[1]) > 0 && Number(sar[2]) > 0 ? Number(sar[1]) / Number(sar[2]) : 1;
  const displayW = Math.round(codedW * sarRatio);
  const { frameRate, nominalFrameRate, variableFrameRate } = frameTiming(s);
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? 'unknown',
    profile: s.profile ?? null,
    pixelFormat: s.pix_fmt ?? null,
    width: sideways ? codedH : displayW,
    height: sideways ? displayW : codedH,
    frameRate,
    nominalFrameRate,
    variableFrameRate,
    bitrate: positive(s.bit_rate),
    keyframeInterval: null,
    rotation,
    interlaced: s.field_order !== undefined && !['progressive', 'unknown'].includes(s.field_order),
  };
}

function toAudio(s: FfprobeStream): AudioStreamInfo {
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? 'unknown',
    channels: s.channels ?? 0,
    sampleRate: positive(s.sample_rate) ?? 0,
    bitrate: positive(s.bit_rate),
  };
}

function toAudioTrack(s: FfprobeStream): AudioTrackInfo {
  return {
    ...toAudio(s),
    language: bcp47(s.tags?.['language']),
    title: s.tags?.['title'] ?? null,
    default: s.disposition?.['default'] === 1,
    description: s.disposition?.['visual_impaired'] === 1 || s.disposition?.['descriptions'] === 1,
  };
}

/** Subtitle codecs FFmpeg can write as WebVTT (the rest are pictures of text). */
const TEXT_SUBTITLE_CODECS = new Set([
  'subrip',
  'srt',
  'ass',
  'ssa',
  'mov_text',
  'webvtt',
  'text',
  'eia_608',
]);

/** An ISO 639 tag (`fre`, `eng`) as BCP 47 (`fr`, `en`); null for none, `und` or what is no language tag. */
function bcp47(tag: string | undefined): string | null {
  if (!tag || tag === 'und') return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

function toSubtitle(s: FfprobeStream): SubtitleStreamInfo {
  const codec = s.codec_name ?? 'unknown';
  return {
    index: s.index ?? 0,
    codec,
    language: bcp47(s.tags?.['language']),
    title: s.tags?.['title'] ?? null,
    forced: s.disposition?.['forced'] === 1,
    hearingImpaired: s.disposition?.['hearing_impaired'] === 1,
    text: TEXT_SUBTITLE_CODECS.has(codec),
  };
}

/**
 * Reduces ffprobe's JSON to MediaInfo. Throws MediaError `no_streams` when there is neither video
 * nor audio, `invalid_media` when there is no duration to transcode.
 */
export function toMediaInfo(json: unknown, file: string, sizeOnDisk: number): MediaInfo {
  const out = (json ?? {}) as FfprobeOutput;
  const streams = out.streams ?? [];
  let video: VideoStreamInfo | null = null;
  for (const s of streams) {
    if (s.codec_type !== 'video' || isPicture(s)) continue;
    video = toVideo(s);
    if (video) break;
  }
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const audio = audioStream ? toAudio(audioStream) : null;
  if (!video && !audio) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.noStreams, `${file} has no audio or video stream`);
  }
  const formatName = out.format?.format_name ?? 'unknown';
  const streamDurations = streams.map((s) => positive(s.duration) ?? 0);
  const durationSeconds = positive(out.format?.duration) ?? Math.max(0, ...streamDurations);
  if (durationSeconds <= 0) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.invalidMedia, `${file} has no duration (a still image?)`);
  }
  return {
    durationSeconds,
    container: formatName.split(',')[0] ?? formatName,
    formatName,
    bitrate: positive(out.format?.bit_rate),
    sizeBytes: positive(out.format?.size) ?? sizeOnDisk,
    video,
    audio,
    subtitles: streams.filter((st) => st.codec_type === 'subtitle').map(toSubtitle),
    audioTracks: streams.filter((st) => st.codec_type === 'audio').map(toAudioTrack),
  };
}

/** Keyframe spacing from `ffprobe -show_entries packet=pts_time,flags` JSON; null under two keyframes. */
export function keyframeIntervalFromPackets(json: unknown): KeyframeInterval | null {
  const packets = (json as FfprobePackets | null)?.packets ?? [];
  const times = packets
    .filter((p) => p.flags?.startsWith('K'))
    .map((p) => Number.parseFloat(p.pts_time ?? p.dts_time ?? ''))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > 1e-6) gaps.push(gap);
  }
  if (gaps.length === 0) return null;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    min: round(Math.min(...gaps)),
    max: round(Math.max(...gaps)),
    mean: round(gaps.reduce((a, b) => a + b, 0) / gaps.length),
  };
}

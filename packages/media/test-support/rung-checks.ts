import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseVariantPlaylist } from '../src/hls-playlist-parse.js';
import { ffmpegExitError, runOwnedProcess } from '../src/owned-process.js';
import { FFMPEG, FFPROBE } from './media-test-kit.js';

// What a player sees of a transcoded rung, read back with ffprobe: the checks of
// transcode-lookalike.test.ts (and anything else that needs to know what a rung really holds).

/** A stream as `ffprobe -show_streams` prints it (the fields the checks read). */
export interface ProbedStream {
  index: number;
  /** 'video', 'audio', ... */
  codec_type: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  field_order?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
  start_time?: string;
  duration?: string;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

/** A packet, times in seconds, in decode order. */
export interface ProbedPacket {
  pts: number;
  dts: number;
  duration: number;
  keyframe: boolean;
}

/** When a stream (or a rendition) starts and ends, in seconds. */
export interface Span {
  start: number;
  end: number;
}

/** ffprobe's JSON for a file (or a `concat:` list of files). */
export async function ffprobeJson(input: string, args: string[]): Promise<Record<string, unknown>> {
  const r = await runOwnedProcess({
    command: FFPROBE,
    label: 'ffprobe',
    args: ['-v', 'error', '-print_format', 'json', ...args, input],
    timeoutMs: 60_000,
    collectStdout: true,
  });
  if (r.exitCode !== 0) throw new Error(`ffprobe ${input} failed: ${r.stderr.text()}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The streams of a file. */
export async function probeStreams(input: string): Promise<ProbedStream[]> {
  return (await ffprobeJson(input, ['-show_streams'])).streams as ProbedStream[];
}

const seconds = (v: string | undefined): number => Number.parseFloat(v ?? 'NaN');

type RawPacket = { pts_time?: string; dts_time?: string; duration_time?: string; flags?: string };

function toPackets(json: Record<string, unknown>): ProbedPacket[] {
  return ((json.packets ?? []) as RawPacket[]).map((p) => ({
    pts: seconds(p.pts_time),
    dts: seconds(p.dts_time ?? p.pts_time),
    duration: seconds(p.duration_time ?? '0'),
    keyframe: p.flags?.startsWith('K') ?? false,
  }));
}

const PACKET_ENTRIES = 'packet=pts_time,dts_time,duration_time,flags';

/** Packets of one stream (`v:0`, `a:0`) in decode order. */
export async function probePackets(input: string, stream: string): Promise<ProbedPacket[]> {
  return toPackets(await ffprobeJson(input, ['-select_streams', stream, '-show_entries', PACKET_ENTRIES]));
}

/** First presented instant to the end of the last-presented packet. */
export function spanOf(packets: readonly ProbedPacket[]): Span {
  if (packets.length === 0) return { start: NaN, end: NaN };
  return {
    start: Math.min(...packets.map((p) => p.pts)),
    end: Math.max(...packets.map((p) => p.pts + p.duration)),
  };
}

/** `concat:` input of an fMP4 rendition: its init segment then `segments`, as MSE is fed. */
function concatInput(dir: string, segments: readonly string[]): string {
  return `concat:${[path.join(dir, 'init.mp4'), ...segments.map((s) => path.join(dir, s))].join('|')}`;
}

/** One media segment of a rendition, as its playlist lists it, with its packets. */
export interface ProbedSegment {
  uri: string;
  /** EXTINF */
  duration: number;
  packets: ProbedPacket[];
}

/** A rendition (`<outDir>/<name>/index.m3u8` + init + segments) read the way a player reads it. */
export interface ProbedRendition {
  name: string;
  /** `concat:` of init + all segments: an FFmpeg input that is the rendition as a player sees it. */
  input: string;
  /** Its one stream, as init + all segments describe it. */
  stream: ProbedStream;
  segments: ProbedSegment[];
  /** All packets of init + all segments appended (a lone segment's last packet has no duration to ffprobe). */
  packets: ProbedPacket[];
}

/** Reads a rendition: its playlist, its stream, and each segment's packets (init + that segment alone). */
export async function probeRendition(outDir: string, name: string): Promise<ProbedRendition> {
  const dir = path.join(outDir, name);
  const playlist = parseVariantPlaylist(await readFile(path.join(dir, 'index.m3u8'), 'utf8'));
  const input = concatInput(
    dir,
    playlist.segments.map((s) => s.uri),
  );
  const [whole, ...probed] = await Promise.all([
    ffprobeJson(input, ['-show_streams', '-show_entries', PACKET_ENTRIES]),
    // One ffprobe per segment, each fed only the init segment and that segment, as a player seeking there is.
    ...playlist.segments.map((s) =>
      ffprobeJson(concatInput(dir, [s.uri]), ['-show_streams', '-show_entries', PACKET_ENTRIES]),
    ),
  ]);
  const streams = [whole, ...probed].map((json) => (json.streams ?? []) as ProbedStream[]);
  if (streams.some((list) => list.length !== 1))
    throw new Error(`${name}: expected one stream in every segment`);
  const segments = playlist.segments.map((s, i) => ({
    uri: s.uri,
    duration: s.duration,
    packets: toPackets(probed[i]!),
  }));
  return { name, input, stream: streams[0]![0]!, segments, packets: toPackets(whole) };
}

/** An audio stream's span as its decoder delivers it (decoded frames' timestamps and sample counts). */
async function decodedAudioSpan(file: string, stream: ProbedStream): Promise<Span> {
  const json = await ffprobeJson(file, [
    '-select_streams',
    'a:0',
    '-show_entries',
    'frame=pts_time,nb_samples',
  ]);
  const frames = (json.frames ?? []) as { pts_time?: string; nb_samples?: number }[];
  const rate = rational(stream.sample_rate);
  const times = frames.map((f) => ({ start: seconds(f.pts_time), samples: f.nb_samples ?? 0 }));
  if (times.length === 0 || !(rate > 0)) throw new Error(`${file}: no decoded audio`);
  const last = times[times.length - 1]!;
  return { start: times[0]!.start, end: last.start + last.samples / rate };
}

/**
 * The source's streams' spans, shifted so the earliest starts at 0 as FFmpeg shifts them when transcoding:
 * video from ffprobe's stream start_time and duration, audio from where its decoded sound starts and ends.
 */
export async function probeSourceSpans(file: string): Promise<{ video: Span | null; audio: Span | null }> {
  const streams = await probeStreams(file);
  const videoStream = streams.find((s) => s.codec_type === 'video');
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const video = videoStream
    ? {
        start: seconds(videoStream.start_time),
        end: seconds(videoStream.start_time) + seconds(videoStream.duration),
      }
    : null;
  // The shorter end of container and decoder is the sound: an MP4's edit list trims the AAC encoder's
  // padding that decoded frames still carry; an MP3's container duration counts LAME's padding, which its
  // decoder trims.
  const decoded = audioStream ? await decodedAudioSpan(file, audioStream) : null;
  const containerEnd = seconds(audioStream?.start_time) + seconds(audioStream?.duration);
  const audio = decoded && { start: decoded.start, end: Math.min(decoded.end, containerEnd || Infinity) };
  const origin = Math.min(video?.start ?? Infinity, audio?.start ?? Infinity);
  const shift = (s: Span | null): Span | null => s && { start: s.start - origin, end: s.end - origin };
  return { video: shift(video), audio: shift(audio) };
}

/** Rotation of a stream's display matrix, 0 without one. */
export function rotationOf(stream: ProbedStream): number {
  return stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? 0;
}

/** Size as displayed: coded size turned by the display matrix. */
export function displayedSize(stream: ProbedStream): { width: number; height: number } {
  const sideways = Math.abs(rotationOf(stream)) % 180 === 90;
  const w = stream.width ?? 0;
  const h = stream.height ?? 0;
  return sideways ? { width: h, height: w } : { width: w, height: h };
}

/** `30000/1001` → 29.97. */
export function rational(value: string | undefined): number {
  const [n, d] = (value ?? '0/1').split('/').map(Number);
  return d ? n! / d : (n ?? 0);
}

/**
 * Keyframes a segment may hold: its first packet, plus the ones x264's `-g plan.gopFrames` cap
 * forces in a segment longer than that many frames.
 */
export function allowedKeyframes(segment: ProbedSegment, gopFrames: number): number {
  return Math.max(1, Math.ceil(segment.packets.length / Math.max(1, gopFrames)));
}

/** Counts the keyframes in a segment. */
export function keyframeCount(segment: ProbedSegment): number {
  return segment.packets.filter((p) => p.keyframe).length;
}

/**
 * FFmpeg's AAC encoder starts with 1024 samples of priming, and FFmpeg 5.1's fMP4 does not mark them
 * (the init segment's edit list has media_time 0), so a player presents them.
 */
const AAC_PRIMING_SAMPLES = 1024;

/** Seconds of AAC priming a rendition presents before its content (0 for video). */
export function primingSeconds(r: ProbedRendition): number {
  if (r.stream.codec_type !== 'audio' || r.stream.codec_name !== 'aac') return 0;
  return AAC_PRIMING_SAMPLES / rational(r.stream.sample_rate);
}

/**
 * Where a rendition ends for a player: the end of its last packet, or the stream's start + duration when
 * that is later. FFmpeg 5.1's mov demuxer gives fMP4 packets the track's default sample duration, not their
 * own (trun), while it sums the real ones into the stream's duration: a variable-rate rung's long last frame
 * (a slide held to the end) shows only there.
 */
export function endOf(r: ProbedRendition): number {
  const streamEnd = seconds(r.stream.start_time) + seconds(r.stream.duration);
  const packetEnd = spanOf(r.packets).end;
  return Number.isFinite(streamEnd) ? Math.max(streamEnd, packetEnd) : packetEnd;
}

/** A rendition's span of real content: first packet (less an AAC encoder's unmarked priming) to {@link endOf}. */
export function contentSpan(r: ProbedRendition): Span {
  return { start: spanOf(r.packets).start + primingSeconds(r), end: endOf(r) };
}

/**
 * Mean SSIM (0..1) of a rendition's first `seconds` of video against the source's, put through
 * `reference` (a filter chain ending at the rendition's size). Frames are paired from each one's own
 * start; FFmpeg applies the source's display matrix first, as the pipeline does.
 */
export async function ssimAgainstSource(
  rendition: ProbedRendition,
  source: string,
  reference: string,
  seconds = 1,
): Promise<number> {
  const r = await runOwnedProcess({
    command: FFMPEG,
    label: 'ffmpeg',
    args: [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
      // Input -t: a second of frames tells the pictures apart; decoding all of a 4K source would not.
      '-t', String(seconds), '-i', rendition.input, '-t', String(seconds), '-i', `file:${source}`,
      '-filter_complex',
      `[0:v:0]setpts=PTS-STARTPTS[out];[1:v:0]${reference},setpts=PTS-STARTPTS[ref];[out][ref]ssim`,
      '-an', '-f', 'null', '-',
    ], // prettier-ignore
    timeoutMs: 120_000,
  });
  const error = ffmpegExitError(r);
  if (error) throw error;
  const all = /SSIM .*All:([0-9.]+)/.exec(r.stderr.text())?.[1];
  if (all === undefined) throw new Error(`no SSIM in ffmpeg's output: ${r.stderr.text()}`);
  return Number(all);
}

/** Mean and peak level (dBFS) of an audio rendition between two instants of its own timeline. */
export async function audioLevels(
  r: ProbedRendition,
  from: number,
  to: number,
): Promise<{ mean: number; peak: number }> {
  const out = await runOwnedProcess({
    command: FFMPEG,
    label: 'ffmpeg',
    args: [
      '-hide_banner', '-nostdin', '-nostats', '-i', r.input,
      '-af', `atrim=${from}:${to},volumedetect`, '-f', 'null', '-',
    ], // prettier-ignore
    timeoutMs: 60_000,
  });
  const error = ffmpegExitError(out);
  if (error) throw error;
  const text = out.stderr.text();
  const level = (re: RegExp): number => Number.parseFloat(re.exec(text)?.[1] ?? 'NaN');
  return { mean: level(/mean_volume: (\S+) dB/), peak: level(/max_volume: (\S+) dB/) };
}

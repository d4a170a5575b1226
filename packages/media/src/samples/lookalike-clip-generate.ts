import { rename, rm } from 'node:fs/promises';
import { ffmpegExitError, runOwnedProcess } from '../owned-process.js';

/**
 * Sources that look like what instructors upload, in the ways that matter for the pipeline's cost
 * (codec, size, bitrate, decode effort) and correctness (rotation, timing, bit depth, field order,
 * audio layout). Every one is an FFmpeg lavfi recipe run at test or bench time: no media is committed.
 */
export const LOOKALIKE_KINDS = [
  'camera',
  'phone',
  'screen',
  'zoom-audio',
  'late-audio',
  'early-end-audio',
  'audio-only-mp3',
  'audio-only-m4a',
  'ten-bit',
  'interlaced',
] as const;
/** One kind of look-alike source. */
export type LookalikeKind = (typeof LOOKALIKE_KINDS)[number];

/** What to generate. */
export interface LookalikeClipOptions {
  ffmpegPath: string;
  /** Used by the kinds written in two passes (`screen` reads its last packet back). */
  ffprobePath: string;
  kind: LookalikeKind;
  /** The file to write; give it {@link lookalikeExtension}'s extension. */
  out: string;
  /** default: {@link LOOKALIKE_DEFAULT_SECONDS} of the kind (3–6 s, test length) */
  seconds?: number;
  /** `camera` only: 25 or 29.97 (default 29.97, an NTSC camera) */
  fps?: 25 | 29.97;
  /** default 300 s (4K HEVC generates at ~9 fps on 2 cores: give long clips more) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Test-length defaults: at least two 2 s segments, short enough for a fast suite. */
export const LOOKALIKE_DEFAULT_SECONDS: Readonly<Record<LookalikeKind, number>> = {
  // The big ones are the costliest to generate: 1080p with grain, 4K HEVC (~3.5 s per second of clip).
  camera: 3,
  phone: 3,
  // Two slide bursts (every 5 s) and the static stretch between them.
  screen: 6,
  'zoom-audio': 4,
  // Room for the 2 s of missing audio at the start, or the 1.5 s at the end, and sound besides.
  'late-audio': 4,
  'early-end-audio': 4,
  'audio-only-mp3': 3,
  'audio-only-m4a': 3,
  'ten-bit': 3,
  interlaced: 3,
};

/** Where late audio starts and by how much early-ending audio stops short of the video. */
export const LOOKALIKE_AUDIO_OFFSETS = { lateStartSeconds: 2, earlyEndSeconds: 1.5 } as const;

/** The container extension each kind is written in (the camcorder's is MPEG-TS, like AVCHD's .mts). */
export function lookalikeExtension(kind: LookalikeKind): string {
  if (kind === 'audio-only-mp3') return '.mp3';
  if (kind === 'audio-only-m4a') return '.m4a';
  if (kind === 'interlaced') return '.mts';
  return '.mp4';
}

const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

/**
 * x265 tuned for generation speed only (one reference, no B-frames, big blocks): 4K at ~8 fps
 * instead of ~3 fps with plain ultrafast. Deblocking and SAO stay on, so decoding costs what a
 * phone's HEVC costs; phone encoders (hardware) use no B-frames either.
 */
const FAST_X265 =
  'log-level=error:ctu=64:min-cu-size=32:bframes=0:rc-lookahead=0:ref=1:me=dia:subme=0:early-skip=1:rect=0:amp=0';

function videoInput(source: string): string[] {
  return ['-f', 'lavfi', '-i', source];
}

function sine(seconds: number, sampleRate = 48_000, frequency = 440): string[] {
  return ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=${sampleRate}:duration=${seconds}`];
}

/** AAC-LC as phones and cameras write it. */
function aac(channels: number, sampleRate: number, bitrate: string): string[] {
  return ['-c:a', 'aac', '-ac', String(channels), '-ar', String(sampleRate), '-b:a', bitrate];
}

const STEREO_AAC = aac(2, 48_000, '192k');

/** Camera: 1080p H.264 High with B-frames and temporal noise (sensor grain) at ~16 Mb/s, 0.5 s GOPs. */
function cameraArgs(seconds: number, fps: 25 | 29.97): string[] {
  const rate = fps === 25 ? '25' : '30000/1001';
  // allf=t: the grain changes every frame, so neither decoder nor encoder gets static blocks for free.
  const src = `testsrc2=size=1920x1080:rate=${rate}:duration=${seconds},noise=alls=20:allf=t`;
  return [
    ...videoInput(src),
    ...sine(seconds),
    '-c:v', 'libx264', '-preset', 'superfast', '-profile:v', 'high', '-bf', '3',
    '-g', String(Math.round(fps / 2)),
    '-b:v', '16M', '-maxrate', '18M', '-bufsize', '16M', '-pix_fmt', 'yuv420p',
    ...STEREO_AAC,
  ]; // prettier-ignore
}

/** Phone, first pass: 4K (3840x2160 coded) HEVC at ~20 Mb/s; the rotation is added by a remux. */
function phoneArgs(seconds: number): string[] {
  return [
    ...videoInput(`testsrc2=size=3840x2160:rate=30:duration=${seconds}`),
    ...sine(seconds),
    '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', FAST_X265,
    '-b:v', '20M', '-pix_fmt', 'yuv420p', '-tag:v', 'hvc1',
    ...STEREO_AAC,
  ]; // prettier-ignore
}

/**
 * Screen recording, first pass: 1080p at a nominal 30 fps where only changes are recorded — a
 * 0.6 s burst of motion every 5 s (a slide change, scrolling) and one frame a second otherwise,
 * ~4-5 fps on average. Timescale 30, as recorders write it.
 */
function screenArgs(seconds: number): string[] {
  return [
    ...videoInput(`testsrc2=size=1920x1080:rate=30:duration=${seconds}`),
    ...sine(seconds),
    '-vf', "select='lt(mod(t\\,5)\\,0.6)+not(mod(n\\,30))'",
    '-fps_mode', 'vfr',
    '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-pix_fmt', 'yuv420p',
    '-video_track_timescale', '30',
    ...STEREO_AAC,
  ]; // prettier-ignore
}

/** A Zoom cloud recording: 720p 25 fps H.264 and a mono 32 kHz AAC track. */
function zoomArgs(seconds: number): string[] {
  return [
    ...videoInput(`testsrc2=size=1280x720:rate=25:duration=${seconds}`),
    ...sine(seconds, 32_000),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...aac(1, 32_000, '64k'),
  ]; // prettier-ignore
}

/** 360p H.264 + AAC whose audio starts late (`-itsoffset`: timestamps, not silence) or ends early. */
function offsetAudioArgs(seconds: number, late: boolean): string[] {
  const { lateStartSeconds, earlyEndSeconds } = LOOKALIKE_AUDIO_OFFSETS;
  const audioSeconds = seconds - (late ? lateStartSeconds : earlyEndSeconds);
  if (audioSeconds <= 0) throw new Error(`lookalike clip: ${seconds} s leaves no audio`);
  return [
    ...videoInput(`testsrc2=size=640x360:rate=30:duration=${seconds}`),
    ...(late ? ['-itsoffset', String(lateStartSeconds)] : []),
    ...sine(audioSeconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...STEREO_AAC,
  ]; // prettier-ignore
}

/** A 10-bit phone HDR-style clip without the HDR: 720p HEVC Main 10 (yuv420p10le), AAC. */
function tenBitArgs(seconds: number): string[] {
  return [
    ...videoInput(`testsrc2=size=1280x720:rate=30:duration=${seconds}`),
    ...sine(seconds),
    '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', FAST_X265,
    '-pix_fmt', 'yuv420p10le', '-tag:v', 'hvc1',
    ...STEREO_AAC,
  ]; // prettier-ignore
}

/**
 * A 1080i50 camcorder file (AVCHD-like): a 50p pan (~19 px per field, so every moving edge combs)
 * woven into 25 interlaced frames, top field first, coded as interlaced H.264 (field_order tt),
 * AC-3 audio, MPEG-TS (timestamps start at 1.4 s, as a camcorder's do).
 */
function interlacedArgs(seconds: number): string[] {
  return [
    ...videoInput(
      `testsrc2=size=2880x1080:rate=50:duration=${seconds},crop=1920:1080:x='mod(t*960\\,960)':y=0,interlace=scan=tff`,
    ),
    ...sine(seconds),
    '-c:v', 'libx264', '-preset', 'superfast', '-flags', '+ildct+ilme', '-x264opts', 'tff=1',
    '-b:v', '12M', '-maxrate', '15M', '-bufsize', '15M', '-pix_fmt', 'yuv420p',
    '-c:a', 'ac3', '-ac', '2', '-ar', '48000', '-b:a', '256k',
    '-f', 'mpegts',
  ]; // prettier-ignore
}

/** The single-pass argv (without binary and output) of a kind, or of the first pass of a two-pass one. */
function firstPassArgs(kind: LookalikeKind, seconds: number, fps: 25 | 29.97): string[] {
  switch (kind) {
    case 'camera':
      return cameraArgs(seconds, fps);
    case 'phone':
      return phoneArgs(seconds);
    case 'screen':
      return screenArgs(seconds);
    case 'zoom-audio':
      return zoomArgs(seconds);
    case 'late-audio':
      return offsetAudioArgs(seconds, true);
    case 'early-end-audio':
      return offsetAudioArgs(seconds, false);
    case 'audio-only-mp3':
      return [...sine(seconds, 44_100), '-c:a', 'libmp3lame', '-ac', '2', '-b:a', '128k'];
    case 'audio-only-m4a':
      // A voice memo: mono AAC.
      return [...sine(seconds, 48_000), ...aac(1, 48_000, '64k')];
    case 'ten-bit':
      return tenBitArgs(seconds);
    case 'interlaced':
      return interlacedArgs(seconds);
  }
}

/** Runs one FFmpeg (or ffprobe) process to completion, throwing its MediaError on failure. */
async function run(command: string, label: string, args: string[], opts: LookalikeClipOptions) {
  const result = await runOwnedProcess({
    command,
    label,
    args,
    timeoutMs: opts.timeoutMs ?? 300_000,
    signal: opts.signal,
    collectStdout: label === 'ffprobe',
  });
  const error = ffmpegExitError(result, label);
  if (error) throw error;
  return result.stdout;
}

/** Index and pts (in the stream's time base) of the last video packet, from ffprobe. */
async function lastVideoPacket(
  file: string,
  opts: LookalikeClipOptions,
): Promise<{ index: number; pts: number }> {
  const csv = await run(
    opts.ffprobePath,
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=pts',
      '-of',
      'csv=p=0',
      `file:${file}`,
    ],
    opts,
  );
  const pts = csv
    .split('\n')
    .map((l) => Number.parseInt(l, 10))
    .filter((n) => Number.isFinite(n));
  if (pts.length === 0) throw new Error(`lookalike clip: ${file} has no video packets`);
  return { index: pts.length - 1, pts: pts[pts.length - 1]! };
}

/**
 * The second pass, a remux: the phone gets its display matrix (FFmpeg 5.1 drops a `rotate` tag
 * given while encoding, and has no `-display_rotation` yet); the screen recording's last frame is
 * stretched to the end of the recording, as a recorder writes it (FFmpeg's own VFR output gives it
 * one tick, so the video would end up to a second before the audio).
 */
async function secondPassArgs(
  kind: LookalikeKind,
  part: string,
  seconds: number,
  opts: LookalikeClipOptions,
) {
  const args = [...COMMON, '-i', `file:${part}`, '-map', '0', '-c', 'copy'];
  if (kind === 'phone') return [...args, '-metadata:s:v:0', 'rotate=90'];
  const timescale = 30;
  const last = await lastVideoPacket(part, opts);
  const lastTicks = Math.max(1, Math.round(seconds * timescale) - last.pts);
  const setts = `setts=duration='if(eq(N\\,${last.index})\\,${lastTicks}\\,DURATION)'`;
  return [...args, '-bsf:v', setts, '-video_track_timescale', String(timescale)];
}

/** Generates one look-alike source (see {@link LOOKALIKE_KINDS}) at `out`, renamed into place once complete. */
export async function generateLookalikeClip(opts: LookalikeClipOptions): Promise<void> {
  const { kind, out } = opts;
  const seconds = opts.seconds ?? LOOKALIKE_DEFAULT_SECONDS[kind];
  if (!(seconds > 0)) throw new Error(`lookalike clip: bad duration ${seconds}`);
  // Temporary names keep the kind's extension: FFmpeg picks the muxer by it.
  const ext = lookalikeExtension(kind);
  const first = `${out}.part${ext}`;
  const second = `${out}.remux${ext}`;
  const fps = opts.fps ?? 29.97;
  try {
    await run(
      opts.ffmpegPath,
      'ffmpeg',
      [...COMMON, ...firstPassArgs(kind, seconds, fps), `file:${first}`],
      opts,
    );
    if (kind === 'phone' || kind === 'screen') {
      const remux = await secondPassArgs(kind, first, seconds, opts);
      await run(opts.ffmpegPath, 'ffmpeg', [...remux, `file:${second}`], opts);
      await rename(second, out);
    } else {
      // Renamed into place only when complete, so a cached source is never a half-written one.
      await rename(first, out);
    }
  } finally {
    await Promise.all([rm(first, { force: true }), rm(second, { force: true })]);
  }
}

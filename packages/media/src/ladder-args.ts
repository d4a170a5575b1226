import path from 'node:path';
import { TRANSCODE_ERROR_TYPES, TRANSCODE_MODES } from '@coursecast/semconv';
import { HLS_LAYOUT } from './hls-layout.js';
import { FRAME_TIMINGS, KEYFRAME_ALIGNMENTS, type LadderPlan, type LadderRung } from './ladder-plan.js';
import { MediaError } from './media-error.js';

/**
 * Packets FFmpeg may queue per output stream before every stream has produced one. A copied top
 * rung and the audio race ahead of x264's lookahead; the default (128) can abort with "Too many
 * packets buffered for output stream".
 */
const MUXING_QUEUE_PACKETS = '4096';
/** How often `-progress` reports, in seconds; also our per-rung sampling period. */
const PROGRESS_PERIOD_SECONDS = 0.5;

/** 29.97 → `30000/1001`, 25 → `25`: NTSC rates as exact rationals, others as decimals. */
export function frameRateExpression(fps: number): string {
  const ntsc = Math.round(fps * 1.001);
  if (Math.abs(fps - (ntsc * 1000) / 1001) < 0.005 && Math.abs(fps - ntsc) > 0.005)
    return `${ntsc * 1000}/1001`;
  return String(Number(fps.toFixed(3)));
}

/** The filter graph: decode once, optional deinterlace/fps, split, then scale each encoded rung. */
function filterGraph(plan: LadderPlan, encoded: LadderRung[], videoIndex: number): string | null {
  if (encoded.length === 0) return null;
  const pre: string[] = [];
  if (plan.deinterlace) pre.push('yadif');
  if (plan.forceFrameRate !== null) pre.push(`fps=${frameRateExpression(plan.forceFrameRate)}`);
  if (plan.minFrameInterval !== null) {
    // Variable timing capped at frameRate: a frame is kept when it comes at least a period after the last kept.
    pre.push(`select='isnan(prev_selected_t)+gte(t-prev_selected_t,${plan.minFrameInterval})'`);
  }
  // format after scale: swscale converts and scales in one pass, at the rung's (smaller) size.
  // setsar=1: rungs are planned on the displayed size, so pixels are square; without it, scale
  // keeps the aspect ratio through a SAR like 640:641 and the track header says 853 wide for 854.
  const scale = (r: LadderRung): string => `scale=w=${r.width}:h=${r.height},setsar=1,format=yuv420p`;
  if (encoded.length === 1) return `[0:${videoIndex}]${[...pre, scale(encoded[0]!)].join(',')}[v0]`;
  const branches = encoded.map((_, i) => `[s${i}]`).join('');
  const head = `[0:${videoIndex}]${[...pre, `split=${encoded.length}`].join(',')}${branches}`;
  return [head, ...encoded.map((r, i) => `[s${i}]${scale(r)}[v${i}]`)].join(';');
}

/**
 * Where an encoded rung forces keyframes. On the segment grid, a constant-rate rung counts boundaries
 * (`n_forced`); a variable-rate one starts a keyframe on the first frame of each new grid cell, so a
 * slide held across several boundaries gets one keyframe, not one per frame until the count catches up.
 */
function forcedKeyframes(plan: LadderPlan): string {
  if (plan.keyframes === KEYFRAME_ALIGNMENTS.source) return 'source';
  const seg = plan.segmentSeconds;
  if (plan.frameTiming === FRAME_TIMINGS.variable) {
    return `expr:isnan(prev_forced_t)+gte(floor(t/${seg}),floor(prev_forced_t/${seg})+1)`;
  }
  return `expr:gte(t,n_forced*${seg})`;
}

/**
 * Variable timing (ADR 0009): FFmpeg's HLS muxer would otherwise make the output constant-rate, and
 * without B-frames decode order is presentation order, so each sample's duration is its display time.
 */
function timingOptions(plan: LadderPlan, s: string): string[] {
  if (plan.frameTiming !== FRAME_TIMINGS.variable) return [];
  return [`-fps_mode${s}`, 'vfr', `-bf${s}`, '0'];
}

function encodeOptions(plan: LadderPlan, rung: LadderRung, out: number): string[] {
  const s = `:v:${out}`;
  return [
    `-c${s}`, 'libx264',
    `-preset${s}`, plan.preset,
    `-b${s}`, String(rung.videoBitrate),
    `-maxrate${s}`, String(rung.maxrate),
    `-bufsize${s}`, String(rung.bufsize),
    `-g${s}`, String(plan.gopFrames),
    `-sc_threshold${s}`, '0',
    `-force_key_frames${s}`, forcedKeyframes(plan),
    ...timingOptions(plan, s),
  ]; // prettier-ignore
}

/**
 * Pure: the complete ffmpeg argv (without the binary) for the whole ladder in ONE process. The
 * benchmark runs this exact command through the raw CLI, so it must be self-contained.
 *
 * Variant playlists are written as EVENT while FFmpeg runs: FFmpeg 5.1 writes a VOD playlist only
 * in its trailer, which would leave per-rung progress blind; an EVENT playlist is rewritten (via
 * rename) after every segment. transcodeVodHls turns them into VOD playlists when FFmpeg is done.
 */
export function buildLadderArgs(input: string, outDir: string, plan: LadderPlan): string[] {
  if (outDir.includes('%')) {
    // FFmpeg's HLS muxer expands % patterns in the whole output path.
    throw new MediaError(TRANSCODE_ERROR_TYPES.internal, `output directory must not contain '%': ${outDir}`);
  }
  const videoIndex = plan.sourceStreams.video;
  const audioIndex = plan.sourceStreams.audio;
  const rungs = videoIndex === null ? [] : plan.rungs;
  const audio = plan.audio && audioIndex !== null ? plan.audio : null;
  if (rungs.length === 0 && !audio) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.noStreams,
      'the ladder plan has neither video rungs nor audio',
    );
  }
  const encoded = rungs.filter((r) => r.mode !== TRANSCODE_MODES.copy);

  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats'];
  args.push('-progress', 'pipe:1', '-stats_period', String(PROGRESS_PERIOD_SECONDS));
  // `file:` keeps a name such as `a:b.mp4` from being read as a protocol.
  args.push('-i', `file:${input}`);
  const graph = videoIndex === null ? null : filterGraph(plan, encoded, videoIndex);
  if (graph) args.push('-filter_complex', graph);

  // Output video streams in ladder order (copied top rung first), then the audio.
  const streamMap: string[] = [];
  const group = audio && rungs.length > 0 ? `,agroup:${HLS_LAYOUT.audioGroupId}` : '';
  let encodedIndex = 0;
  rungs.forEach((rung, out) => {
    if (rung.mode === TRANSCODE_MODES.copy) args.push('-map', `0:${videoIndex}`);
    else args.push('-map', `[v${encodedIndex++}]`);
    streamMap.push(`v:${out}${group},name:${rung.name}`);
  });
  // A video ladder's audio group: each stream of the source its own rendition; an audio-only ladder, its first.
  const audioOut = !audio
    ? []
    : rungs.length > 0 && plan.audioRenditions.length > 0
      ? plan.audioRenditions.map((r) => ({ index: r.sourceIndex, name: r.name }))
      : [{ index: audioIndex!, name: HLS_LAYOUT.audioName }];
  audioOut.forEach((a, i) => {
    args.push('-map', `0:${a.index}`);
    streamMap.push(`a:${i}${group},name:${a.name}`);
  });
  // Source metadata (GPS from phones, encoder tags) and chapters are not ours to publish.
  args.push('-map_metadata', '-1', '-map_chapters', '-1');

  rungs.forEach((rung, out) => {
    if (rung.mode === TRANSCODE_MODES.copy) args.push(`-c:v:${out}`, 'copy');
    else args.push(...encodeOptions(plan, rung, out));
  });
  audioOut.forEach((_, i) => {
    // Audio that starts late (a camera's or recorder's audio track starting after its video) is
    // padded with silence from t=0, where the video starts, so a player's A/V start together;
    // async=1 also fills gaps and trims overlaps mid-stream, so a dropped packet cannot drift A/V.
    // Audio that stops early is padded to the source's end (a minimum: longer audio is kept whole),
    // or a player would run out of audio buffer and stall before the picture ends.
    const pad = rungs.length > 0 ? `,apad=whole_dur=${plan.durationSeconds.toFixed(3)}` : '';
    args.push(`-filter:a:${i}`, `aresample=async=1:first_pts=0${pad}`);
    args.push(`-c:a:${i}`, 'aac', `-b:a:${i}`, String(audio!.bitrate));
    args.push(`-ac:a:${i}`, String(audio!.channels), `-ar:a:${i}`, String(audio!.sampleRate));
  });
  args.push('-max_muxing_queue_size', MUXING_QUEUE_PACKETS);

  const variants = streamMap.length;
  args.push(
    '-f', 'hls',
    '-hls_time', String(plan.segmentSeconds),
    '-hls_playlist_type', 'event',
    '-hls_segment_type', 'fmp4',
    '-hls_flags', 'independent_segments',
    '-hls_fmp4_init_filename', variants > 1 ? HLS_LAYOUT.ffmpegInitSegment : HLS_LAYOUT.initSegment,
    '-hls_segment_filename', path.join(outDir, '%v', HLS_LAYOUT.segmentPattern),
    '-master_pl_name', HLS_LAYOUT.master,
    '-var_stream_map', streamMap.join(' '),
    path.join(outDir, '%v', HLS_LAYOUT.variantPlaylist),
  ); // prettier-ignore
  return args;
}

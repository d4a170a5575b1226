import { TRANSCODE_ERROR_TYPES } from '@coursecast/semconv';
import { HLS_LAYOUT } from '../hls-layout.js';
import { MediaError } from '../media-error.js';
import type { LiveLadderPlan } from './live-ladder-plan.js';

/** Where a live lecture's ingest listener waits for its one publisher. */
export type LiveListen =
  /** FFmpeg as an RTMP server on loopback: nginx-rtmp pushes the publisher's stream to it once the key checks. */
  | { protocol: 'rtmp'; port: number }
  /** FFmpeg as an SRT listener: the passphrase is checked in the handshake, before any byte of media. */
  | { protocol: 'srt'; host: string; port: number; passphrase: string; latencyMs: number };

/** The fd the listener writes its framecrc to (stdio index). */
export const FRAME_CRC_FD = 3;

function listenUrl(listen: LiveListen): string {
  if (listen.protocol === 'rtmp') return `rtmp://127.0.0.1:${listen.port}/live/ingest`;
  const q = new URLSearchParams({
    mode: 'listener',
    passphrase: listen.passphrase,
    pbkeylen: '16',
    latency: String(listen.latencyMs * 1000),
  });
  return `srt://${listen.host}:${listen.port}?${q.toString()}`;
}

/**
 * The ingest listener: receives one publisher, decodes nothing, and writes what it receives twice: on stdout as NUT (FFmpeg's own container, whose header carries the codec parameters the encoder would otherwise
 * have to probe for, up to a keyframe interval; every packet flushed at once) and as framecrc on fd 3 (packet sizes, timestamps and
 * keyframe flags, for the input's health and the lecture's clock). Its exit is the publisher's leaving.
 */
export function buildLiveIngestArgs(listen: LiveListen): string[] {
  const rtmp = listen.protocol === 'rtmp' ? ['-listen', '1'] : [];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats',
    // FFmpeg would otherwise hold the first 5 s of input to probe it. MPEG-TS (SRT) names its streams up front, so
    // half a second is plenty; FLV adds a stream when its first packet comes (audio often a second before video).
    // Not -fflags nobuffer: it drops the packets read while probing, the first keyframe with them (10 s of picture
    // lost with a 10 s keyframe interval); kept, they leave in one burst, which the lecture's clock sees through.
    '-probesize', '5000000', '-analyzeduration', listen.protocol === 'rtmp' ? '2500000' : '500000',
    ...rtmp, '-i', listenUrl(listen),
    // -copyinkf: the packets before the first keyframe too (a push from nginx starts mid-GOP): the publisher shows
    // up at once, and the encoder drops what it cannot use itself.
    '-map', '0:v:0?', '-map', '0:a:0?', '-c', 'copy', '-copyinkf',
    '-f', 'nut', '-flush_packets', '1', 'pipe:1',
    '-map', '0:v:0?', '-map', '0:a:0?', '-c', 'copy', '-copyinkf', '-f', 'framecrc', '-flush_packets', '1', `pipe:${FRAME_CRC_FD}`,
  ]; // prettier-ignore
}

/** File names of one run (one publisher connection) in a rung's folder: `r<n>.m3u8`, `r<n>-init_<rung>.mp4`... */
export function liveRunFiles(run: number): { playlist: string; init: string; segments: string } {
  return {
    playlist: `r${run}.m3u8`,
    init: `r${run}-init_%v.mp4`,
    segments: `r${run}-seg_%05d.m4s`,
  };
}

function scaleChain(width: number, height: number): string {
  // A fixed picture whatever the input does mid-stream: a resolution change is scaled and padded into it.
  return (
    `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
    `pad=${width}:${height}:-1:-1,setsar=1,format=yuv420p`
  );
}

/**
 * The live ladder in ONE FFmpeg process reading the listener's NUT on stdin: the top rung copied or encoded, the lower ones
 * encoded from one decode (x264 tuned for zero latency, keyframes on the input's when the top is copied, else on
 * the segment grid), AAC audio as its own rendition, fMP4 HLS into `<outDir>/<rung>/` under the run's names. The
 * server composes the playlists learners get from the runs' own (program date time, discontinuities).
 */
export function buildLiveEncoderArgs(outDir: string, run: number, plan: LiveLadderPlan): string[] {
  if (outDir.includes('%')) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.internal, `output directory must not contain '%': ${outDir}`);
  }
  if (plan.rungs.length === 0 && !plan.audio) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.noStreams, 'the live input has neither video nor audio');
  }
  const seg = plan.segmentSeconds;
  const copyTop = plan.rungs[0]?.mode === 'copy';
  const encoded = plan.rungs.filter((r) => r.mode === 'encode');
  // Verbose: the H.264 decoder then says when the input's picture size changes ("Reinit context to WxH").
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'verbose', '-nostats'];
  args.push('-progress', 'pipe:1', '-stats_period', '1');
  args.push('-probesize', '1000000', '-analyzeduration', '1000000', '-f', 'nut', '-i', 'pipe:0');
  if (encoded.length > 0) {
    const labels = encoded.map((_, i) => `[s${i}]`).join('');
    const split = encoded.length > 1 ? `split=${encoded.length}${labels};` : '';
    const chains = encoded.map(
      (r, i) => `${encoded.length > 1 ? `[s${i}]` : ''}${scaleChain(r.width, r.height)}[v${i}]`,
    );
    args.push('-filter_complex', `[0:v:0]${split}${encoded.length > 1 ? chains.join(';') : chains[0]!}`);
  }
  const streamMap: string[] = [];
  const group = plan.audio && plan.rungs.length > 0 ? `,agroup:${HLS_LAYOUT.audioGroupId}` : '';
  let e = 0;
  plan.rungs.forEach((rung, out) => {
    args.push('-map', rung.mode === 'copy' ? '0:v:0' : `[v${e++}]`);
    streamMap.push(`v:${out}${group},name:${rung.name}`);
  });
  if (plan.audio) {
    args.push('-map', '0:a:0');
    streamMap.push(`a:0${group},name:${plan.audio.name}`);
  }
  // The input's own frame times (a probe of a live pipe can't know its rate, and would duplicate frames up to 90k fps).
  args.push('-map_metadata', '-1', '-fps_mode', 'passthrough');
  const keyframes = copyTop ? 'source' : `expr:gte(t,n_forced*${seg})`;
  plan.rungs.forEach((rung, out) => {
    const s = `:v:${out}`;
    if (rung.mode === 'copy') return void args.push(`-c${s}`, 'copy');
    args.push(
      `-c${s}`, 'libx264', `-preset${s}`, plan.preset, `-tune${s}`, 'zerolatency',
      `-b${s}`, String(rung.bitrate), `-maxrate${s}`, String(Math.round(rung.bitrate * 1.1)),
      `-bufsize${s}`, String(rung.bitrate * 2), `-g${s}`, String(Math.round((plan.frameRate ?? 30) * seg * 2)),
      `-sc_threshold${s}`, '0', `-force_key_frames${s}`, keyframes,
    ); // prettier-ignore
  });
  if (plan.audio) args.push('-c:a', 'aac', '-b:a', String(plan.audio.bitrate), '-ac', '2', '-ar', '48000');
  const files = liveRunFiles(run);
  // FFmpeg 5.1 expands `%v` in the init name only when there are several variants; one keeps the name verbatim.
  const only = streamMap.length === 1 ? (plan.rungs[0]?.name ?? plan.audio?.name ?? '') : null;
  const init = only === null ? files.init : files.init.replace('%v', only);
  args.push(
    '-f', 'hls', '-hls_time', String(seg), '-hls_list_size', '0', '-hls_playlist_type', 'event',
    '-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments+omit_endlist',
    '-hls_fmp4_init_filename', init,
    '-hls_segment_filename', `${outDir}/%v/${files.segments}`,
    '-var_stream_map', streamMap.join(' '),
    `${outDir}/%v/${files.playlist}`,
  ); // prettier-ignore
  return args;
}

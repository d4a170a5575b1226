import { renderMasterPlaylist } from '../master-playlist-write.js';
import type { MediaInfo } from '../media-info.js';
import { jitBandwidth, UNKNOWN_AUDIO_BITRATE, type JitVideoLoad } from './jit-bandwidth.js';
import { jitVbv, type JitAudio, type JitVideo } from './jit-args.js';
import { encodedVideo, type CopiedStreams } from './jit-codecs.js';
import type { SegmentGrid } from './segment-grid.js';
import { gridTargetDuration } from './vod-media-playlist.js';

/** RFC 6381 name of what FFmpeg's AAC encoder writes (AAC-LC, its default profile). */
const AAC_LC = 'mp4a.40.2';

/** What a session serves, as its master playlist describes it. */
export interface JitVariantInput {
  info: MediaInfo;
  grid: SegmentGrid;
  /** The session's encoder settings (jit-media's encoderStreams); video is ignored when the source has none. */
  video: JitVideo;
  audio: JitAudio;
  /** The copied streams as FFmpeg writes them (probeCopiedStreams); null when none is copied. */
  copied: CopiedStreams | null;
  /** Copied video: the source's video bytes in each grid segment (keyframe probe); ignored when encoding. */
  copiedVideoBytes: readonly number[] | null;
  /** The variant playlist, relative to the master. */
  uri: string;
}

/**
 * Pure: a session's master playlist. One variant: what the session really serves (CODECS of the encode settings,
 * which pin the H.264 level, or of the copied streams), and the BANDWIDTH its segments cannot exceed.
 */
export function jitMasterPlaylist(input: JitVariantInput): string {
  const { info, grid, video, audio, copied } = input;
  const frameRate = info.video?.frameRate ?? 0;
  const audioBitrate =
    audio.mode === 'none' || !info.audio
      ? null
      : audio.mode === 'encode'
        ? (audio.bitrate ?? 128_000)
        : (info.audio.bitrate ?? copied?.audioBitrate ?? UNKNOWN_AUDIO_BITRATE);
  const audioCodec =
    audioBitrate === null ? null : audio.mode === 'encode' ? AAC_LC : (copied?.audio ?? null);
  let load: JitVideoLoad = { kind: 'none' };
  let variantVideo: { width: number; height: number; codec: string | null } | null = null;
  if (info.video && video.mode === 'encode') {
    const vbv = jitVbv(video);
    const encoded = encodedVideo({ display: info.video, ...video, ...vbv, frameRate });
    load = { kind: 'vbv', bitrate: video.bitrate, ...vbv, frameRate };
    variantVideo = encoded;
  } else if (info.video) {
    // Without its bytes a copied video would count as empty: a promise too low, so none at all.
    if (!input.copiedVideoBytes) throw new Error('a copied video needs its bytes per grid segment');
    load = { kind: 'copied', bytes: input.copiedVideoBytes, frameRate };
    variantVideo = { width: info.video.width, height: info.video.height, codec: copied?.video ?? null };
  }
  const bandwidth = jitBandwidth({
    grid,
    targetDuration: gridTargetDuration(grid),
    video: load,
    audioBitrate,
  });
  const codecs = [variantVideo?.codec, audioCodec].filter((c): c is string => Boolean(c)).join(',');
  const common = { uri: input.uri, bandwidth: bandwidth.peak, averageBandwidth: bandwidth.average, codecs };
  if (!variantVideo) return renderMasterPlaylist({ audioOnly: common }, 3);
  const { width, height } = variantVideo;
  return renderMasterPlaylist({ variants: [{ ...common, width, height, frameRate }], audio: null }, 3);
}

import type { MediaInfo } from '@coursecast/media';

/** What a test says about a source; the rest of the probe result is filled in plausibly. */
export interface ProbedSourceSpec {
  codec?: string;
  /** ffprobe's first format name (`matroska`, `mov`). */
  container?: string;
  formatName?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  bitrate?: number;
}

/** A probe result (MediaInfo) for items whose media side is faked: HEVC 1080p in Matroska unless told. */
export function probedSource(spec: ProbedSourceSpec = {}): MediaInfo {
  const container = spec.container ?? 'matroska';
  return {
    durationSeconds: spec.durationSeconds ?? 24,
    container,
    formatName: spec.formatName ?? (container === 'matroska' ? 'matroska,webm' : container),
    bitrate: spec.bitrate ?? 3_000_000,
    sizeBytes: 1,
    video: {
      index: 0,
      codec: spec.codec ?? 'hevc',
      profile: null,
      pixelFormat: 'yuv420p',
      width: spec.width ?? 1920,
      height: spec.height ?? 1080,
      frameRate: 25,
      nominalFrameRate: 25,
      variableFrameRate: false,
      bitrate: null,
      keyframeInterval: null,
      rotation: 0,
      interlaced: false,
    },
    audio: { index: 1, codec: 'aac', channels: 2, sampleRate: 48_000, bitrate: 128_000 },
    subtitles: [],
    audioTracks: [
      {
        index: 1,
        codec: 'aac',
        channels: 2,
        sampleRate: 48_000,
        bitrate: 128_000,
        language: null,
        title: null,
        default: true,
        description: false,
      },
    ],
  };
}

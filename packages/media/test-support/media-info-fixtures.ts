import type { AudioStreamInfo, MediaInfo, VideoStreamInfo } from '../src/media-info.js';

// Probe results for planner tests: a clean 1080p30 H.264 source with 2 s GOPs, and its audio.

/** A video stream, overridable field by field. */
export function video(over: Partial<VideoStreamInfo> = {}): VideoStreamInfo {
  return {
    index: 0,
    codec: 'h264',
    profile: 'High',
    pixelFormat: 'yuv420p',
    width: 1920,
    height: 1080,
    frameRate: 30,
    nominalFrameRate: 30,
    variableFrameRate: false,
    bitrate: 20_000_000,
    keyframeInterval: { min: 2, max: 2, mean: 2 },
    rotation: 0,
    interlaced: false,
    ...over,
  };
}

/** A stereo AAC stream. */
export const AUDIO: AudioStreamInfo = {
  index: 1,
  codec: 'aac',
  channels: 2,
  sampleRate: 44_100,
  bitrate: 192_000,
};

/** A probe result with the given streams. */
export function media(v: VideoStreamInfo | null, a: AudioStreamInfo | null = AUDIO): MediaInfo {
  return {
    durationSeconds: 60,
    container: 'mov',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    bitrate: null,
    sizeBytes: 1,
    video: v,
    audio: a,
    subtitles: [],
    audioTracks: a ? [{ ...a, language: null, title: null, default: true, description: false }] : [],
  };
}

/** Span names. */

/** One transcode job: probe, plan, the ladder encode, poster, publish (seed: content.transcode_video). */
export const SPAN_CONTENT_TRANSCODE_VIDEO = 'content.transcode_video';
/** ffprobe of a source file. */
export const SPAN_CONTENT_PROBE = 'content.probe';

/** Per-quality child span of a transcode, e.g. `content.transcode_720p` (the seed's naming). */
export function spanContentTranscodeQuality(quality: string): string {
  return `content.transcode_${quality}`;
}

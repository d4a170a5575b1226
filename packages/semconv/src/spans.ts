/** Span names. */

/** One transcode job: probe, plan, the ladder encode, poster, publish (seed: content.transcode_video). */
export const SPAN_CONTENT_TRANSCODE_VIDEO = 'content.transcode_video';
/** ffprobe of a source file. */
export const SPAN_CONTENT_PROBE = 'content.probe';

/** Per-quality child span of a transcode, e.g. `content.transcode_720p` (the seed's naming). */
export function spanContentTranscodeQuality(quality: string): string {
  return `content.transcode_${quality}`;
}

/** One request for a delivered object at the edge or the origin (seed: content.serve_request). */
export const SPAN_CONTENT_SERVE_REQUEST = 'content.serve_request';
/** One just-in-time session, from creation to its end (child spans: encoder starts). */
export const SPAN_HLS_SESSION = 'hls.session';
/** One FFmpeg start in a session: spawn → first progress report (a move when it relocates the window). */
export const SPAN_HLS_ENCODER_START = 'hls.encoder_start';

/** The edge's request to the origin on a miss or revalidation (seed: content.origin_fetch). */
export const SPAN_CONTENT_ORIGIN_FETCH = 'content.origin_fetch';

/** A view in the learner's browser (the player SDK): play intent → view end; the player's requests are its children. */
export const SPAN_CONTENT_VIEW = 'content.view';

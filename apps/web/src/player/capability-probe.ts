// What this browser plays, in the server's vocabulary (apps/server/src/jit/client-capabilities.ts: ffprobe
// codec names, browser container names), so `GET /api/items/:id/playback` can choose between playing the
// source as it is, remuxing it or transcoding it just in time. The probing itself is a pure function of
// `isSupported(type)` predicates; `probeBrowser()` feeds it MediaSource.isTypeSupported and canPlayType.

/** Answers whether a MIME type with codecs (`video/mp4; codecs="avc1.640028"`) plays. */
export type TypeSupport = (type: string) => boolean;

/** What the playback route takes as query parameters (the ClientCapabilities of packages/media). */
export interface BrowserCapabilities {
  containers: string[];
  videoCodecs: string[];
  audioCodecs: string[];
  /** Largest video height worth sending, px; null: no limit said. */
  maxHeight: number | null;
}

/** MIME types per container name the server uses (ffprobe's `mov` is reported as `mp4`, matroska as `mkv`). */
export const CONTAINER_TYPES: Readonly<Record<string, readonly string[]>> = {
  mp4: ['video/mp4'],
  webm: ['video/webm'],
  mkv: ['video/x-matroska', 'video/matroska'],
  ogg: ['video/ogg'],
};

/** Types per ffprobe video codec name; a codec counts when any of its types plays. */
export const VIDEO_CODEC_TYPES: Readonly<Record<string, readonly string[]>> = {
  h264: ['video/mp4; codecs="avc1.640028"', 'video/mp4; codecs="avc1.42E01E"'],
  hevc: ['video/mp4; codecs="hvc1.1.6.L93.B0"', 'video/mp4; codecs="hev1.1.6.L93.B0"'],
  vp8: ['video/webm; codecs="vp8"'],
  vp9: [
    'video/webm; codecs="vp09.00.10.08"',
    'video/mp4; codecs="vp09.00.10.08"',
    'video/webm; codecs="vp9"',
  ],
  av1: ['video/mp4; codecs="av01.0.05M.08"', 'video/webm; codecs="av01.0.05M.08"'],
};

/** Types per ffprobe audio codec name. */
export const AUDIO_CODEC_TYPES: Readonly<Record<string, readonly string[]>> = {
  aac: ['audio/mp4; codecs="mp4a.40.2"'],
  mp3: ['audio/mp4; codecs="mp4a.40.34"', 'audio/mpeg', 'audio/mp4; codecs="mp3"'],
  opus: ['audio/webm; codecs="opus"', 'audio/mp4; codecs="opus"'],
  vorbis: ['audio/webm; codecs="vorbis"', 'audio/ogg; codecs="vorbis"'],
  flac: ['audio/mp4; codecs="flac"', 'audio/flac'],
  ac3: ['audio/mp4; codecs="ac-3"'],
  eac3: ['audio/mp4; codecs="ec-3"'],
};

/** Heights a screen limit is rounded up to (the usual ladder rungs). */
const STANDARD_HEIGHTS = [360, 480, 720, 1080, 1440, 2160, 4320];

export interface ProbeInput {
  /** MediaSource.isTypeSupported, or null when the browser has no MediaSource (native HLS only). */
  mse: TypeSupport | null;
  /** `<video>.canPlayType(type) !== ''`: what plays as a file (`direct`) and through native HLS. */
  element: TypeSupport;
  /** Screen height in device pixels; null: unknown. */
  screenHeight?: number | null;
}

const anyOf = (types: readonly string[], supported: TypeSupport): boolean =>
  types.some((type) => {
    try {
      return supported(type);
    } catch {
      // A browser that throws on a type it cannot parse does not play it.
      return false;
    }
  });

function codecs(table: Readonly<Record<string, readonly string[]>>, input: ProbeInput): string[] {
  // One list serves both plans the server may pick: `direct` (the element plays the file) and `remux` (hls.js
  // feeds MediaSource), so a codec counts only when both the element and MediaSource take it.
  return Object.entries(table)
    .filter(([, types]) => anyOf(types, input.element) && (input.mse === null || anyOf(types, input.mse)))
    .map(([name]) => name);
}

/**
 * The screen limit rounded up to a standard height: a 768-pixel laptop still gets a 1080p source as it is
 * (scaling it down on the screen costs nothing), not a just-in-time transcode to 768p.
 */
export function heightLimit(screenHeight: number | null | undefined): number | null {
  if (!screenHeight || !Number.isFinite(screenHeight) || screenHeight <= 0) return null;
  return STANDARD_HEIGHTS.find((h) => h >= Math.round(screenHeight)) ?? null;
}

/** What the browser plays, from its type predicates; the pure part of the probe. */
export function probeCapabilities(input: ProbeInput): BrowserCapabilities {
  return {
    containers: Object.entries(CONTAINER_TYPES)
      .filter(([, types]) => anyOf(types, input.element))
      .map(([name]) => name),
    videoCodecs: codecs(VIDEO_CODEC_TYPES, input),
    audioCodecs: codecs(AUDIO_CODEC_TYPES, input),
    maxHeight: heightLimit(input.screenHeight),
  };
}

/**
 * The playback route's query string (`containers=..&videoCodecs=..&audioCodecs=..&maxHeight=..&viewer=..`).
 * An empty list is sent as `none`: the route reads a missing or empty list as "the defaults" (MP4, H.264,
 * AAC), which would claim more than the browser said.
 */
export function capabilityQuery(caps: BrowserCapabilities, viewerId?: string | null): string {
  const list = (names: string[]) => (names.length > 0 ? names.join(',') : 'none');
  const query = new URLSearchParams({
    containers: list(caps.containers),
    videoCodecs: list(caps.videoCodecs),
    audioCodecs: list(caps.audioCodecs),
  });
  if (caps.maxHeight !== null) query.set('maxHeight', String(caps.maxHeight));
  if (viewerId) query.set('viewer', viewerId);
  return query.toString();
}

/** Probes this browser: MediaSource (when there is one) and a detached `<video>`. */
export function probeBrowser(): BrowserCapabilities {
  const video = document.createElement('video');
  const source = self.MediaSource ?? (self as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource;
  return probeCapabilities({
    mse: source ? (type) => source.isTypeSupported(type) : null,
    element: (type) => video.canPlayType(type) !== '',
    screenHeight: screen.height * (devicePixelRatio || 1),
  });
}

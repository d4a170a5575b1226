/** Seconds between keyframes, measured over the first ~30 s of a video stream. */
export interface KeyframeInterval {
  min: number;
  max: number;
  mean: number;
}

/** The video stream a transcode would use (the first one that is not cover art). */
export interface VideoStreamInfo {
  index: number;
  codec: string;
  profile: string | null;
  pixelFormat: string | null;
  /** Display width: after the sample aspect ratio and the stream's rotation. */
  width: number;
  /** Display height: after the stream's rotation. */
  height: number;
  /** Frames per second on average (ffprobe's avg_frame_rate): what the stream really carries. */
  frameRate: number;
  /** The rate its timestamps are laid out on (r_frame_rate): a VFR stream's fastest stretch; 0 when unknown. */
  nominalFrameRate: number;
  /** True when frames come irregularly (screen recorders write one only when the screen changes). */
  variableFrameRate: boolean;
  bitrate: number | null;
  /** seconds between keyframes over the first ~30 s, null when unknown */
  keyframeInterval: KeyframeInterval | null;
  /** Rotation from the display matrix, in degrees normalised to 0, 90, 180 or 270; FFmpeg applies it when encoding. */
  rotation: number;
  /** True when ffprobe reports an interlaced field order. */
  interlaced: boolean;
}

/** The audio stream a transcode would use (the first one). */
export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
  bitrate: number | null;
}

/** One audio stream of the source, with what its tags say of it (a lecture recorded in two languages, a description). */
export interface AudioTrackInfo extends AudioStreamInfo {
  /** BCP 47 (ffprobe's ISO 639-2 `fre` read as `fr`); null when untagged or undetermined. */
  language: string | null;
  title: string | null;
  /** The stream the source marks to play by default. */
  default: boolean;
  /** An audio description of the video, for blind and low-vision learners (disposition `visual_impaired`). */
  description: boolean;
}

/** A subtitle or caption stream carried in the source (mov_text, subrip, ass, webvtt; or a bitmap format). */
export interface SubtitleStreamInfo {
  index: number;
  codec: string;
  /** BCP 47 (ffprobe's ISO 639-2 `fre` read as `fr`); null when untagged or undetermined. */
  language: string | null;
  title: string | null;
  forced: boolean;
  /** Captions for the deaf and hard of hearing (SDH). */
  hearingImpaired: boolean;
  /** Text that can become WebVTT; bitmap subtitles (PGS, DVD, DVB) cannot without OCR. */
  text: boolean;
}

/** What ffprobe says about a media file, reduced to what planning and telemetry need. */
export interface MediaInfo {
  durationSeconds: number;
  /** first of format_name, e.g. 'mov' */
  container: string;
  /** full format_name */
  formatName: string;
  bitrate: number | null;
  sizeBytes: number;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  /** The source's subtitle and caption streams, offered for import as caption tracks. */
  subtitles: SubtitleStreamInfo[];
  /** Every audio stream, in the source's order; `audio` is the first of them. */
  audioTracks: AudioTrackInfo[];
}

import { PLAYBACK_MODES, PLAYBACK_REASONS } from '@coursecast/semconv/browser';
import { z } from 'zod';

// What @coursecast/media computes, as the API passes it on. That package runs FFmpeg (Node only), so its
// shapes are spelled again here for the pages; the server checks at compile time that the two agree.

/** Seconds between keyframes over the first ~30 s of a video stream. */
export const KeyframeIntervalSchema = z.object({ min: z.number(), max: z.number(), mean: z.number() });

/** The video stream of a source (MediaInfo `video`). */
export const VideoStreamSchema = z.object({
  index: z.number(),
  codec: z.string(),
  profile: z.string().nullable(),
  pixelFormat: z.string().nullable(),
  width: z.number(),
  height: z.number(),
  frameRate: z.number(),
  nominalFrameRate: z.number(),
  variableFrameRate: z.boolean(),
  bitrate: z.number().nullable(),
  keyframeInterval: KeyframeIntervalSchema.nullable(),
  rotation: z.number(),
  interlaced: z.boolean(),
});

/** The audio stream of a source (MediaInfo `audio`). */
export const AudioStreamSchema = z.object({
  index: z.number(),
  codec: z.string(),
  channels: z.number(),
  sampleRate: z.number(),
  bitrate: z.number().nullable(),
});

/** One audio stream of a source (MediaInfo `audioTracks`): each becomes an audio rendition of the ladder. */
export const AudioTrackSchema = AudioStreamSchema.extend({
  language: z.string().nullable(),
  title: z.string().nullable(),
  default: z.boolean(),
  /** An audio description of the video. */
  description: z.boolean(),
});

/** A subtitle or caption stream in a source (MediaInfo `subtitles`), offered for import. */
export const SubtitleStreamSchema = z.object({
  index: z.number(),
  codec: z.string(),
  language: z.string().nullable(),
  title: z.string().nullable(),
  forced: z.boolean(),
  hearingImpaired: z.boolean(),
  text: z.boolean(),
});

/** What ffprobe said about an uploaded video (@coursecast/media MediaInfo): a video item's `source`. */
export const MediaInfoSchema = z.object({
  durationSeconds: z.number(),
  container: z.string(),
  formatName: z.string(),
  bitrate: z.number().nullable(),
  sizeBytes: z.number(),
  video: VideoStreamSchema.nullable(),
  audio: AudioStreamSchema.nullable(),
  subtitles: z.array(SubtitleStreamSchema),
  audioTracks: z.array(AudioTrackSchema),
});
/** A video's probe, as the API gives it. */
export type MediaInfo = z.infer<typeof MediaInfoSchema>;

/** What happens to one stream of a plan. */
export const StreamActionSchema = z.enum(['copy', 'encode', 'none']);

/** How an item is played by one browser, and why (@coursecast/media PlaybackPlan). */
export const PlaybackPlanSchema = z.object({
  mode: z.enum(PLAYBACK_MODES),
  /** Empty for plain `vod`; otherwise each reason the simpler modes were ruled out. */
  reasons: z.array(z.enum(PLAYBACK_REASONS)),
  source: z.object({
    container: z.string(),
    videoCodec: z.string().nullable(),
    audioCodec: z.string().nullable(),
    height: z.number().nullable(),
    bitrate: z.number().nullable(),
  }),
  video: z.object({
    action: StreamActionSchema,
    codec: z.string().nullable(),
    height: z.number().nullable(),
    bitrate: z.number().nullable(),
    /** The most the encoded video may reach over any second (a client's `maxBitrate`), or null: no cap. */
    maxrate: z.number().nullable(),
  }),
  audio: z.object({
    action: StreamActionSchema,
    codec: z.string().nullable(),
    bitrate: z.number().nullable(),
  }),
});
/** A playback plan, as the API gives it. */
export type PlaybackPlan = z.infer<typeof PlaybackPlanSchema>;

import { PLAYBACK_MODES, PLAYBACK_REASONS } from '@coursecast/semconv/browser';
import { z } from 'zod';
import { PublicCaptionTrackSchema } from './caption-schemas.js';
import { PlaybackPlanSchema } from './media-schemas.js';

/** `GET /api/items/:id/playback`: the plan, what to play, and the just-in-time session when one was opened. */
export const PlaybackResponseSchema = z.object({
  plan: PlaybackPlanSchema,
  /**
   * What to play: the ladder's master playlist (`vod`), the source file (`direct`), or, with a session, the
   * session's master playlist (`…/jit-<session>/master.m3u8`): one variant whose CODECS, BANDWIDTH (the most any
   * run of its segments may carry), AVERAGE-BANDWIDTH, RESOLUTION and FRAME-RATE describe what it serves.
   */
  url: z.string(),
  /** A just-in-time session: `heartbeat` (POST) and `end` (DELETE) carry its capability token. */
  session: z
    .object({ id: z.string(), segmentCount: z.number(), heartbeat: z.string(), end: z.string() })
    .nullable(),
  /**
   * The lecture's caption tracks, each as a whole WebVTT (for `<track>` in direct play and for the transcript); the
   * HLS master playlists (ladder and sessions) carry the same tracks as subtitles renditions, in this order.
   */
  captions: z.array(PublicCaptionTrackSchema),
});
/** A playback decision. */
export type PlaybackResponse = z.infer<typeof PlaybackResponseSchema>;

/** One live just-in-time session (admin). */
export const JitSessionSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  mode: z.enum(PLAYBACK_MODES),
  reasons: z.array(z.enum(PLAYBACK_REASONS)),
  segments: z.object({ written: z.number(), total: z.number() }),
  /** Where the encoder is; null when none runs. */
  encoder: z.object({ startIndex: z.number(), position: z.number(), generation: z.number() }).nullable(),
  ageSeconds: z.number(),
  idleSeconds: z.number(),
});
/** A live session. */
export type JitSession = z.infer<typeof JitSessionSchema>;

/** `GET /api/sessions` (admin): the live just-in-time sessions. */
export const JitSessionListResponseSchema = z.object({ sessions: z.array(JitSessionSchema) });
/** The live sessions. */
export type JitSessionListResponse = z.infer<typeof JitSessionListResponseSchema>;

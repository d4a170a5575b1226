import { z } from 'zod';

/** Where a live lecture is: waiting for its publisher, receiving, waiting for it to come back, over. */
export const LIVE_STATES = ['scheduled', 'live', 'reconnecting', 'ended', 'failed'] as const;
export const LiveStateSchema = z.enum(LIVE_STATES);
/** A live lecture's state. */
export type LiveState = z.infer<typeof LiveStateSchema>;

/** `POST /api/courses/:id/live`: a live lecture, announced for `scheduledAt` (ISO 8601) or unannounced. */
export const LiveCreateBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
/** What creating a live lecture takes. */
export type LiveCreateBody = z.infer<typeof LiveCreateBodySchema>;

/** Where an encoder publishes (admin only: the key and passphrase are secrets). */
export const LiveIngestSchema = z.object({
  /** OBS: Settings → Stream → Custom; Server = `url`, Stream Key = `streamKey`. */
  rtmp: z.object({ url: z.string(), streamKey: z.string() }),
  /** OBS: Server = `obsUrl` (the passphrase in it), no stream key; null when SRT is off. */
  srt: z.object({ url: z.string(), passphrase: z.string(), obsUrl: z.string() }).nullable(),
});

/** The live input's health, while a publisher sends. */
export const LiveInputHealthSchema = z.object({
  bitrate: z.number().nullable(),
  frameRate: z.number().nullable(),
  keyframeInterval: z.number().nullable(),
  /** Media seconds the encoder makes per second: below 1.0 it falls behind. */
  encoderSpeed: z.number().nullable(),
});

/** One publisher connection. */
export const LiveRunSchema = z.object({
  run: z.number(),
  protocol: z.enum(['rtmp', 'srt']),
  connectedAt: z.string(),
  endedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

/** A live lecture as the studio sees it (admin). */
export const LiveResponseSchema = z.object({
  itemId: z.string(),
  courseId: z.string(),
  title: z.string(),
  state: LiveStateSchema,
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  error: z.string().nullable(),
  ingest: LiveIngestSchema,
  /** The ladder, fixed at the first publish. */
  ladder: z
    .object({
      rungs: z.array(
        z.object({
          name: z.string(),
          width: z.number(),
          height: z.number(),
          mode: z.enum(['copy', 'encode']),
        }),
      ),
      audio: z.boolean(),
      /** Why the top rung is (not) the input copied. */
      copyReasons: z.array(z.string()),
    })
    .nullable(),
  runs: z.array(LiveRunSchema),
  /** Publisher reconnections (runs after the first). */
  reconnects: z.number(),
  health: LiveInputHealthSchema.nullable(),
  /** The master playlist learners play (live, then the recording at the same URL). */
  url: z.string(),
});
/** A live lecture (admin). */
export type LiveResponse = z.infer<typeof LiveResponseSchema>;

/** `GET /api/items/:id/live/status` (public): what the watch page needs, no secrets. */
export const LiveStatusResponseSchema = z.object({
  itemId: z.string(),
  state: LiveStateSchema,
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** The master playlist once the first segments exist; null before. */
  url: z.string().nullable(),
  segmentSeconds: z.number(),
});
/** A live lecture's public status. */
export type LiveStatusResponse = z.infer<typeof LiveStatusResponseSchema>;

/** `GET /api/time` (public): the server's clock, ms since the epoch (the live SDK measures its offset with it). */
export const ServerTimeResponseSchema = z.object({ now: z.number() });
/** The server's clock. */
export type ServerTimeResponse = z.infer<typeof ServerTimeResponseSchema>;

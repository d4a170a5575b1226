import { z } from 'zod';
import { SubtitleStreamSchema } from './media-schemas.js';

/** The kinds of text track: subtitles (translation), captions (SDH: dialogue and sounds), descriptions (of the video). */
export const CAPTION_KINDS = ['subtitles', 'captions', 'descriptions'] as const;

/** A caption track as a player uses it: what its menu shows and the whole WebVTT (transcript, `<track>`). */
export const PublicCaptionTrackSchema = z.object({
  id: z.string(),
  /** BCP 47, canonical. */
  language: z.string(),
  kind: z.enum(CAPTION_KINDS),
  label: z.string(),
  /** Shown with captions off (the foreign-language lines of a lecture). */
  forced: z.boolean(),
  /** The whole normalized WebVTT; its name changes with each replace, so it is cached for good. */
  url: z.string(),
});
/** A track for players. */
export type PublicCaptionTrack = z.infer<typeof PublicCaptionTrackSchema>;

/** A caption track as the studio manages it. */
export const CaptionTrackSchema = PublicCaptionTrackSchema.extend({
  itemId: z.string(),
  origin: z.enum(['upload', 'embedded']),
  /** The source's subtitle stream it was read from (`embedded`). */
  streamIndex: z.number().nullable(),
  cueCount: z.number(),
  bytes: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A track for the studio. */
export type CaptionTrack = z.infer<typeof CaptionTrackSchema>;

/** `GET /api/items/:id/captions` (admin): the lecture's tracks and the source's subtitle streams that can be imported. */
export const CaptionListResponseSchema = z.object({
  tracks: z.array(CaptionTrackSchema),
  embedded: z.array(
    SubtitleStreamSchema.extend({
      /** The track imported from this stream, if any. */
      importedAs: z.string().nullable(),
    }),
  ),
});
/** The tracks of a lecture. */
export type CaptionListResponse = z.infer<typeof CaptionListResponseSchema>;

/** A track created, replaced or imported, and what was converted or fixed on the way (in words). */
export const CaptionTrackResponseSchema = z.object({
  track: CaptionTrackSchema,
  warnings: z.array(z.string()),
});
/** A track written. */
export type CaptionTrackResponse = z.infer<typeof CaptionTrackResponseSchema>;

/** `POST /api/items/:id/captions/import` (admin): a subtitle stream of the source to import, and what to call it. */
export const CaptionImportBodySchema = z.strictObject({
  streamIndex: z.number().int().min(0).max(10_000),
  language: z.string().min(1).max(35).optional(),
  kind: z.enum(CAPTION_KINDS).optional(),
  label: z.string().min(1).max(80).optional(),
  forced: z.boolean().optional(),
});
/** An import request. */
export type CaptionImportBody = z.infer<typeof CaptionImportBodySchema>;

/** `PATCH /api/items/:id/captions/:trackId` (admin): what the track is said to be; its cues unchanged. */
export const CaptionPatchBodySchema = CaptionImportBodySchema.omit({ streamIndex: true });
/** A track's new description. */
export type CaptionPatchBody = z.infer<typeof CaptionPatchBodySchema>;

/** `GET /api/captions/coverage` (admin): the ready lectures with and without captions, and the to-do list. */
export const CaptionCoverageResponseSchema = z.object({
  captioned: z.number().int(),
  uncaptioned: z.number().int(),
  /** Lectures without a caption track, longest waiting first (at most 100). */
  missing: z.array(z.object({ itemId: z.string(), courseId: z.string(), title: z.string() })),
});
/** Caption coverage of the catalog. */
export type CaptionCoverageResponse = z.infer<typeof CaptionCoverageResponseSchema>;

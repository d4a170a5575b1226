import {
  DOCUMENT_FORMATS_VALUES,
  ITEM_KINDS,
  ITEM_STATUSES,
  PACKAGE_TYPES,
  TRANSCODE_MODES,
} from '@coursecast/semconv/browser';
import { z } from 'zod';
import { JobSchema } from './job-schemas.js';
import { MediaInfoSchema } from './media-schemas.js';
import { ScormActivitySchema } from './scorm-schemas.js';

/** What a document item keeps as its source (the stored JSON format: one `document` key). */
export const DocumentSourceSchema = z.object({
  document: z.object({
    format: z.enum(DOCUMENT_FORMATS_VALUES),
    contentType: z.string(),
    bytes: z.number(),
    /** The name learners' browsers save it under. */
    fileName: z.string(),
  }),
});
/** A document item's source. */
export type DocumentSource = z.infer<typeof DocumentSourceSchema>;

/** What an interactive item keeps as its source (one `package` key); the asset list is in its manifest. */
export const PackageSourceSchema = z.object({
  package: z.object({
    type: z.enum(PACKAGE_TYPES),
    title: z.string().nullable(),
    /** Package-relative path of the launch document. */
    launch: z.string(),
    /** Query and/or fragment of the launch URL, starting with `?` or `#`; null when none. */
    launchParameters: z.string().nullable(),
    assetCount: z.number(),
    totalBytes: z.number(),
    /** Size of the uploaded zip. */
    compressedBytes: z.number(),
    scorm: z
      .object({
        resources: z.number(),
        scos: z.number(),
        /**
         * What the manifest got wrong that an LMS tolerates, and what was done instead (e.g. a default organization
         * that does not exist: the first one is launched). Absent on packages published before it was kept.
         */
        warnings: z.array(z.string()).optional(),
        /** What the launched item gives the runtime at launch, by CMI element (mastery score, thresholds, ...). */
        launchData: z.record(z.string(), z.string()).optional(),
        /**
         * The launched organization: its activity tree (the table of contents) and sequencing. Absent on packages
         * published before it was kept: those launch their first SCO only.
         */
        organization: ScormActivitySchema.optional(),
      })
      .nullable(),
  }),
});
/** An interactive item's source. */
export type PackageSource = z.infer<typeof PackageSourceSchema>;

/** An item's `source`, by its kind: a video's probe, a document's facts, a package's summary. */
export const ItemSourceSchema = z.union([MediaInfoSchema, DocumentSourceSchema, PackageSourceSchema]);
/** Any item's source. */
export type ItemSource = z.infer<typeof ItemSourceSchema>;

/** Where a learner's browser gets a document or a module (null for videos and unpublished items). */
export const ItemContentSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal(ITEM_KINDS.document),
    url: z.string(),
    format: z.enum(DOCUMENT_FORMATS_VALUES),
    contentType: z.string(),
    bytes: z.number(),
    fileName: z.string(),
  }),
  z.object({
    kind: z.literal(ITEM_KINDS.interactive),
    /** The launch document on the content origin, with the package's launch parameters. */
    launchUrl: z.string(),
    /**
     * The launch frame on the content origin (ADR 0010): what a learner's page frames, with
     * `?parent=<its origin>`; it hosts the SCORM API and reports whether the package started.
     */
    launchFrameUrl: z.string(),
    /** The module manifest (ModuleManifestSchema): every asset with its size and type. */
    manifestUrl: z.string(),
    packageType: z.enum(PACKAGE_TYPES),
    title: z.string().nullable(),
    assetCount: z.number(),
    totalBytes: z.number(),
  }),
]);
/** A document's or a module's delivery. */
export type ItemContent = z.infer<typeof ItemContentSchema>;

/** One rung of an item's HLS ladder. */
export const RenditionSchema = z.object({
  itemId: z.string(),
  name: z.string(),
  width: z.number(),
  height: z.number(),
  averageBitrate: z.number(),
  peakBitrate: z.number(),
  codecs: z.string(),
  mode: z.enum(TRANSCODE_MODES),
  /** Relative to the item's media folder. */
  playlist: z.string(),
  segmentCount: z.number(),
  bytes: z.number(),
});
/** A rendition. */
export type Rendition = z.infer<typeof RenditionSchema>;

/** An item's catalog facts; the server path of its source stays private, its `source` facts do not. */
export const ItemSchema = z.object({
  id: z.string(),
  courseId: z.string(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  status: z.enum(ITEM_STATUSES),
  sourceBytes: z.number().nullable(),
  source: ItemSourceSchema.nullable(),
  durationSeconds: z.number().nullable(),
  posterFile: z.string().nullable(),
  /** Folder name of the published version; null until published. */
  mediaVersion: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** An item as the API gives it. */
export type Item = z.infer<typeof ItemSchema>;

/** A published video's public URLs: its HLS master playlist and its poster (null when none was made). */
export const PlaybackLinksSchema = z.object({ hls: z.string(), poster: z.string().nullable() });
/** A video's playback links. */
export type PlaybackLinks = z.infer<typeof PlaybackLinksSchema>;

/** `GET /api/items/:id` with the admin token: catalog facts, renditions, the latest job, playback links. */
export const ItemResponseSchema = z.object({
  item: ItemSchema,
  renditions: z.array(RenditionSchema),
  job: JobSchema.nullable(),
  playback: PlaybackLinksSchema.nullable(),
  content: ItemContentSchema.nullable(),
});
/** One item, as an admin sees it. */
export type ItemResponse = z.infer<typeof ItemResponseSchema>;

/**
 * An item as anyone may see it: what a player or a course page needs. Nothing about files, probes, jobs or
 * failures: `status` says that an item failed, never why (FFmpeg's message names server paths).
 */
export const PublicItemSchema = ItemSchema.pick({
  id: true,
  courseId: true,
  kind: true,
  title: true,
  status: true,
  durationSeconds: true,
  createdAt: true,
  updatedAt: true,
});
/** An item's public facts. */
export type PublicItem = z.infer<typeof PublicItemSchema>;

/** `GET /api/items/:id` without the admin token: the public facts, playback links and delivery once ready. */
export const PublicItemResponseSchema = z.object({
  item: PublicItemSchema,
  playback: PlaybackLinksSchema.nullable(),
  content: ItemContentSchema.nullable(),
});
/** One item, as a learner's page sees it. */
export type PublicItemResponse = z.infer<typeof PublicItemResponseSchema>;

/**
 * The reply schema of `GET /api/items/:id`, which answers by who asks. The two never match the same answer
 * (each names properties the other lacks, and neither admits others), so the serializer picks the right one.
 */
export const ItemOrPublicItemResponseSchema = z.union([ItemResponseSchema, PublicItemResponseSchema]);
/** Either answer of `GET /api/items/:id`. */
export type ItemOrPublicItemResponse = z.infer<typeof ItemOrPublicItemResponseSchema>;

/** `POST /api/courses/:id/uploads` (201): the new item, with its transcode job when it is a video. */
export const UploadResponseSchema = ItemResponseSchema;
/** An accepted upload. */
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

/** A module's published manifest (`__coursecast/manifest.json`): every asset the package delivers. */
export const ModuleManifestSchema = z.object({
  itemId: z.string(),
  version: z.string(),
  type: z.enum(PACKAGE_TYPES),
  title: z.string().nullable(),
  launch: z.string(),
  launchParameters: z.string().nullable(),
  assetCount: z.number(),
  totalBytes: z.number(),
  totalSizeKb: z.number(),
  assets: z.array(z.object({ path: z.string(), size: z.number(), contentType: z.string() })),
});
/** A module manifest. */
export type ModuleManifest = z.infer<typeof ModuleManifestSchema>;

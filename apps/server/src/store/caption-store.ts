import type { CaptionKind } from '@coursecast/media';

// The catalog store's caption tracks (its contract; duckdb-catalog-captions.ts implements it). A track's WebVTT is a
// file beside the item's source; the published ladder carries every track as a subtitles rendition, so changing a
// track publishes a new version of the ladder in the same transaction that changes the track's row.

/** Where a track came from: a file an instructor uploaded, or a subtitle stream of the source read out by FFmpeg. */
export type CaptionOrigin = 'upload' | 'embedded';

/** One caption or subtitle track of a lecture. */
export interface CaptionTrack {
  id: string;
  itemId: string;
  /** BCP 47, canonical (`en-US`, `pt-BR`, `zh-Hant`). */
  language: string;
  kind: CaptionKind;
  /** What a player's menu shows; unique among the item's tracks. */
  label: string;
  /** Shown with captions off (the foreign-language lines of a lecture): subtitles only. */
  forced: boolean;
  origin: CaptionOrigin;
  /** The source's subtitle stream it was read from (`embedded` only). */
  streamIndex: number | null;
  /** The normalized WebVTT, data-dir-relative; a replace writes a new file, so its name changes. */
  file: string;
  cueCount: number;
  bytes: number;
  createdAt: string;
  updatedAt: string;
}

/** What a caller supplies to create or replace a track (same id: replace). */
export type NewCaptionTrack = Omit<CaptionTrack, 'createdAt' | 'updatedAt'>;

/**
 * The item's published version moving with a caption change: from the version the change was built on to the one
 * that carries the tracks (and its poster). Null when the item has no published ladder yet (its transcode will carry
 * the tracks).
 */
export interface CaptionPublish {
  from: string;
  to: string;
  posterFile: string | null;
}

/** The catalog's captioned and uncaptioned lectures. */
export interface CaptionCoverage {
  captioned: number;
  uncaptioned: number;
  missing: { itemId: string; courseId: string; title: string }[];
}

/** Caption tracks of the catalog's items. */
export interface CaptionStore {
  /** The item's tracks, oldest first. */
  listCaptionTracks(itemId: string): Promise<CaptionTrack[]>;
  /**
   * One transaction: creates the track (or replaces the one with its id) and moves the item to `publish.to`.
   * StoreError 'not_found' when the item (or, replacing, the track) is missing; 'conflict' when another track of the
   * item has the label, or the item's version is no longer `publish.from` (republished meanwhile).
   */
  saveCaptionTrack(track: NewCaptionTrack, publish: CaptionPublish | null): Promise<CaptionTrack>;
  /** One transaction: removes the track and moves the item to `publish.to`; false when there was no such track. */
  deleteCaptionTrack(itemId: string, trackId: string, publish: CaptionPublish | null): Promise<boolean>;
  /** Moves the item to `publish.to` (its tracks unchanged); StoreError 'conflict' when it is no longer on `from`. */
  publishCaptions(itemId: string, publish: CaptionPublish): Promise<void>;
  /**
   * How many of the catalog's ready lectures have at least one track and how many have none, and the first `limit`
   * of those with none (oldest first: the longest waiting), as the studio's to-do list.
   */
  captionCoverage(limit: number): Promise<CaptionCoverage>;
}

import path from 'node:path';

/**
 * Where an item's files live under the data directory. Sources stay private (uploads/); what
 * learners may fetch lives under media/, which is the only tree the delivery routes serve.
 */
export interface MediaPaths {
  readonly dataDir: string;
  readonly mediaRoot: string;
  /** Unfinished resumable (tus) uploads: `<id>` (the bytes so far) and `<id>.json` (what was declared). */
  readonly resumableDir: string;
  /** Directory holding one item's uploaded source. */
  uploadDir(itemId: string): string;
  /** Directory holding one item's public renditions. */
  itemMediaDir(itemId: string): string;
  /**
   * One published version of an item's renditions (the HLS ladder, poster...). Versions are immutable
   * once published: a re-transcode publishes a new one, so a version's URLs can be cached forever.
   */
  versionDir(itemId: string, version: string): string;
  /** Where a job writes before publishing; a dot-dir so delivery never serves a half-written ladder. */
  stagingDir(itemId: string, jobId: string): string;
  /** Data-dir-relative path → absolute path. */
  resolve(relative: string): string;
  /** Absolute path → data-dir-relative path (what the store keeps, so the data dir can move). */
  relative(absolute: string): string;
}

/** Builds the layout for one data directory. */
export function createMediaPaths(dataDir: string): MediaPaths {
  const mediaRoot = path.join(dataDir, 'media');
  return {
    dataDir,
    mediaRoot,
    resumableDir: path.join(dataDir, 'resumable'),
    uploadDir: (itemId) => path.join(dataDir, 'uploads', itemId),
    itemMediaDir: (itemId) => path.join(mediaRoot, itemId),
    versionDir: (itemId, version) => path.join(mediaRoot, itemId, version),
    stagingDir: (itemId, jobId) => path.join(mediaRoot, itemId, `.staging-${jobId}`),
    resolve: (relative) => path.resolve(dataDir, relative),
    relative: (absolute) => path.relative(dataDir, absolute),
  };
}

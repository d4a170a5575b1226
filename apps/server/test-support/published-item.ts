import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newId } from '../src/store/index.js';
import type { MediaInfo } from '@coursecast/media';
import type { ItemKind } from '@coursecast/semconv';
import type { Coursecast } from '../src/main.js';

/** A catalog item with a published version made of the given files (no transcode needed). */
export interface PublishedItem {
  itemId: string;
  version: string;
  /** Absolute path of the version dir on disk. */
  dir: string;
  /** `/media/<item>/<version>/<file>` */
  mediaPath(file: string): string;
  /** `/origin/media/<item>/<version>/<file>` */
  originPath(file: string): string;
}

/**
 * Publishes `files` (relative path → content) as a ready item through the store, exactly as a finished
 * transcode leaves it: the version dir under media/, `mediaVersion` set, the job succeeded. `kind` picks the
 * delivery headers (an interactive item's files carry the package CSP).
 */
export async function publishItem(
  cc: Coursecast,
  files: Record<string, string | Buffer>,
  kind: ItemKind = 'video',
): Promise<PublishedItem> {
  const courseId = newId('crs');
  await cc.store.createCourse({ id: courseId, title: 'Fixture course', description: '' });
  const itemId = newId('itm');
  const version = newId('job');
  await cc.store.createItemWithJob(
    {
      id: itemId,
      courseId,
      kind,
      title: 'Fixture',
      sourceFile: null,
      sourceBytes: null,
      sourceInfo: null,
      durationSeconds: 8,
    },
    { id: version, itemId, maxAttempts: 1 },
  );
  const dir = cc.paths.versionDir(itemId, version);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await cc.store.completeTranscode(version, [], { status: 'ready', mediaVersion: version });
  return {
    itemId,
    version,
    dir,
    mediaPath: (file) => `/media/${itemId}/${version}/${file}`,
    originPath: (file) => `/origin/media/${itemId}/${version}/${file}`,
  };
}

/** Deterministic pseudo-random bytes (so a corrupted range can't accidentally match). */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * An item registered with a probed source (`sourceInfo`) but no file on disk: enough for playback
 * decisions and sessions whose media side is faked. `ready` also publishes an (empty) ladder version.
 */
export async function registerSource(
  cc: Coursecast,
  sourceInfo: MediaInfo,
  ready = false,
): Promise<{ itemId: string; jobId: string }> {
  const courseId = newId('crs');
  await cc.store.createCourse({ id: courseId, title: 'Fixture course', description: '' });
  const itemId = newId('itm');
  const jobId = newId('job');
  await cc.store.createItemWithJob(
    {
      id: itemId,
      courseId,
      kind: 'video',
      title: 'Fixture',
      sourceFile: `uploads/${itemId}/source.mkv`,
      sourceBytes: 1,
      sourceInfo,
      durationSeconds: sourceInfo.durationSeconds,
    },
    { id: jobId, itemId, maxAttempts: 1 },
  );
  if (ready) await cc.store.completeTranscode(jobId, [], { status: 'ready', mediaVersion: jobId });
  return { itemId, jobId };
}

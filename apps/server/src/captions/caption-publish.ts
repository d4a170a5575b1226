import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SubtitleRendition } from '@coursecast/media';
import type { MediaPaths } from '../catalog/media-paths.js';
import { publishDir } from '../store/durable-files.js';
import {
  isStoreError,
  newId,
  StoreError,
  type CaptionPublish,
  type CaptionTrack,
  type CatalogStore,
  type Item,
} from '../store/index.js';
import {
  isNewVersionFile,
  linkVersion,
  publishedTrackFiles,
  renditionOf,
  trackFiles,
  writeSubtitles,
} from './caption-version.js';
import { createItemQueue, type ItemQueue } from './item-queue.js';

/** What publishing a caption change needs. */
export interface CaptionPublisherDeps {
  store: CatalogStore;
  paths: MediaPaths;
  /** Called once a new version is live (the edges purge the item). */
  onPublished: (itemId: string) => void;
  /**
   * How long a superseded version's folder stays, so players still on it finish their lecture (its files are hard
   * links: keeping them costs no space); default an hour. The start-up sweep removes what a restart left.
   */
  retireMs?: number;
}

/** A superseded version's default grace period. */
const RETIRE_MS = 3_600_000;

/** Publishes an item's caption tracks into its ladder: a new version per change, the video untouched. */
export interface CaptionPublisher {
  /** Caption changes of one item take turns here (each reads the tracks, builds a version, commits). */
  readonly queue: ItemQueue;
  /** A track's normalized WebVTT. */
  readVtt(track: CaptionTrack): Promise<string>;
  /**
   * Builds the version that carries `tracks` and runs `write` (the store change that moves the item to it, or null
   * when the item has no ladder yet). Rebuilt once when a transcode published meanwhile.
   */
  republish<T>(
    itemId: string,
    tracks: readonly CaptionTrack[],
    write: (p: CaptionPublish | null) => Promise<T>,
  ): Promise<T>;
  /** Adds the item's tracks to a ladder a transcode staged (before it is published). */
  decorate(itemId: string, stagingDir: string): Promise<void>;
  /** After a transcode published: republishes when the live version does not carry the item's current tracks. */
  reconcile(itemId: string): Promise<void>;
  /** The item's tracks for a just-in-time session: each rendition (its URI the session's to set) and WebVTT. */
  sessionCaptions(itemId: string): Promise<{ id: string; rendition: SubtitleRendition; vtt: string }[]>;
}

/**
 * The ladder a video item's learners get, or null (not a video, not transcoded yet). A lecture being re-transcoded,
 * or whose re-transcode failed, still serves its last ladder: the tracks go into that one too.
 */
function ladderOf(item: Item | null): string | null {
  return item && item.kind === 'video' ? item.mediaVersion : null;
}

/** Builds the publisher. */
export function createCaptionPublisher(deps: CaptionPublisherDeps): CaptionPublisher {
  const { store, paths } = deps;
  const queue = createItemQueue();

  /** Removes a superseded version's folder once its grace period is over (a timer that keeps no process alive). */
  function retire(dir: string): void {
    const remove = (): void => void rm(dir, { recursive: true, force: true }).catch(() => undefined);
    const ms = deps.retireMs ?? RETIRE_MS;
    if (ms <= 0) return remove();
    setTimeout(remove, ms).unref();
  }
  const readVtt = (track: CaptionTrack): Promise<string> => readFile(paths.resolve(track.file), 'utf8');

  async function attempt<T>(
    itemId: string,
    tracks: readonly CaptionTrack[],
    write: (p: CaptionPublish | null) => Promise<T>,
  ): Promise<{ result: T; from: string | null; to: string | null } | 'moved'> {
    const item = await store.getItem(itemId);
    const from = ladderOf(item);
    if (!item || !from) return { result: await write(null), from: null, to: null };
    const to = newId('ver');
    const staging = paths.stagingDir(itemId, to);
    const live = paths.versionDir(itemId, to);
    try {
      await linkVersion(paths.versionDir(itemId, from), staging);
      await writeSubtitles(staging, tracks, readVtt);
      await publishDir(staging, live, (file) => isNewVersionFile(staging, file));
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    const posterFile = item.posterFile
      ? paths.relative(path.join(live, path.basename(item.posterFile)))
      : null;
    try {
      return { result: await write({ from, to, posterFile }), from, to };
    } catch (err) {
      await rm(live, { recursive: true, force: true });
      // A transcode published between our read and our commit: the caller builds again on its version.
      if (isStoreError(err, 'conflict') && ladderOf(await store.getItem(itemId)) !== from) return 'moved';
      throw err;
    }
  }

  async function republish<T>(
    itemId: string,
    tracks: readonly CaptionTrack[],
    write: (p: CaptionPublish | null) => Promise<T>,
  ): Promise<T> {
    let outcome = await attempt(itemId, tracks, write);
    if (outcome === 'moved') outcome = await attempt(itemId, tracks, write);
    if (outcome === 'moved') throw new StoreError('conflict', `item ${itemId} keeps being republished`);
    if (outcome.from && outcome.to) {
      retire(paths.versionDir(itemId, outcome.from));
      deps.onPublished(itemId);
    }
    return outcome.result;
  }

  return {
    queue,
    readVtt,
    republish,
    async decorate(itemId, stagingDir) {
      const tracks = await store.listCaptionTracks(itemId);
      if (tracks.length > 0) await writeSubtitles(stagingDir, tracks, readVtt);
    },
    reconcile: (itemId) =>
      queue.run(itemId, async () => {
        const item = await store.getItem(itemId);
        const version = ladderOf(item);
        if (!version) return;
        const tracks = await store.listCaptionTracks(itemId);
        const live = await publishedTrackFiles(paths.versionDir(itemId, version));
        if (JSON.stringify(live) === JSON.stringify(trackFiles(tracks))) return;
        await republish(itemId, tracks, async (p) => {
          if (p) await store.publishCaptions(itemId, p);
        });
      }),
    async sessionCaptions(itemId) {
      const tracks = await store.listCaptionTracks(itemId);
      return Promise.all(
        tracks.map(async (t) => ({ id: t.id, rendition: renditionOf(t), vtt: await readVtt(t) })),
      );
    },
  };
}

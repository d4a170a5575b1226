import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Counter } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import { ATTR_ORPHAN_KIND, ORPHAN_KINDS, type OrphanKind } from '@coursecast/semconv';
import type { CatalogStore, Item } from '../store/index.js';
import { CAPTIONS_FILE_DIR } from './caption-urls.js';
import type { MediaPaths } from './media-paths.js';

/** One file or folder the sweep removed. */
export interface Orphan {
  /** Data-dir-relative. */
  path: string;
  kind: OrphanKind;
}

export interface SweepDeps {
  store: CatalogStore;
  paths: MediaPaths;
  /** Files other stages keep beside an item's source (the keyframe index): never orphans. */
  sidecars: readonly string[];
}

/** What the start-up sweep did: what it removed, or why it removed nothing. */
export interface SweepReport {
  removed: Orphan[];
  /** Set when the sweep refused to run (the catalog looks like the wrong one). */
  refused: string | null;
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

async function everyItem(store: CatalogStore): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  for (const course of await store.listCourses()) {
    for (const item of await store.listItems(course.id)) items.set(item.id, item);
  }
  return items;
}

/** What in `uploads/<item>` and `media/<item>` the item does not point at. */
async function strayInside(item: Item, deps: SweepDeps): Promise<Orphan[]> {
  const { paths } = deps;
  const found: Orphan[] = [];
  const rel = (...parts: string[]): string => path.join(...parts);
  // An item without a source keeps whatever its folder holds: nothing proves it unused.
  if (item.sourceFile) {
    const keep = path.basename(item.sourceFile);
    for (const name of await names(paths.uploadDir(item.id))) {
      if (name !== keep && name !== CAPTIONS_FILE_DIR && !deps.sidecars.includes(name))
        found.push({ path: rel('uploads', item.id, name), kind: ORPHAN_KINDS.partial });
    }
  }
  // Caption files no track names: a replaced track's old file, a write cut short before its row committed.
  const tracks = new Set((await deps.store.listCaptionTracks(item.id)).map((t) => path.basename(t.file)));
  for (const name of await names(path.join(paths.uploadDir(item.id), CAPTIONS_FILE_DIR))) {
    if (!tracks.has(name))
      found.push({ path: rel('uploads', item.id, CAPTIONS_FILE_DIR, name), kind: ORPHAN_KINDS.partial });
  }
  for (const name of await names(paths.itemMediaDir(item.id))) {
    if (name === item.mediaVersion) continue;
    const kind = name.startsWith('.staging-') ? ORPHAN_KINDS.staging : ORPHAN_KINDS.version;
    found.push({ path: rel('media', item.id, name), kind });
  }
  return found;
}

/**
 * Removes what no catalog row points at: the folders of items that are not in the catalog (deleted, or never
 * committed), staging folders of interrupted attempts, versions an item no longer serves, half-received upload
 * files. Runs at start-up, before any job or upload can be writing. When the catalog holds no item at all while
 * the data directory holds item folders, it removes nothing and says why: a store opened on the wrong data
 * directory, or restored empty, must not cost the media.
 */
export async function sweepOrphans(deps: SweepDeps): Promise<SweepReport> {
  const { store, paths } = deps;
  const items = await everyItem(store);
  const uploads = await names(path.join(paths.dataDir, 'uploads'));
  const media = await names(paths.mediaRoot);
  if (items.size === 0 && uploads.length + media.length > 0) {
    return {
      removed: [],
      refused:
        `the catalog has no items, but the data directory holds ${uploads.length + media.length} item folder(s): ` +
        'nothing was removed (is this the right store for this data directory?)',
    };
  }
  const removed: Orphan[] = [];
  for (const [root, list] of [['uploads', uploads] as const, ['media', media] as const]) {
    for (const name of list) {
      if (!items.has(name)) removed.push({ path: path.join(root, name), kind: ORPHAN_KINDS.item });
    }
  }
  for (const item of items.values()) removed.push(...(await strayInside(item, deps)));
  for (const orphan of removed) await rm(paths.resolve(orphan.path), { recursive: true, force: true });
  return { removed, refused: null };
}

/** Runs the sweep at start-up: each removal logged, counted by kind; a refusal logged as a warning. */
export async function sweepAtStartup(
  deps: SweepDeps,
  log: FastifyBaseLogger,
  removed: Counter,
): Promise<SweepReport> {
  const report = await sweepOrphans(deps);
  if (report.refused) log.warn(report.refused);
  for (const orphan of report.removed) {
    log.info({ path: orphan.path, kind: orphan.kind }, `removed ${orphan.path}: no catalog row points at it`);
    removed.add(1, { [ATTR_ORPHAN_KIND]: orphan.kind });
  }
  if (report.removed.length > 0) log.info(`the start-up sweep removed ${report.removed.length} orphan(s)`);
  return report;
}

import { open, readdir, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Flushes one file's (or directory's) data and metadata to the disk. A directory is synced so that the names
 * created, renamed or removed in it survive a power loss, not only the bytes of the files they name.
 */
export async function syncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a file, then the directory that names it (what a freshly created or renamed file needs). */
export async function syncFileAndDir(file: string): Promise<void> {
  await syncPath(file);
  await syncPath(path.dirname(file));
}

/**
 * Syncs every file (those `syncFile` keeps) and directory under `root`, deepest first, then `root` itself: a published ladder or an
 * unpacked package is on the disk before the row that points at it commits. Files are synced a few at a time
 * so a 2,000-file package does not queue 2,000 flushes on the thread pool at once.
 */
export async function syncTree(
  root: string,
  syncFile: (file: string) => boolean = () => true,
): Promise<number> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter(syncFile);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name))
    .sort((a, b) => b.length - a.length);
  const PARALLEL = 8;
  for (let i = 0; i < files.length; i += PARALLEL) {
    await Promise.all(files.slice(i, i + PARALLEL).map(syncPath));
  }
  for (const dir of dirs) await syncPath(dir);
  await syncPath(root);
  return files.length;
}

/**
 * Moves a received file to where it is kept, durably: the file, the folder that now names it and that folder's
 * parent (which names a folder created for it) are on the disk before the caller commits a row pointing there.
 */
export async function keepFile(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncPath(to);
  await syncPath(path.dirname(to));
  await syncPath(path.dirname(path.dirname(to)));
}

/**
 * Publishes a staged folder (a ladder, a package, a document's version) durably: everything in it is synced, it
 * is renamed into place, then the folders naming it are synced, all before the row that points at it commits.
 * `syncFile` may leave out files already on the disk (hard links to a published version's: their folders' sync
 * makes the new names durable).
 */
export async function publishDir(
  staging: string,
  live: string,
  syncFile: (file: string) => boolean = () => true,
): Promise<void> {
  await syncTree(staging, syncFile);
  await rename(staging, live);
  await syncPath(path.dirname(live));
  await syncPath(path.dirname(path.dirname(live)));
}

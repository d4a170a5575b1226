import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.js';

/** An opened regular file inside the content root. The caller owns `handle`. */
export interface OpenedFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * Opens `segments` under `root`, refusing anything whose real path (symlinks resolved) leaves the root:
 * a symlink planted in a version dir cannot expose the database or /etc. Missing files and directories
 * are 404s.
 */
export async function openContentFile(root: string, segments: readonly string[]): Promise<OpenedFile> {
  const realRoot = await realpath(root).catch(() => {
    throw new AppError('object_not_found');
  });
  const candidate = path.join(root, ...segments);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new AppError('object_not_found', `No such object: ${segments.join('/')}`);
  }
  if (!real.startsWith(realRoot + path.sep)) {
    throw new AppError('forbidden_path', 'the path resolves outside the content directory');
  }
  const handle = await open(real, 'r').catch(() => {
    throw new AppError('object_not_found', `No such object: ${segments.join('/')}`);
  });
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new AppError('object_not_found', `No such object: ${segments.join('/')}`);
    return { handle, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

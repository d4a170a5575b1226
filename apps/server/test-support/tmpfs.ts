import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small tmpfs of its own: a real volume that fills up, for full-disk tests (needs root, as CI runs). */
export interface Tmpfs {
  readonly dir: string;
  /** Changes its size (a bigger one is space coming back). */
  resize(bytes: number): void;
  /** Unmounts it and removes the mount point; safe to call twice. */
  unmount(): void;
}

/** Mounts a tmpfs of `bytes` on a new temp directory. */
export function mountTmpfs(bytes: number): Tmpfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    // Never skipped: a full-disk test that cannot run fails, saying what it needs.
    throw new Error(
      `full-disk tests mount a small tmpfs, which needs root on Linux (as CI runs): ${String(err)}`,
      { cause: err },
    );
  }
  let mounted = true;
  return {
    dir,
    resize(size) {
      execFileSync('mount', ['-o', `remount,size=${size}`, dir], { stdio: 'pipe' });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a file a failed test left open must not keep the mount (and the next run's temp dirs) around.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

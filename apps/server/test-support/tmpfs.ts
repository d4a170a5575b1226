import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small tmpfs of its own: a real volume that fills up, for full-disk tests (needs root or sudo -n). */
export interface Tmpfs {
  readonly dir: string;
  /** Changes its size (a bigger one is space coming back). */
  resize(bytes: number): void;
  /** Unmounts it and removes the mount point; safe to call twice. */
  unmount(): void;
}

/** Runs mount/umount as root: directly when this process is root, else through `sudo -n` (no password). */
function asRoot(command: string, args: string[]): void {
  if (process.getuid?.() === 0) execFileSync(command, args, { stdio: 'pipe' });
  else execFileSync('sudo', ['-n', command, ...args], { stdio: 'pipe' });
}

/** Mounts a tmpfs of `bytes` on a new temp directory. */
export function mountTmpfs(bytes: number): Tmpfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-tmpfs-'));
  try {
    asRoot('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
    // The tests' files are written by this process, whoever it is.
    if (process.getuid?.() !== 0) asRoot('chown', [`${process.getuid?.()}:${process.getgid?.()}`, dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    // Never skipped: a full-disk test that cannot run fails, saying what it needs.
    throw new Error(
      `full-disk tests mount a small tmpfs, which needs root (or password-less sudo) on Linux: ${String(err)}`,
      { cause: err },
    );
  }
  let mounted = true;
  return {
    dir,
    resize(size) {
      asRoot('mount', ['-o', `remount,size=${size}`, dir]);
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a file a failed test left open must not keep the mount (and the next run's temp dirs) around.
      asRoot('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

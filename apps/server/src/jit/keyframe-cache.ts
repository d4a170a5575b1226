import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A keyframe probe's result, kept beside the upload it describes. */
interface CachedKeyframes {
  size: number;
  mtimeMs: number;
  times: number[];
}

/** The sidecar of an upload's keyframe times (removed with the item's upload directory). */
export const KEYFRAMES_FILE = 'keyframes.json';

/**
 * Keyframe times of `source`, from its sidecar in `dir` when the source is unchanged (same size and mtime),
 * else from `probe` (a cold probe reads the whole file: ~0.5 s per 700 MB), then written for the next start.
 * A sidecar that cannot be read or written only costs a probe.
 */
export async function cachedKeyframes(
  dir: string,
  source: string,
  probe: () => Promise<number[]>,
): Promise<number[]> {
  const file = path.join(dir, KEYFRAMES_FILE);
  const st = await stat(source);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as CachedKeyframes;
    if (
      cached.size === st.size &&
      cached.mtimeMs === st.mtimeMs &&
      Array.isArray(cached.times) &&
      cached.times.every((t) => typeof t === 'number' && Number.isFinite(t))
    ) {
      return cached.times;
    }
  } catch {
    // No sidecar yet, or a broken one: probe below.
  }
  const times = await probe();
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(
      tmp,
      JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, times } satisfies CachedKeyframes),
    );
    await rename(tmp, file);
  } catch {
    // Read-only or full disk: the probe's result is still good for this process.
  }
  return times;
}

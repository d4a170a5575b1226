import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyframeIndex } from '@coursecast/media';

/** A keyframe probe's result, kept beside the upload it describes. */
interface CachedKeyframes extends KeyframeIndex {
  size: number;
  mtimeMs: number;
}

const numbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((t) => typeof t === 'number' && Number.isFinite(t));

/** The sidecar of an upload's keyframe times (removed with the item's upload directory). */
export const KEYFRAMES_FILE = 'keyframes.json';

/**
 * Keyframes of `source` (times and the bytes each opens), from its sidecar in `dir` when the source is unchanged (same size and mtime),
 * else from `probe` (a cold probe reads the whole file: ~0.5 s per 700 MB), then written for the next start.
 * A sidecar that cannot be read or written only costs a probe.
 */
export async function cachedKeyframes(
  dir: string,
  source: string,
  probe: () => Promise<KeyframeIndex>,
): Promise<KeyframeIndex> {
  const file = path.join(dir, KEYFRAMES_FILE);
  const st = await stat(source);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as CachedKeyframes;
    // A sidecar of an older release has no bytes: probed again.
    if (
      cached.size === st.size &&
      cached.mtimeMs === st.mtimeMs &&
      numbers(cached.times) &&
      numbers(cached.bytes) &&
      cached.bytes.length === cached.times.length
    ) {
      return { times: cached.times, bytes: cached.bytes };
    }
  } catch {
    // No sidecar yet, or a broken one: probe below.
  }
  const index = await probe();
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(
      tmp,
      JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, ...index } satisfies CachedKeyframes),
    );
    await rename(tmp, file);
  } catch {
    // Read-only or full disk: the probe's result is still good for this process.
  }
  return index;
}

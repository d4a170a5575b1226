import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cachedKeyframes, KEYFRAMES_FILE } from './keyframe-cache.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cc-keyframes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('probes once, answers from the sidecar while the source is unchanged, and probes again when it changes or the sidecar is old', async () => {
  const source = path.join(dir, 'lecture.mkv');
  await writeFile(source, 'not really media');
  let probes = 0;
  const probe = async () => {
    probes++;
    return { times: [0, 8.341, 16.683], bytes: [9000, 4000, 5000] };
  };
  const index = { times: [0, 8.341, 16.683], bytes: [9000, 4000, 5000] };
  expect(await cachedKeyframes(dir, source, probe)).toEqual(index);
  expect(await cachedKeyframes(dir, source, probe)).toEqual(index);
  expect(probes).toBe(1);
  // A replaced source (another mtime) is probed again.
  await utimes(source, new Date(), new Date(Date.now() + 5000));
  await cachedKeyframes(dir, source, probe);
  expect(probes).toBe(2);
  // A broken sidecar costs a probe, never an error.
  await writeFile(path.join(dir, KEYFRAMES_FILE), '{"size": "garbage');
  expect((await cachedKeyframes(dir, source, probe)).times).toHaveLength(3);
  expect(probes).toBe(3);
  expect(JSON.parse(await readFile(path.join(dir, KEYFRAMES_FILE), 'utf8'))).toMatchObject(index);
  // A sidecar written before segments' bytes were kept (times only) is probed again.
  const { size, mtimeMs } = JSON.parse(await readFile(path.join(dir, KEYFRAMES_FILE), 'utf8')) as {
    size: number;
    mtimeMs: number;
  };
  await writeFile(path.join(dir, KEYFRAMES_FILE), JSON.stringify({ size, mtimeMs, times: index.times }));
  expect(await cachedKeyframes(dir, source, probe)).toEqual(index);
  expect(probes).toBe(4);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cachedKeyframes, KEYFRAMES_FILE } from './keyframe-cache.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cc-keyframes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('probes once, answers from the sidecar while the source is unchanged, and probes again when it changes', async () => {
  const source = path.join(dir, 'lecture.mkv');
  await writeFile(source, 'not really media');
  let probes = 0;
  const probe = async () => {
    probes++;
    return [0, 8.341, 16.683];
  };
  expect(await cachedKeyframes(dir, source, probe)).toEqual([0, 8.341, 16.683]);
  expect(await cachedKeyframes(dir, source, probe)).toEqual([0, 8.341, 16.683]);
  expect(probes).toBe(1);
  // A replaced source (another mtime) is probed again.
  await utimes(source, new Date(), new Date(Date.now() + 5000));
  await cachedKeyframes(dir, source, probe);
  expect(probes).toBe(2);
  // A broken sidecar costs a probe, never an error.
  await writeFile(path.join(dir, KEYFRAMES_FILE), '{"size": "garbage');
  expect(await cachedKeyframes(dir, source, probe)).toHaveLength(3);
  expect(probes).toBe(3);
  expect(JSON.parse(await readFile(path.join(dir, KEYFRAMES_FILE), 'utf8'))).toMatchObject({
    times: [0, 8.341, 16.683],
  });
});

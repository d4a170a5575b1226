import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildJitArgs } from './jit-args.js';
import { keyframeGrid, segmentGrid, type SegmentGrid } from './segment-grid.js';
import { parseSegmentList, SegmentPublisher, type PublishedSegment } from './segment-publisher.js';

describe('parseSegmentList', () => {
  it('reads complete lines and leaves a partial last line for later', () => {
    expect(parseSegmentList('.jit-a-00000.ts,0.000000,2.000000\n.jit-a-00001.ts,2.000000,4.0')).toEqual([
      { file: '.jit-a-00000.ts', start: 0, end: 2 },
    ]);
    expect(parseSegmentList('')).toEqual([]);
  });
});

describe('SegmentPublisher', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-jit-pub-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function setup(grid: SegmentGrid, startIndex: number, copy = false) {
    const plan = buildJitArgs({
      source: '/in.mkv',
      outDir: dir,
      grid,
      startIndex,
      video: copy
        ? { mode: 'copy' }
        : { mode: 'encode', height: 360, bitrate: 1e6, preset: 'ultrafast', codec: 'h264' },
      audio: { mode: 'none' },
      token: 't',
    });
    const published: PublishedSegment[] = [];
    const faults: string[] = [];
    const spawnedAt = performance.now() - 50;
    const publisher = new SegmentPublisher({
      outDir: dir,
      plan,
      grid,
      startIndex,
      spawnedAt: () => spawnedAt,
      onPublish: (s) => published.push(s),
      onFault: (m) => faults.push(m),
    });
    const part = (n: number, bytes = 188): Promise<void> =>
      writeFile(path.join(dir, `.jit-t-${String(n).padStart(5, '0')}.ts`), Buffer.alloc(bytes));
    const list = (lines: string[]): Promise<void> =>
      writeFile(plan.listFile, lines.map((l) => `${l}\n`).join(''));
    const rawList = (text: string): Promise<void> => writeFile(plan.listFile, text);
    return { publisher, published, faults, part, list, rawList };
  }

  it('publishes a listed segment once the next one is open, the last one on a clean exit', async () => {
    const { publisher, published, faults, part, list } = setup(segmentGrid(6, 2), 0);
    await part(0, 376);
    await list(['.jit-t-00000.ts,0.000000,2.000000']);
    await publisher.scan();
    // FFmpeg's trailer lists the segment it was writing when stopped: listed is not enough.
    expect(published).toEqual([]);

    await part(1);
    await publisher.scan();
    expect(published.map((s) => [s.index, s.bytes, path.basename(s.file)])).toEqual([
      [0, 376, 'seg_00000.ts'],
    ]);
    expect(published[0]!.generationMs).toBeGreaterThanOrEqual(50);

    await part(2);
    await list([
      '.jit-t-00000.ts,0.000000,2.000000',
      '.jit-t-00001.ts,2.000000,4.000000',
      '.jit-t-00002.ts,4.000000,6.000000',
    ]);
    await publisher.scan();
    expect(published.map((s) => s.index)).toEqual([0, 1]);
    await publisher.scan(true);
    expect(published.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(publisher.position()).toBe(2);
    expect(faults).toEqual([]);
    await publisher.cleanup();
    expect((await readdir(dir)).sort()).toEqual(['seg_00000.ts', 'seg_00001.ts', 'seg_00002.ts']);
  });

  it('discards the pre-roll of a copy run and checks it ended at the wanted keyframe', async () => {
    const grid = keyframeGrid([0, 3, 6, 9], 12, 2);
    const ok = setup(grid, 2, true);
    await Promise.all([ok.part(1), ok.part(2), ok.part(3)]);
    await ok.list(['.jit-t-00001.ts,0.000000,6.000000', '.jit-t-00002.ts,6.000000,9.000000']);
    await ok.publisher.scan();
    expect(ok.published.map((s) => s.index)).toEqual([2]);
    expect(await readdir(dir)).not.toContain('.jit-t-00001.ts');
    await ok.publisher.cleanup();

    await rm(path.join(dir, 'seg_00002.ts'));
    const late = setup(grid, 2, true);
    await Promise.all([late.part(1), late.part(2)]);
    await late.list(['.jit-t-00001.ts,0.000000,9.000000']);
    await late.publisher.scan();
    expect(late.published).toEqual([]);
    expect(late.faults).toEqual([expect.stringMatching(/landed past its keyframe/)]);
  });

  it('reports a segment that does not start in its grid range', async () => {
    const { publisher, published, faults, part, list } = setup(segmentGrid(8, 2), 0);
    await Promise.all([part(0), part(1), part(2)]);
    await list(['.jit-t-00000.ts,0.000000,2.000000', '.jit-t-00001.ts,4.000000,6.000000']);
    await publisher.scan();
    expect(published.map((s) => s.index)).toEqual([0]);
    expect(faults).toEqual([expect.stringMatching(/segment 1 starts at 4 s, outside its grid range 2 s/)]);
  });

  it('concludes a clean-exit scan asked for while other passes are under way', async () => {
    const { publisher, published, faults, part, list, rawList } = setup(segmentGrid(6, 2), 0);
    await Promise.all([part(0), part(1), part(2)]);
    // FFmpeg is still writing the list: its last line has no newline yet.
    await rawList('.jit-t-00000.ts,0.000000,2.000000\n.jit-t-00001.ts,2.000000,4.0');
    // Watch events and progress keep asking for passes around the exit.
    const early = publisher.scan();
    const clean = publisher.scan(true);
    void publisher.scan();
    const late = publisher.scan();
    // The list is only complete after the exit was reported.
    await list([
      '.jit-t-00000.ts,0.000000,2.000000',
      '.jit-t-00001.ts,2.000000,4.000000',
      '.jit-t-00002.ts,4.000000,6.000000',
    ]);
    void publisher.scan();
    const settled = await Promise.race([
      Promise.all([early, clean, late]).then(() => 'settled'),
      new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 2_000)),
    ]);
    expect(settled).toBe('settled');
    await publisher.scan(true);
    expect(published.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(faults).toEqual([]);
    await publisher.cleanup();
  });

  it('publishes nothing once closed', async () => {
    const { publisher, published, part, list } = setup(segmentGrid(4, 2), 0);
    await Promise.all([part(0), part(1)]);
    await list(['.jit-t-00000.ts,0.000000,2.000000']);
    publisher.close();
    await publisher.scan(true);
    expect(published).toEqual([]);
    expect(publisher.position()).toBe(-1);
  });
});

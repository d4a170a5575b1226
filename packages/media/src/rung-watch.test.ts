import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RungWatcher } from './rung-watch.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-watch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI="init_720p.mp4"\n';

describe('RungWatcher', () => {
  it('follows a variant from nothing to its end list, from the files alone', async () => {
    const v = path.join(dir, '720p');
    await mkdir(v);
    const watcher = new RungWatcher(dir, ['720p', 'audio']);

    const first = await watcher.scan();
    expect(first[0]).toMatchObject({ name: '720p', segments: [], ended: false, bytes: 0 });
    expect(first[1]).toMatchObject({ name: 'audio', segments: [] });

    await writeFile(path.join(v, 'seg_00000.m4s'), Buffer.alloc(1000));
    await writeFile(path.join(v, 'index.m3u8'), `${HEAD}#EXTINF:4.000000,\nseg_00000.m4s\n`);
    let [rung] = await watcher.scan();
    expect(rung).toMatchObject({
      segments: [{ uri: 'seg_00000.m4s', duration: 4, bytes: 1000 }],
      mediaSeconds: 4,
    });
    expect(rung!.ended).toBe(false);

    await writeFile(path.join(v, 'seg_00001.m4s'), Buffer.alloc(500));
    await writeFile(
      path.join(v, 'index.m3u8'),
      `${HEAD}#EXTINF:4.000000,\nseg_00000.m4s\n#EXTINF:1.500000,\nseg_00001.m4s\n#EXT-X-ENDLIST\n`,
    );
    [rung] = await watcher.scan();
    expect(rung).toMatchObject({ mediaSeconds: 5.5, bytes: 1500, ended: true, mapUri: 'init_720p.mp4' });
    expect(rung!.endedAt).toBe((await stat(path.join(v, 'index.m3u8'))).mtimeMs);
    expect(watcher.latest()[0]).toBe(rung);
  });

  it('shares one pass between concurrent scans', () => {
    const watcher = new RungWatcher(dir, ['none']);
    expect(watcher.scan()).toBe(watcher.scan());
  });
});

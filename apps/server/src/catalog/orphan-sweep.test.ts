import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer } from '../../test-support/test-server.js';

// What a crash or a delete leaves on the data volume, removed at the next start, and what must survive it.

async function leave(file: string, content = 'x'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

describe('the start-up sweep', () => {
  it('removes what no row points at, keeps what rows do, and counts each kind', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-sweep-'));
    const first = await startTestServer({}, { startQueue: false }, dataDir);
    const courseId = await createCourse(first);
    const { item } = await uploadLecture(
      first,
      courseId,
      await testClip({ seconds: 2, width: 320, height: 240 }),
    );
    const caption = await first.cc.app.inject({
      method: 'POST',
      url: `/api/items/${item.id}/captions?language=en`,
      headers: { ...first.auth, 'content-type': 'text/vtt' },
      payload: 'WEBVTT\n\n00:00.500 --> 00:01.000\nHello\n',
    });
    expect(caption.statusCode).toBe(201);
    const trackFile = path.basename(new URL(caption.json<{ track: { url: string } }>().track.url).pathname);
    await first.cc.close();

    const d = (...p: string[]): string => path.join(dataDir, ...p);
    await leave(d('uploads', item.id, 'upload.part'));
    await leave(d('uploads', item.id, 'keyframes.json'), '{}');
    await leave(d('uploads', item.id, 'captions', 'cap_gone-0badf00d.vtt'));
    await leave(d('media', item.id, '.staging-job_old-a1', 'v0', 'seg_0.m4s'));
    await leave(d('media', item.id, 'ver_stale', 'master.m3u8'));
    await leave(d('uploads', 'itm_ghost', 'source.mp4'));
    await leave(d('media', 'itm_ghost', 'ver_1', 'master.m3u8'));

    const second = await startTestServer({}, { startQueue: false }, dataDir);
    try {
      expect((await readdir(d('uploads', item.id))).sort()).toEqual([
        'captions',
        'keyframes.json',
        'source.mp4',
      ]);
      expect(await readdir(d('uploads', item.id, 'captions'))).toEqual([trackFile]);
      expect(await readdir(d('media', item.id))).toEqual([]);
      expect(existsSync(d('uploads', 'itm_ghost'))).toBe(false);
      expect(existsSync(d('media', 'itm_ghost'))).toBe(false);
      const metrics = (await second.cc.app.inject({ url: '/metrics' })).body;
      const count = (kind: string): number =>
        Number(
          new RegExp(
            `coursecast_storage_orphans_removed_total\\{[^}]*orphan_kind="${kind}"[^}]*\\} (\\d+)`,
          ).exec(metrics)?.[1],
        );
      expect({
        item: count('item'),
        staging: count('staging'),
        version: count('version'),
        partial: count('partial'),
      }).toEqual({
        item: 2,
        staging: 1,
        version: 1,
        partial: 2,
      });
    } finally {
      await second.close();
    }
  });

  it('removes nothing when the catalog is empty but the data directory holds item folders', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-sweep-'));
    await leave(path.join(dataDir, 'media', 'itm_1', 'ver_1', 'master.m3u8'));
    await leave(path.join(dataDir, 'uploads', 'itm_1', 'source.mp4'));
    const t = await startTestServer({}, { startQueue: false }, dataDir);
    try {
      expect(existsSync(path.join(dataDir, 'media', 'itm_1', 'ver_1', 'master.m3u8'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'uploads', 'itm_1', 'source.mp4'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

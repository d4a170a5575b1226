import { existsSync } from 'node:fs';
import path from 'node:path';
import HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';
import { createCaptionPublisher } from './caption-publish.js';
import { publishedTrackFiles } from './caption-version.js';

// Tracks of a lecture that has no ladder yet: a just-in-time session carries them (cut on its own grid, on its
// MPEG-TS timeline), the transcode that follows publishes its ladder with them, and a track that changed while the
// ladder was encoding reaches the ladder afterwards.

let t: TestServer;
let itemId = '';
let jobId = '';
const VTT = 'WEBVTT\n\n00:00.500 --> 00:01.500\nFirst words\n\n00:05.000 --> 00:06.000\nLater words\n';

const get = (url: string) => t.cc.app.inject({ url });

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  t = await startTestServer({}, { startQueue: false });
  const courseId = await createCourse(t);
  const up = await uploadLecture(t, courseId, await testClip({ seconds: 8, width: 320, height: 240 }));
  itemId = up.item.id;
  jobId = up.job.id;
}, 60_000);
afterAll(() => t.close());

describe('caption tracks before and after the ladder', () => {
  it('a just-in-time session lists the track, cut on its segments and stamped with its MPEG-TS start', async () => {
    const res = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${itemId}/captions?language=en&kind=captions`,
      headers: { ...t.auth, 'content-type': 'text/vtt' },
      payload: VTT,
    });
    expect(res.statusCode).toBe(201);
    const trackId = res.json<{ track: { id: string } }>().track.id;
    // No ladder yet: the item's version did not move.
    expect((await t.cc.store.getItem(itemId))!.mediaVersion).toBeNull();

    const plan = await get(`/api/items/${itemId}/playback?containers=webm&viewer=v1`);
    const body = plan.json<{
      plan: { mode: string };
      url: string;
      captions: { id: string; url: string }[];
    }>();
    expect(body.plan.mode).toBe('remux');
    expect(body.captions.map((c) => c.id)).toEqual([trackId]);
    const masterPath = new URL(body.url).pathname;
    const master = HLS.parse((await get(masterPath)).body) as HLS.types.MasterPlaylist;
    const subs = master.variants[0]!.subtitles;
    expect(subs.map((s) => [s.language, s.uri])).toEqual([['en', `subs/${trackId}/index.m3u8`]]);
    const base = path.posix.dirname(masterPath);
    const subsPlaylist = HLS.parse((await get(`${base}/${subs[0]!.uri}`)).body) as HLS.types.MediaPlaylist;
    const media = HLS.parse((await get(`${base}/index.m3u8`)).body) as HLS.types.MediaPlaylist;
    expect(subsPlaylist.segments.map((s) => s.duration)).toEqual(media.segments.map((s) => s.duration));
    const last = subsPlaylist.segments[subsPlaylist.segments.length - 1]!;
    const segment = await get(`${base}/subs/${trackId}/${last.uri}`);
    expect(segment.statusCode).toBe(200);
    expect(segment.body).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n/);
    expect(segment.body).toContain('Later words');
    expect((await get(`${base}/subs/${trackId}/sub_00099.vtt`)).statusCode).toBe(404);
  });

  it('the transcode publishes its ladder with the track, and a track added meanwhile is published after it', async () => {
    await t.cc.queue.start();
    expect((await waitForJob(t.cc.store, jobId)).state).toBe('succeeded');
    const item = (await t.cc.store.getItem(itemId))!;
    const versionDir = t.cc.paths.versionDir(itemId, item.mediaVersion!);
    const tracks = await t.cc.store.listCaptionTracks(itemId);
    expect(await publishedTrackFiles(versionDir)).toEqual(tracks.map((x) => path.basename(x.file)));
    const master = (await get(`/media/${itemId}/${item.mediaVersion}/master.m3u8`)).body;
    expect(master).toContain('TYPE=SUBTITLES');

    // A track committed without a publish (a change that raced the transcode's commit) is out of the ladder...
    await t.cc.store.saveCaptionTrack({ ...tracks[0]!, id: 'cap_raced', label: 'Raced' }, null);
    const purged: string[] = [];
    const publisher = createCaptionPublisher({
      store: t.cc.store,
      paths: t.cc.paths,
      onPublished: (id) => {
        purged.push(id);
        t.cc.edge?.purgeItem(id);
      },
      retireMs: 0,
    });
    // ...until the check after each transcode publishes a version with it.
    await publisher.reconcile(itemId);
    const after = (await t.cc.store.getItem(itemId))!.mediaVersion!;
    expect(after).not.toBe(item.mediaVersion);
    expect(purged).toEqual([itemId]);
    const names = (
      HLS.parse((await get(`/media/${itemId}/${after}/master.m3u8`)).body) as HLS.types.MasterPlaylist
    ).variants[0]!.subtitles.map((s) => s.name);
    expect(names).toEqual(['English (CC)', 'Raced']);
    // The superseded version goes once its grace period (none here) is over, and is no longer served.
    await expect.poll(() => existsSync(versionDir), { timeout: 5000 }).toBe(false);
    expect((await get(`/media/${itemId}/${item.mediaVersion}/master.m3u8`)).statusCode).toBe(404);
    // Current already: nothing more is published.
    await publisher.reconcile(itemId);
    expect((await t.cc.store.getItem(itemId))!.mediaVersion).toBe(after);
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../../test-support/api-calls.js';
import { FFMPEG, testClip } from '../../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { waitForJob } from '../../../test-support/wait.js';

const run = promisify(execFile);

let t: TestServer;
let base: string;
let itemId: string;

async function playbackUrl(): Promise<string> {
  const res = await t.cc.app.inject({ url: `/api/items/${itemId}` });
  return res.json<{ playback: { hls: string } }>().playback.hls;
}

/** Every URL a player of this ladder fetches: playlists, init segments, media segments (and the poster). */
async function ladderUrls(master: string): Promise<string[]> {
  const urls = [master];
  const text = await (await fetch(master)).text();
  const refs = [
    ...text.split('\n').filter((l) => l && !l.startsWith('#')),
    ...[...text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!),
  ];
  for (const ref of refs) {
    const playlistUrl = new URL(ref, master).href;
    urls.push(playlistUrl);
    const media = await (await fetch(playlistUrl)).text();
    for (const m of media.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)) urls.push(new URL(m[1]!, playlistUrl).href);
    for (const line of media.split('\n')) {
      if (line && !line.startsWith('#')) urls.push(new URL(line, playlistUrl).href);
    }
  }
  urls.push(new URL('poster.jpg', master).href);
  return [...new Set(urls)];
}

beforeAll(async () => {
  t = await startTestServer();
  base = await t.cc.listen();
  const clip = await testClip({ seconds: 6, width: 640, height: 360 });
  const courseId = await createCourse(t);
  const up = await uploadLecture(t, courseId, clip);
  itemId = up.item.id;
  expect((await waitForJob(t.cc.store, up.job.id)).state).toBe('succeeded');
});
afterAll(() => t.close());

describe('the whole ladder through the edge', () => {
  it('fetches every playlist and segment once from the origin (MISS), then from memory (HIT)', async () => {
    const master = await playbackUrl();
    expect(master.startsWith(`${base}/media/${itemId}/`)).toBe(true);
    t.cc.edge!.purgeItem(itemId);
    const urls = await ladderUrls(master);
    t.cc.edge!.purgeItem(itemId);
    const segments = urls.filter((u) => u.endsWith('.m4s'));
    expect(segments.length).toBeGreaterThanOrEqual(6);
    expect(urls.filter((u) => u.endsWith('init.mp4')).length).toBe(3); // two video rungs + audio
    for (const url of urls) {
      const first = await fetch(url);
      const firstBody = Buffer.from(await first.arrayBuffer());
      expect(first.status, url).toBe(200);
      expect(first.headers.get('cache-status'), url).toMatch(
        /^coursecast; fwd=miss; fwd-status=200; stored$/,
      );
      const second = await fetch(url);
      const secondBody = Buffer.from(await second.arrayBuffer());
      expect(second.headers.get('cache-status'), url).toMatch(/^coursecast; hit; ttl=\d+$/);
      expect(secondBody.equals(firstBody), url).toBe(true);
    }
    // A real HLS client now reads every rung through the edge; the origin sees none of it.
    await t.cc.instrumentation.forceFlush();
    t.spans.reset();
    await run(FFMPEG, ['-v', 'error', '-i', master, '-map', '0', '-c', 'copy', '-f', 'null', '-']);
    await t.cc.instrumentation.forceFlush();
    const spans = t.spans.getFinishedSpans().filter((s) => s.name === 'content.serve_request');
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.filter((s) => s.attributes['cdn.served_from'] === 'origin')).toEqual([]);
    expect(new Set(spans.map((s) => s.attributes['cdn.cache_status']))).toEqual(new Set(['HIT']));
  });

  it('keeps the published version playing when a re-transcode is cancelled', async () => {
    const before = await playbackUrl();
    const res = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${itemId}/transcode`,
      headers: t.auth,
    });
    const job = res.json<{ job: { id: string } }>().job;
    const cancel = await t.cc.app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/cancel`,
      headers: t.auth,
    });
    expect(cancel.statusCode).toBe(200);
    await waitForJob(t.cc.store, job.id);
    // The failed re-transcode's error is the admin's to read; strangers see only the status.
    const view = (await t.cc.app.inject({ url: `/api/items/${itemId}`, headers: t.auth })).json<{
      item: { status: string; error: string | null };
      playback: { hls: string } | null;
    }>();
    expect(view.item.status).toBe('ready');
    expect(view.item.error).toBeTruthy();
    expect(view.playback?.hls).toBe(before);
    expect((await fetch(before)).status).toBe(200);
  });

  it('purges the old version when the item is re-transcoded', async () => {
    const oldMaster = await playbackUrl();
    expect((await fetch(oldMaster)).headers.get('cache-status')).toMatch(/hit/);
    const res = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${itemId}/transcode`,
      headers: t.auth,
    });
    expect(res.statusCode).toBe(202);
    const again = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${itemId}/transcode`,
      headers: t.auth,
    });
    expect(again.statusCode).toBe(409);
    const job = res.json<{ job: { id: string } }>().job;
    expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');
    const newMaster = await playbackUrl();
    expect(newMaster).not.toBe(oldMaster);
    expect(newMaster).toContain(`/${job.id}/master.m3u8`);
    // The job row says succeeded once the new version is committed; the old one's files go and the edge is
    // purged right after, so a request in between may still be a hit. Poll for that moment (bounded).
    let gone = await fetch(oldMaster);
    for (let i = 0; i < 50 && gone.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = await fetch(oldMaster);
    }
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-status')).toBe('coursecast; fwd=miss; fwd-status=404');
    const fresh = await fetch(newMaster);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-status')).toMatch(/fwd=miss/);
  });
});

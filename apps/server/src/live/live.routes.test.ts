import { readdir } from 'node:fs/promises';
import type { LiveResponse, LiveStatusResponse } from '@coursecast/api';
import { startLiveTestPublish, type LiveTestPublisher } from '@coursecast/media/samples';
import { afterEach, describe, expect, it } from 'vitest';
import { FFMPEG } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

const cleanups: (() => Promise<void>)[] = [];
let courseId = '';
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(live: { graceSeconds?: number } = {}): Promise<TestServer> {
  const ts = await startTestServer({ live: { graceSeconds: 30, ...live } });
  cleanups.push(() => ts.close());
  const course = await ts.cc.app.inject({
    method: 'POST',
    url: '/api/courses',
    headers: ts.auth,
    payload: { title: 'Live course' },
  });
  expect(course.statusCode).toBe(201);
  courseId = course.json<{ course: { id: string } }>().course.id;
  return ts;
}

async function createLive(ts: TestServer, body: object = { title: 'Office hours' }): Promise<LiveResponse> {
  const res = await ts.cc.app.inject({
    method: 'POST',
    url: `/api/courses/${courseId}/live`,
    headers: ts.auth,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<LiveResponse>();
}

async function lecture(ts: TestServer, id: string): Promise<LiveResponse> {
  const res = await ts.cc.app.inject({ url: `/api/items/${id}/live`, headers: ts.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<LiveResponse>();
}

function publish(
  url: string,
  seconds?: number,
  extra: { audio?: boolean; video?: boolean } = {},
): LiveTestPublisher {
  const p = startLiveTestPublish({
    ffmpegPath: FFMPEG,
    url,
    width: 640,
    height: 360,
    ...(seconds ? { seconds } : {}),
    ...extra,
  });
  cleanups.push(() => p.stop());
  return p;
}

const rtmpUrl = (l: LiveResponse, key = l.ingest.rtmp.streamKey): string =>
  `${l.ingest.rtmp.url.replace('//localhost:', '//127.0.0.1:')}/${key}`;

async function mediaText(
  ts: TestServer,
  url: string,
): Promise<{ body: string; cacheControl: string; status: number }> {
  const res = await ts.cc.app.inject({ url: new URL(url).pathname });
  return { body: res.body, cacheControl: String(res.headers['cache-control']), status: res.statusCode };
}

describe('a live lecture', () => {
  it('is created with its ingest URLs and secrets, and tells the public only its status', async () => {
    const ts = await server();
    const live = await createLive(ts, { title: 'Seminar', scheduledAt: '2026-12-09T10:00:00+01:00' });
    expect(live).toMatchObject({
      state: 'scheduled',
      scheduledAt: '2026-12-09T09:00:00.000Z',
      ladder: null,
      runs: [],
    });
    expect(live.ingest.rtmp.url).toMatch(/^rtmp:\/\/[^/]+:\d+\/live$/);
    expect(live.ingest.rtmp.streamKey).toMatch(new RegExp(`^${live.itemId}\\.[A-Za-z0-9_-]{24}$`));
    expect(live.ingest.srt?.obsUrl).toContain(`passphrase=${live.ingest.srt?.passphrase}`);
    const status = await ts.cc.app.inject({ url: `/api/items/${live.itemId}/live/status` });
    expect(status.statusCode).toBe(200);
    expect(status.json<LiveStatusResponse>()).toEqual({
      itemId: live.itemId,
      state: 'scheduled',
      scheduledAt: '2026-12-09T09:00:00.000Z',
      startedAt: null,
      endedAt: null,
      url: null,
      segmentSeconds: 2,
    });
    expect(status.body).not.toContain(live.ingest.rtmp.streamKey);
    // Admin only, and bad input named.
    expect((await ts.cc.app.inject({ url: `/api/items/${live.itemId}/live` })).statusCode).toBe(401);
    const bad = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/courses/${courseId}/live`,
      headers: ts.auth,
      payload: { title: '' },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await ts.cc.app.inject({
      method: 'POST',
      url: '/api/courses/crs_nope/live',
      headers: ts.auth,
      payload: { title: 'x' },
    });
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('course_not_found');
    const notLive = await ts.cc.app.inject({ url: '/api/items/itm_nope/live/status' });
    expect(notLive.statusCode).toBe(404);
  }, 30_000);

  it('refuses a wrong key before encoding, goes live with the right one, refuses a second publisher, and survives a reconnect', async () => {
    const ts = await server();
    const live = await createLive(ts);
    const wrong = publish(rtmpUrl(live, `${live.itemId}.wrong-secret-xxxxxxxxxxxxxx`), 5);
    expect(await wrong.exited).not.toBe(0);
    expect(
      await readdir(`${ts.dataDir}/media/${live.itemId}`).then(
        (d) => d.length,
        () => 0,
      ),
    ).toBeLessThanOrEqual(1);

    const first = publish(rtmpUrl(live));
    await expect.poll(async () => (await lecture(ts, live.itemId)).state, { timeout: 10_000 }).toBe('live');
    const status = async (): Promise<LiveStatusResponse> =>
      (await ts.cc.app.inject({ url: `/api/items/${live.itemId}/live/status` })).json<LiveStatusResponse>();
    await expect.poll(async () => (await status()).url, { timeout: 15_000 }).not.toBeNull();
    const master = await mediaText(ts, (await status()).url!);
    expect(master.status, master.body).toBe(200);
    expect(master.body).toContain('#EXT-X-STREAM-INF');
    expect(master.cacheControl).toBe('public, max-age=1, must-revalidate');
    const rung = new URL('360p/index.m3u8', (await status()).url!).toString();
    await expect
      .poll(async () => (await mediaText(ts, rung)).body, { timeout: 10_000 })
      .toMatch(/#EXTINF[\s\S]*#EXTINF/);
    const playlist = await mediaText(ts, rung);
    expect(playlist.body).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(playlist.body).not.toContain('#EXT-X-ENDLIST');
    expect(playlist.body.match(/#EXT-X-PROGRAM-DATE-TIME/g)?.length).toBe(
      playlist.body.match(/#EXTINF/g)?.length,
    );

    // A second publisher on the same key while one is live: refused.
    const second = publish(rtmpUrl(live), 5);
    expect(await second.exited).not.toBe(0);
    const during = await lecture(ts, live.itemId);
    expect(during.runs).toHaveLength(1);
    expect(during.ladder?.rungs.map((r) => r.name)).toEqual(['360p']);
    expect(during.health?.frameRate).toBeGreaterThan(20);

    // The publisher drops and comes back: the same playlists, a discontinuity.
    await first.kill();
    await expect
      .poll(async () => (await lecture(ts, live.itemId)).state, { timeout: 15_000 })
      .toBe('reconnecting');
    const back = publish(rtmpUrl(live));
    await expect.poll(async () => (await lecture(ts, live.itemId)).state, { timeout: 10_000 }).toBe('live');
    await expect
      .poll(async () => (await mediaText(ts, rung)).body, { timeout: 15_000 })
      .toContain('#EXT-X-DISCONTINUITY');
    expect((await lecture(ts, live.itemId)).reconnects).toBe(1);

    // The instructor ends it: the same URLs are the recording.
    const end = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/items/${live.itemId}/live/end`,
      headers: ts.auth,
    });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json<LiveResponse>()).toMatchObject({ state: 'ended', endReason: 'ended_by_instructor' });
    await back.exited;
    const recording = await mediaText(ts, rung);
    expect(recording.body).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(recording.body).toContain('#EXT-X-ENDLIST');
    expect(recording.body).toContain('#EXT-X-DISCONTINUITY');
    expect(recording.cacheControl).toContain('max-age=30');
    const item = await ts.cc.app.inject({ url: `/api/items/${live.itemId}`, headers: ts.auth });
    const recorded = item.json<{ item: { status: string; durationSeconds: number } }>().item;
    expect(recorded.status).toBe('ready');
    expect(recorded.durationSeconds).toBeGreaterThan(3);
    const again = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/items/${live.itemId}/live/end`,
      headers: ts.auth,
    });
    expect(again.json<{ error: { code: string } }>().error.code).toBe('live_ended');
    // An ended lecture takes no publisher.
    const late = publish(rtmpUrl(live), 5);
    expect(await late.exited).not.toBe(0);
  }, 90_000);
});

import { readdir } from 'node:fs/promises';
import type { LiveResponse } from '@coursecast/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveKit } from '../../test-support/live-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a live lecture', () => {
  it('is created with its ingest URLs and secrets, and tells the public only its status', async () => {
    const kit = await startLiveKit(cleanups);
    const { ts } = kit;
    const live = await kit.create({ title: 'Seminar', scheduledAt: '2026-12-09T10:00:00+01:00' });
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
    expect(status.json()).toEqual({
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
    const url = `/api/courses/${kit.courseId}/live`;
    const bad = await ts.cc.app.inject({ method: 'POST', url, headers: ts.auth, payload: { title: '' } });
    expect(bad.statusCode).toBe(400);
    const when = await ts.cc.app.inject({
      method: 'POST',
      url,
      headers: ts.auth,
      payload: { title: 'x', scheduledAt: 'soon' },
    });
    expect(when.statusCode).toBe(400);
    const missing = await ts.cc.app.inject({
      method: 'POST',
      url: '/api/courses/crs_nope/live',
      headers: ts.auth,
      payload: { title: 'x' },
    });
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('course_not_found');
    expect((await ts.cc.app.inject({ url: '/api/items/itm_nope/live/status' })).statusCode).toBe(404);
    const before = Date.now();
    const time = await ts.cc.app.inject({ url: '/api/time' });
    expect(time.headers['cache-control']).toBe('no-store');
    expect(time.json<{ now: number }>().now).toBeGreaterThanOrEqual(before);
    expect(time.json<{ now: number }>().now).toBeLessThanOrEqual(Date.now());
  }, 30_000);

  it('refuses a lecture beyond the open limit, creating nothing', async () => {
    const kit = await startLiveKit(cleanups, { maxOpen: 1 });
    const { ts } = kit;
    await kit.create({ title: 'First' });
    const more = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/courses/${kit.courseId}/live`,
      headers: ts.auth,
      payload: { title: 'Second' },
    });
    expect(more.statusCode).toBe(409);
    expect(more.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'live_capacity',
      message: expect.stringMatching(/limit 1/),
    });
    const items = await ts.cc.store.listItems(kit.courseId);
    expect(items.map((i) => i.title)).toEqual(['First']);
    expect(await ts.cc.store.listLiveLectures()).toHaveLength(1);
  }, 30_000);

  it('refuses a wrong key before encoding, goes live with the right one, refuses a second publisher, and survives a reconnect', async () => {
    const kit = await startLiveKit(cleanups);
    const { ts } = kit;
    const live = await kit.create();
    const wrong = kit.publishRtmp(live, { key: `${live.itemId}.wrong-secret-xxxxxxxxxxxxxx`, seconds: 5 });
    expect(await wrong.exited).not.toBe(0);
    const written = await readdir(`${ts.dataDir}/media/${live.itemId}`, { recursive: true }).catch(() => []);
    expect(written.filter((f) => f.endsWith('.m4s'))).toEqual([]);

    const first = kit.publishRtmp(live);
    await kit.waitState(live.itemId, 'live', 10_000);
    await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 15_000 }).not.toBeNull();
    const masterUrl = (await kit.status(live.itemId)).url!;
    const master = await kit.media(masterUrl);
    expect(master.status, master.body).toBe(200);
    expect(master.body).toContain('#EXT-X-STREAM-INF');
    expect(master.cacheControl).toBe('public, max-age=1, must-revalidate');
    const rung = new URL('360p/index.m3u8', masterUrl).toString();
    await expect
      .poll(async () => (await kit.media(rung)).body, { timeout: 10_000 })
      .toMatch(/#EXTINF[\s\S]*#EXTINF/);
    const playlist = await kit.media(rung);
    expect(playlist.body).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(playlist.body).not.toContain('#EXT-X-ENDLIST');
    expect(playlist.body.match(/#EXT-X-PROGRAM-DATE-TIME/g)?.length).toBe(
      playlist.body.match(/#EXTINF/g)?.length,
    );

    const playback = async (): Promise<{ plan: { mode: string }; url: string }> =>
      (await ts.cc.app.inject({ url: `/api/items/${live.itemId}/playback` })).json();
    expect(await playback()).toMatchObject({ plan: { mode: 'live' }, url: masterUrl });

    // A second publisher on the same key while one is live: refused.
    const second = kit.publishRtmp(live, { seconds: 5 });
    expect(await second.exited).not.toBe(0);
    const during = await kit.lecture(live.itemId);
    expect(during.runs).toHaveLength(1);
    expect(during.ladder?.rungs.map((r) => r.name)).toEqual(['360p']);
    expect(during.health?.frameRate).toBeGreaterThan(20);

    // The publisher drops and comes back: the same playlists, a discontinuity.
    await first.kill();
    await kit.waitState(live.itemId, 'reconnecting');
    const back = kit.publishRtmp(live);
    await kit.waitState(live.itemId, 'live', 10_000);
    await expect
      .poll(async () => (await kit.media(rung)).body, { timeout: 15_000 })
      .toContain('#EXT-X-DISCONTINUITY');
    expect((await kit.lecture(live.itemId)).reconnects).toBe(1);

    // The instructor ends it: the same URLs are the recording.
    const end = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/items/${live.itemId}/live/end`,
      headers: ts.auth,
    });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json<LiveResponse>()).toMatchObject({ state: 'ended', endReason: 'ended_by_instructor' });
    await back.exited;
    const recording = await kit.media(rung);
    expect(recording.body).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(recording.body).toContain('#EXT-X-ENDLIST');
    expect(recording.body).toContain('#EXT-X-DISCONTINUITY');
    expect(recording.cacheControl).toContain('max-age=30');
    const item = await ts.cc.app.inject({ url: `/api/items/${live.itemId}`, headers: ts.auth });
    const recorded = item.json<{ item: { status: string; durationSeconds: number } }>().item;
    expect(recorded.status).toBe('ready');
    expect(recorded.durationSeconds).toBeGreaterThan(3);
    expect(await playback()).toMatchObject({ plan: { mode: 'vod' }, url: masterUrl });
    const again = await ts.cc.app.inject({
      method: 'POST',
      url: `/api/items/${live.itemId}/live/end`,
      headers: ts.auth,
    });
    expect(again.json<{ error: { code: string } }>().error.code).toBe('live_ended');
    // A span per publisher connection: what came in, the ladder, how it ended.
    const sessions = ts.spans.getFinishedSpans().filter((s) => s.name === 'content.live.session');
    expect(
      sessions.map((s) => [s.attributes['content.live.reconnects'], s.attributes['content.live.end_reason']]),
    ).toEqual([
      [0, 'publisher_left'],
      [1, 'stopped'],
    ]);
    expect(sessions[0]!.attributes).toMatchObject({
      'content.item_id': live.itemId,
      'content.live.protocol': 'rtmp',
      'content.live.input.codec': 'h264',
      'content.live.input.resolution': '640x360',
      'content.live.top_rung.mode': 'copy',
      'content.live.input.keyframe_interval': 1,
    });
    // An ended lecture takes no publisher.
    const late = kit.publishRtmp(live, { seconds: 5 });
    expect(await late.exited).not.toBe(0);
  }, 90_000);
});

import type { MediaInfo } from '@coursecast/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probedSource } from '../../test-support/probed-source.js';
import { registerSource } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { fakeJitMedia } from '../../test-support/fake-jit-media.js';

let t: TestServer;

async function itemWith(info: Partial<MediaInfo>, ready = false): Promise<string> {
  const sourceInfo: MediaInfo = { ...probedSource(), ...info };
  return (await registerSource(t.cc, sourceInfo, ready)).itemId;
}

beforeAll(async () => {
  t = await startTestServer(
    { jit: { maxSessions: 2 } },
    { startQueue: false, prepareSession: fakeJitMedia(() => t.dataDir) },
  );
});
afterAll(() => t.close());

const get = (url: string) => t.cc.app.inject({ url });

describe('playback decisions and just-in-time sessions over HTTP', () => {
  it('opens a session for an HEVC MKV and serves its playlist and segments through the edge', async () => {
    const id = await itemWith({});
    const res = await get(`/api/items/${id}/playback?viewer=v1`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      plan: { mode: string; reasons: string[] };
      url: string;
      session: { id: string; heartbeat: string; end: string };
    }>();
    expect(body.plan.mode).toBe('transcode');
    expect(body.plan.reasons).toContain('video_codec_not_supported');
    // The answer names the session's master playlist; its one variant is the session's media playlist.
    expect(body.url).toMatch(new RegExp(`/media/${id}/jit-${body.session.id}/master\\.m3u8$`));
    const masterPath = new URL(body.url).pathname;
    const master = await get(masterPath);
    expect(master.statusCode).toBe(200);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(master.body).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+.*\nindex\.m3u8\n$/);
    const playlistPath = masterPath.replace('master.m3u8', 'index.m3u8');
    const playlist = await get(playlistPath);
    expect(playlist.statusCode).toBe(200);
    expect(playlist.body).toContain('#EXT-X-ENDLIST');
    // The master is cached as the variant playlist is.
    expect(master.headers['cache-control']).toBe(playlist.headers['cache-control']);
    const seg = await get(playlistPath.replace('index.m3u8', 'seg_00002.ts'));
    expect(seg.statusCode).toBe(200);
    expect(seg.rawPayload.length).toBe(1880);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    expect(seg.headers['cache-control']).toMatch(/immutable/);
    expect((await get(playlistPath.replace('index.m3u8', 'seg_00099.ts'))).statusCode).toBe(404);
    expect((await get(playlistPath.replace('index.m3u8', 'other.ts'))).statusCode).toBe(404);
    // The same viewer asking again gets the same session.
    const again = (await get(`/api/items/${id}/playback?viewer=v1`)).json<{ session: { id: string } }>();
    expect(again.session.id).toBe(body.session.id);
    const listed = await t.cc.app.inject({ url: '/api/sessions', headers: t.auth });
    expect(listed.json<{ sessions: { id: string; mode: string }[] }>().sessions).toContainEqual(
      expect.objectContaining({ id: body.session.id, mode: 'transcode' }),
    );
    const { heartbeat, end } = body.session;
    expect(new URL(heartbeat).searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // Without the session's token, or with another, a stranger can neither keep it alive nor end it.
    const plain = `/api/sessions/${body.session.id}`;
    expect((await t.cc.app.inject({ method: 'POST', url: `${plain}/heartbeat` })).statusCode).toBe(400);
    const forged = await t.cc.app.inject({ method: 'DELETE', url: `${plain}?token=${'A'.repeat(24)}` });
    expect(forged.statusCode).toBe(404);
    expect(forged.json()).toMatchObject({ error: { code: 'session_not_found' } });
    const hb = await t.cc.app.inject({
      method: 'POST',
      url: new URL(heartbeat).pathname + new URL(heartbeat).search,
    });
    expect(hb.statusCode).toBe(204);
    expect(hb.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const pre = await t.cc.app.inject({ method: 'OPTIONS', url: `/api/sessions/${body.session.id}` });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toContain('DELETE');
    const closed = await t.cc.app.inject({
      method: 'DELETE',
      url: new URL(end).pathname + new URL(end).search,
    });
    expect(closed.statusCode).toBe(204);
    const after = await get(playlistPath.replace('index.m3u8', 'seg_00004.ts'));
    expect(after.statusCode).toBe(410);
    expect(after.json()).toMatchObject({ error: { code: 'session_ended' } });
    const unknown = await t.cc.app.inject({
      method: 'POST',
      url: '/api/sessions/ses_nope/heartbeat?token=abc',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 503 with Retry-After when every session is in use', async () => {
    const a = await itemWith({});
    const b = await itemWith({});
    const c = await itemWith({});
    // Three clients (one session each is within their own limit): the server's cap is what refuses the third.
    const from = (url: string, n: number) => t.cc.app.inject({ url, remoteAddress: `10.4.0.${n}` });
    expect((await from(`/api/items/${a}/playback`, 1)).statusCode).toBe(200);
    expect((await from(`/api/items/${b}/playback`, 2)).statusCode).toBe(200);
    const full = await from(`/api/items/${c}/playback`, 3);
    expect(full.statusCode).toBe(503);
    expect(full.headers['retry-after']).toBe('15');
    expect(full.json()).toMatchObject({ error: { code: 'sessions_full' } });
  });

  it('plays the ladder when ready, and an MP4 the browser handles directly', async () => {
    const ready = await itemWith({}, true);
    const vod = (await get(`/api/items/${ready}/playback`)).json<{ plan: { mode: string }; url: string }>();
    expect(vod.plan.mode).toBe('vod');
    expect(vod.url).toMatch(/\/master\.m3u8$/);
    const mp4 = await itemWith(
      probedSource({
        codec: 'h264',
        container: 'mov',
        formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
        width: 1280,
        height: 720,
      }),
    );
    const direct = (await get(`/api/items/${mp4}/playback`)).json<{ plan: { mode: string }; url: string }>();
    expect(direct.plan.mode).toBe('direct');
    expect(direct.url).toMatch(new RegExp(`/media/${mp4}/source/source\\.mkv$`));
    const bad = await get(`/api/items/${mp4}/playback?videoCodecs=${encodeURIComponent('H264;x')}`);
    expect(bad.statusCode).toBe(400);
  });
});

describe('a session’s master playlist, asked for wrongly', () => {
  let w: TestServer;
  beforeAll(async () => {
    w = await startTestServer({}, { startQueue: false, prepareSession: fakeJitMedia(() => w.dataDir) });
  });
  afterAll(() => w.close());

  it('answers as the session’s other files do: unknown session, another item’s session, a token, HEAD', async () => {
    const get = (url: string) => w.cc.app.inject({ url });
    const { itemId: id } = await registerSource(w.cc, probedSource(), false);
    const body = (await get(`/api/items/${id}/playback?viewer=bad-input`)).json<{
      url: string;
      session: { id: string; end: string };
    }>();
    const masterPath = new URL(body.url).pathname;
    const answers = async (file: string) => {
      const [master, variant] = await Promise.all([
        get(file.replace('FILE', 'master.m3u8')),
        get(file.replace('FILE', 'index.m3u8')),
      ]);
      expect(master.statusCode).toBe(variant.statusCode);
      expect(master.json()).toEqual(variant.json());
      expect(master.headers['cache-control']).toBe('no-store');
      return master;
    };
    const unknown = await answers(`/media/${id}/jit-ses_nope/FILE`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'session_not_found' } });
    const { itemId: other } = await registerSource(w.cc, probedSource(), false);
    const mismatched = await answers(`/media/${other}/jit-${body.session.id}/FILE`);
    expect(mismatched.json()).toMatchObject({ error: { code: 'session_not_found' } });
    const badId = await answers(`/media/${id}/jit-${'x'.repeat(80)}/FILE`);
    expect(badId.statusCode).toBe(404);
    // Files are reached by the session's (unguessable) id; the token only guards heartbeat and end.
    const tokened = await get(`${masterPath}?token=${'A'.repeat(24)}`);
    expect(tokened.statusCode).toBe(200);
    const head = await w.cc.app.inject({ method: 'HEAD', url: masterPath });
    expect(head.statusCode).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
  });
});

describe('a burst of playback requests', () => {
  let burst: TestServer;
  beforeAll(async () => {
    burst = await startTestServer(
      { jit: { maxSessions: 4 } },
      { startQueue: false, prepareSession: fakeJitMedia(() => burst.dataDir) },
    );
  });
  afterAll(() => burst.close());

  it('opens no more sessions than the cap: 12 viewers at once get 4 sessions and 8 answers of 503', async () => {
    const sourceInfo: MediaInfo = probedSource();
    const { itemId } = await registerSource(burst.cc, sourceInfo, false);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        burst.cc.app.inject({
          url: `/api/items/${itemId}/playback?viewer=burst_${i}`,
          remoteAddress: `10.3.0.${i + 1}`,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([...Array(4).fill(200), ...Array(8).fill(503)]);
    const sessions = await burst.cc.app.inject({ url: '/api/sessions', headers: burst.auth });
    expect(sessions.statusCode).toBe(200);
    expect(sessions.json<{ sessions: unknown[] }>().sessions).toHaveLength(4);
  });

  it('ends an item’s sessions when it is deleted, before its files go, and frees their slots', async () => {
    const listed = async () =>
      (await burst.cc.app.inject({ url: '/api/sessions', headers: burst.auth })).json<{
        sessions: { id: string; itemId: string }[];
      }>().sessions;
    const [first] = await listed();
    const itemId = first!.itemId;
    const del = await burst.cc.app.inject({
      method: 'DELETE',
      url: `/api/items/${itemId}`,
      headers: burst.auth,
    });
    expect(del.statusCode).toBe(204);
    expect(await listed()).toEqual([]);
    for (const file of ['master.m3u8', 'index.m3u8']) {
      const gone = await burst.cc.app.inject({ url: `/media/${itemId}/jit-${first!.id}/${file}` });
      expect([404, 410]).toContain(gone.statusCode);
    }
    const { itemId: next } = await registerSource(burst.cc, probedSource(), false);
    expect((await burst.cc.app.inject({ url: `/api/items/${next}/playback?viewer=after` })).statusCode).toBe(
      200,
    );
  });
});

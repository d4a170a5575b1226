import { readdir } from 'node:fs/promises';
import path from 'node:path';
import HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { EMBEDDED_SRT_EN, testClip, trackedClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';
import { MAX_TRACKS } from './caption-service.js';

// Caption tracks through the API, on a real transcoded ladder: each change publishes a new version whose master
// playlist carries the tracks as subtitles renditions (checked by a third-party parser in strict mode), the video's
// segments untouched; every bad file is refused with a message naming what is wrong, and the tracks stay as they were.

let t: TestServer;
let itemId = '';
let courseId = '';

const EN_VTT = `WEBVTT

00:00.500 --> 00:01.500
Welcome <b>everyone</b>

00:02.000 --> 00:03.000
<script>alert(1)</script>Sampling & aliasing
`;
const FR_SRT =
  '\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nBonjour à tous\r\n\r\n2\r\n00:00:03,000 --> 00:00:03,900\r\nÉchantillonnage\r\n';

const get = (url: string) => t.cc.app.inject({ url });
const post = (url: string, payload: string | Buffer, type = 'text/vtt') =>
  t.cc.app.inject({ method: 'POST', url, headers: { ...t.auth, 'content-type': type }, payload });

interface TrackBody {
  track: {
    id: string;
    language: string;
    kind: string;
    label: string;
    url: string;
    cueCount: number;
    forced: boolean;
  };
  warnings: string[];
}

async function version(): Promise<string> {
  return (await t.cc.store.getItem(itemId))!.mediaVersion!;
}
async function master(): Promise<HLS.types.MasterPlaylist> {
  const res = await get(`/media/${itemId}/${await version()}/master.m3u8`);
  expect(res.statusCode).toBe(200);
  return HLS.parse(res.body) as HLS.types.MasterPlaylist;
}
async function labels(): Promise<string[]> {
  return (await t.cc.store.listCaptionTracks(itemId)).map((x) => x.label);
}

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  t = await startTestServer();
  courseId = await createCourse(t);
  const up = await uploadLecture(t, courseId, await testClip({ seconds: 4, width: 320, height: 240 }));
  itemId = up.item.id;
  expect((await waitForJob(t.cc.store, up.job.id)).state).toBe('succeeded');
}, 120_000);
afterAll(() => t.close());

describe('caption tracks of a transcoded lecture', () => {
  it('publishes an upload as a subtitles rendition in a new version, the video linked, the old one kept a while', async () => {
    const before = await version();
    const segmentsBefore = await readdir(path.join(t.dataDir, 'media', itemId, before, '240p'));
    const res = await post(`/api/items/${itemId}/captions?language=en-us&kind=captions`, EN_VTT);
    expect(res.statusCode).toBe(201);
    const body = res.json<TrackBody>();
    expect(body.track).toMatchObject({
      language: 'en-US',
      kind: 'captions',
      label: 'American English (CC)',
      cueCount: 2,
    });
    const after = await version();
    expect(after).not.toBe(before);
    // Players still on the old version finish their lecture: it stays served through its grace period.
    const old = await get(`/media/${itemId}/${before}/master.m3u8`);
    expect(old.statusCode).toBe(200);
    expect(old.body).not.toContain('TYPE=SUBTITLES');
    // The same segments, by hard link: nothing re-encoded.
    expect(await readdir(path.join(t.dataDir, 'media', itemId, after, '240p'))).toEqual(segmentsBefore);

    const m = await master();
    for (const v of m.variants) {
      expect(v.subtitles.map((s) => [s.name, s.language, s.uri])).toEqual([
        ['American English (CC)', 'en-US', `subs/${body.track.id}/index.m3u8`],
      ]);
    }
    const subs = await get(`/media/${itemId}/${after}/subs/${body.track.id}/index.m3u8`);
    const subsPlaylist = HLS.parse(subs.body) as HLS.types.MediaPlaylist;
    const variant = HLS.parse(
      (await get(`/media/${itemId}/${after}/240p/index.m3u8`)).body,
    ) as HLS.types.MediaPlaylist;
    // Aligned to the media segments: the same count and durations.
    expect(subsPlaylist.segments.map((s) => s.duration)).toEqual(variant.segments.map((s) => s.duration));
    const first = await get(
      `/media/${itemId}/${after}/subs/${body.track.id}/${subsPlaylist.segments[0]!.uri}`,
    );
    expect(first.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(first.body).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n/);
    expect(first.body).toContain('Welcome <b>everyone</b>');

    // The whole file, for <track> and the transcript: the script is gone, its text is only text.
    const whole = await get(new URL(body.track.url).pathname);
    expect(whole.statusCode).toBe(200);
    expect(whole.body).not.toContain('<script>');
    expect(whole.body).toContain('Sampling &amp; aliasing');
  });

  it('adds a SubRip file with a BOM and CRLF, replaces, renames and removes tracks, each a new version', async () => {
    const fr = await post(
      `/api/items/${itemId}/captions?language=fr&label=Fran%C3%A7ais`,
      FR_SRT,
      'application/x-subrip',
    );
    expect(fr.statusCode).toBe(201);
    const frTrack = fr.json<TrackBody>().track;
    expect(frTrack).toMatchObject({ language: 'fr', kind: 'subtitles', label: 'Français', cueCount: 2 });
    expect((await master()).variants[0]!.subtitles.map((s) => s.name)).toEqual([
      'American English (CC)',
      'Français',
    ]);
    const playback = await get(`/api/items/${itemId}/playback`);
    expect(playback.json<{ captions: { label: string }[] }>().captions.map((c) => c.label)).toEqual([
      'American English (CC)',
      'Français',
    ]);

    const v1 = await version();
    const replaced = await t.cc.app.inject({
      method: 'PUT',
      url: `/api/items/${itemId}/captions/${frTrack.id}`,
      headers: { ...t.auth, 'content-type': 'text/vtt' },
      payload: 'WEBVTT\n\n00:01.000 --> 00:02.000\nSalut\n',
    });
    expect(replaced.statusCode).toBe(200);
    const after = replaced.json<TrackBody>().track;
    expect(after).toMatchObject({ id: frTrack.id, label: 'Français', cueCount: 1 });
    expect(after.url).not.toBe(frTrack.url);
    expect((await get(new URL(frTrack.url).pathname)).statusCode).toBe(404);
    expect((await get(new URL(after.url).pathname)).body).toContain('Salut');
    expect(await version()).not.toBe(v1);

    const renamed = await t.cc.app.inject({
      method: 'PATCH',
      url: `/api/items/${itemId}/captions/${frTrack.id}`,
      headers: t.auth,
      payload: { label: 'French', forced: true },
    });
    expect(renamed.statusCode).toBe(200);
    const frRendition = (await master()).variants[0]!.subtitles.find((s) => s.language === 'fr');
    expect(frRendition).toMatchObject({ name: 'French', forced: true });

    const removed = await t.cc.app.inject({
      method: 'DELETE',
      url: `/api/items/${itemId}/captions/${frTrack.id}`,
      headers: t.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect((await master()).variants[0]!.subtitles.map((s) => s.name)).toEqual(['American English (CC)']);
    const again = await t.cc.app.inject({
      method: 'DELETE',
      url: `/api/items/${itemId}/captions/${frTrack.id}`,
      headers: t.auth,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('caption_track_not_found');
  });

  it('refuses bad files with a clear error and leaves the tracks as they were', async () => {
    const kept = await labels();
    const keptVersion = await version();
    const cases: [string, string | Buffer, string, number, string, RegExp][] = [
      [
        'language=en&label=A',
        'WEBVTT\n\n00:01.000 --> 00:0x.000\nbad\n',
        'text/vtt',
        422,
        'invalid_captions',
        /^line 3: /,
      ],
      [
        'language=en&label=B',
        'WEBVTT\n\n00:03.000 --> 00:02.000\nreversed\n',
        'text/vtt',
        422,
        'invalid_captions',
        /^line 3: /,
      ],
      [
        'language=en&label=C',
        'WEBVTT\n\n00:09.000 --> 00:10.000\nafter the end\n',
        'text/vtt',
        422,
        'invalid_captions',
        /after|end/i,
      ],
      ['language=en&label=D', 'Just some notes\n', 'text/plain', 422, 'invalid_captions', /neither WebVTT/],
      ['language=xx&label=E', EN_VTT, 'text/vtt', 400, 'invalid_language', /xx/],
      ['label=F', EN_VTT, 'text/vtt', 400, 'invalid_request', /language is required/],
      // 50 MB: refused at the 4 MiB default before it is read whole.
      [
        'language=en&label=G',
        Buffer.alloc(50 * 1024 * 1024, 0x41),
        'text/vtt',
        413,
        'payload_too_large',
        /./,
      ],
      [
        'language=en&label=American%20English%20(CC)',
        EN_VTT,
        'text/vtt',
        409,
        'conflict',
        /already has a track/,
      ],
      ['language=en&label=H', EN_VTT, 'image/png', 415, 'unsupported_media_type', /./],
    ];
    for (const [query, payload, type, status, code, message] of cases) {
      const res = await post(`/api/items/${itemId}/captions?${query}`, payload, type);
      const err = res.json<{ error: { code: string; message: string } }>().error;
      expect([query, res.statusCode, err.code]).toEqual([query, status, code]);
      expect(err.message).toMatch(message);
    }
    const stranger = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${itemId}/captions?language=en`,
      headers: { 'content-type': 'text/vtt' },
      payload: EN_VTT,
    });
    expect(stranger.statusCode).toBe(401);
    expect(await labels()).toEqual(kept);
    expect(await version()).toBe(keptVersion);
    // A refused file leaves nothing behind: the captions folder holds the tracks' files only.
    const files = await readdir(path.join(t.dataDir, 'uploads', itemId, 'captions'));
    const tracks = await t.cc.store.listCaptionTracks(itemId);
    expect(files.sort()).toEqual(tracks.map((x) => path.basename(x.file)).sort());
  });

  it('converts Windows-1252 (Latin-1) and says so', async () => {
    const latin1 = Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nGar\xe7on, caf\xe9 cr\xe8me\n', 'latin1');
    const res = await post(`/api/items/${itemId}/captions?language=fr&label=Latin`, latin1);
    expect(res.statusCode).toBe(201);
    const body = res.json<TrackBody>();
    expect(body.warnings.join(' ')).toMatch(/windows-1252/i);
    expect((await get(new URL(body.track.url).pathname)).body).toContain('Garçon, café crème');
  });

  it('converts UTF-16 and saying so', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nÇa va\n', 'utf16le'),
    ]);
    const res = await post(`/api/items/${itemId}/captions?language=fr-CA&kind=subtitles`, utf16);
    expect(res.statusCode).toBe(201);
    const body = res.json<TrackBody>();
    expect(body.warnings.join(' ')).toMatch(/UTF-16/i);
    expect((await get(new URL(body.track.url).pathname)).body).toContain('Ça va');
  });
});

describe('the number of tracks', () => {
  it('stops at the most a lecture may have, leaving nothing of the refused one', async () => {
    const have = (await t.cc.store.listCaptionTracks(itemId)).length;
    for (let i = have; i < MAX_TRACKS; i++) {
      const res = await post(`/api/items/${itemId}/captions?language=en&label=Track%20${i}`, EN_VTT);
      expect(res.statusCode).toBe(201);
    }
    const over = await post(`/api/items/${itemId}/captions?language=en&label=One%20more`, EN_VTT);
    expect(over.statusCode).toBe(409);
    expect(over.json<{ error: { message: string } }>().error.message).toMatch(/the most it may have/);
    expect(await readdir(path.join(t.dataDir, 'uploads', itemId, 'captions'))).toHaveLength(MAX_TRACKS);
    expect((await master()).variants[0]!.subtitles).toHaveLength(MAX_TRACKS);
  }, 60_000);
});

describe('caption coverage', () => {
  it('counts the ready lectures with and without captions and lists those without (admin only)', async () => {
    const res = await t.cc.app.inject({ url: '/api/captions/coverage', headers: t.auth });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ captioned: number; uncaptioned: number; missing: { itemId: string }[] }>();
    expect(body.captioned).toBeGreaterThanOrEqual(1);
    expect(body.missing.map((m) => m.itemId)).not.toContain(itemId);
    expect(body.missing).toHaveLength(body.uncaptioned);
    expect((await t.cc.app.inject({ url: '/api/captions/coverage' })).statusCode).toBe(401);
  });
});

describe('captions carried in the source', () => {
  it('lists a source subtitle stream and imports it with its language and SDH kind', async () => {
    const up = await uploadLecture(t, courseId, await trackedClip(), 'Tracked');
    expect((await waitForJob(t.cc.store, up.job.id)).state).toBe('succeeded');
    const list = await t.cc.app.inject({ url: `/api/items/${up.item.id}/captions`, headers: t.auth });
    const embedded = list.json<{
      embedded: { index: number; codec: string; language: string; importedAs: null }[];
    }>().embedded;
    expect(embedded).toEqual([
      expect.objectContaining({
        codec: 'mov_text',
        language: 'en',
        hearingImpaired: true,
        text: true,
        importedAs: null,
      }),
    ]);
    const res = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${up.item.id}/captions/import`,
      headers: t.auth,
      payload: { streamIndex: embedded[0]!.index },
    });
    expect(res.statusCode).toBe(201);
    const track = res.json<TrackBody>().track;
    expect(track).toMatchObject({ language: 'en', kind: 'captions', cueCount: 2 });
    const vtt = (await get(new URL(track.url).pathname)).body;
    expect(vtt).toContain('Welcome to the lecture');
    expect(EMBEDDED_SRT_EN).toContain('Today: sampling');
    expect(vtt).toContain('Today: sampling');
    const relisted = await t.cc.app.inject({ url: `/api/items/${up.item.id}/captions`, headers: t.auth });
    expect(relisted.json<{ embedded: { importedAs: string }[] }>().embedded[0]!.importedAs).toBe(track.id);
    const missing = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${up.item.id}/captions/import`,
      headers: t.auth,
      payload: { streamIndex: 99 },
    });
    expect(missing.statusCode).toBe(400);
  }, 60_000);
});

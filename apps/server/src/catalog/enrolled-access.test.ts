import type { ErrorBody, PlaybackResponse, PublicItemResponse } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload, uploadLecture } from '../../test-support/api-calls.js';
import { ltiLaunch, registerPlatform } from '../../test-support/lti-launch-kit.js';
import { startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { mkvClip, testClip } from '../../test-support/media-fixtures.js';
import { multipartBody } from '../../test-support/multipart.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';
import { scormPackage } from '../cli/sample-scorm.js';
import { createMediaLinks } from './media-links.js';

const KEY = 'test-media-key-0123456789abcdefghij';
let t: TestServer;
let lms: TestPlatform;
let base: string;
let courseId: string;
let lecture: string;
let other: string;
let module_: string;

beforeAll(async () => {
  t = await startTestServer({
    lti: { access: 'enrolled', mediaKey: KEY, loginBurst: 1000 },
    transcode: { ladder: [144] },
  });
  base = await t.cc.listen();
  lms = await startTestPlatform();
  courseId = await createCourse(t, 'Enrolled only');
  const clip = await testClip({ seconds: 6, width: 320, height: 180 });
  const up = await uploadLecture(t, courseId, clip, 'Lecture 1');
  lecture = up.item.id;
  other = (await uploadLecture(t, courseId, clip, 'Lecture 2')).item.id;
  const pkg = await postUpload(
    t,
    courseId,
    await multipartBody({ name: 'm.zip', content: await scormPackage('2004') }),
  );
  module_ = pkg.json<{ item: { id: string } }>().item.id;
  await waitForJob(t.cc.store, up.job.id);
  await registerPlatform(t, lms);
}, 120_000);
afterAll(async () => {
  await lms?.close();
  await t?.close();
});

const get = (url: string, session?: string | null) =>
  t.cc.app.inject({ url, headers: session ? { authorization: `Bearer ${session}` } : {} });
const code = (res: { json: <T>() => T }) => res.json<ErrorBody>().error.code;
const pathOf = (url: string) => new URL(url).pathname;

async function sessionFor(itemId: string, sub: string, page = 'watch'): Promise<string> {
  return (await ltiLaunch(t, lms, `${base}/${page}/${itemId}`, { sub })).session;
}

describe('enrolled access', () => {
  it('answers strangers 401 on every item, listing, plan and media route, naming what is needed', async () => {
    const item = await t.cc.store.getItem(lecture);
    const version = item!.mediaVersion!;
    for (const url of [
      `/api/items/${lecture}`,
      `/api/items/${lecture}/playback`,
      `/api/courses/${courseId}`,
      '/api/catalog',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(code(res), url).toBe('learner_session_required');
    }
    for (const url of [
      `/media/${lecture}/${version}/master.m3u8`,
      `/origin/media/${lecture}/${version}/master.m3u8`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(code(res), url).toBe('media_link_required');
    }
    const forged = await get(`/m/9999999999.lrn_x.${'A'.repeat(22)}/${lecture}/${version}/master.m3u8`);
    expect(forged.statusCode).toBe(403);
    expect(code(forged)).toBe('media_link_refused');
  });

  it('gives a launched learner signed links that the edge serves and shares between learners', async () => {
    const first = await sessionFor(lecture, 'learner-a');
    const view = (await get(`/api/items/${lecture}`, first)).json<PublicItemResponse>();
    const master = pathOf(view.playback!.hls);
    expect(master).toMatch(new RegExp(`^/m/\\d+\\.lrn_[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}/${lecture}/`));
    const playlist = await get(master);
    expect(playlist.statusCode, playlist.body).toBe(200);
    // Everything the playlists name is relative: it stays under the same link.
    const variant = playlist.body.split('\n').find((l) => l.endsWith('.m3u8'))!;
    const variantPath = master.replace(/master\.m3u8$/, variant);
    const segments = (await get(variantPath)).body;
    const segment = segments.split('\n').find((l) => /\.(m4s|ts)$/.test(l))!;
    const segmentPath = variantPath.replace(/[^/]+$/, segment);
    const miss = await get(segmentPath);
    expect(miss.statusCode).toBe(200);
    expect(String(miss.headers['cache-status'])).toMatch(/fwd=miss/);

    // Another learner's link is another URL for the same object: the edge answers it from its cache.
    const second = await sessionFor(lecture, 'learner-b');
    const theirs = (await get(`/api/items/${lecture}`, second)).json<PublicItemResponse>();
    expect(theirs.playback!.hls).not.toBe(view.playback!.hls);
    const theirSegment = pathOf(theirs.playback!.hls).replace(
      /master\.m3u8$/,
      `${variant.replace(/[^/]+$/, '')}${segment}`,
    );
    const hit = await get(theirSegment);
    expect(hit.statusCode).toBe(200);
    expect(String(hit.headers['cache-status'])).toMatch(/; hit/);
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);

    // The plan's URL is signed the same way.
    const plan = (await get(`/api/items/${lecture}/playback`, first)).json<PlaybackResponse>();
    expect(plan.plan.mode).toBe('vod');
    expect((await get(pathOf(plan.url))).statusCode).toBe(200);
  });

  it('refuses a link moved to another item, an expired one, and a session launched for another item', async () => {
    const session = await sessionFor(lecture, 'learner-c');
    const view = (await get(`/api/items/${lecture}`, session)).json<PublicItemResponse>();
    const master = pathOf(view.playback!.hls);
    const version = (await t.cc.store.getItem(other))!.mediaVersion;
    const moved = master
      .replace(`/${lecture}/`, `/${other}/`)
      .replace(/\/[^/]+\/master/, `/${version}/master`);
    const res = await get(moved);
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().error.message).toMatch(/not signed by this server for this item/);

    const links = createMediaLinks(KEY);
    const lectureVersion = (await t.cc.store.getItem(lecture))!.mediaVersion!;
    const old = links.sign(lecture, lectureVersion, { subject: 'lrn_x', expiresAt: Date.now() / 1000 - 5 });
    const expired = await get(`/m/${old}/${lecture}/${lectureVersion}/master.m3u8`);
    expect(expired.statusCode).toBe(403);
    expect(expired.json<ErrorBody>().error.message).toMatch(/expired/);
    // The origin behind the edge checks the same link: an edge cannot be used to skip it.
    const behind = await get(`/origin/m/${old}/${lecture}/${lectureVersion}/master.m3u8`);
    expect(behind.statusCode).toBe(403);

    const elsewhere = await get(`/api/items/${other}`, session);
    expect(elsewhere.statusCode).toBe(403);
    expect(code(elsewhere)).toBe('learner_forbidden');
    expect((await get('/api/catalog', session)).statusCode).toBe(403);
    const garbage = await get(`/api/items/${lecture}`, 'a.b.c');
    expect(garbage.statusCode).toBe(401);
    expect(code(garbage)).toBe('learner_session_required');
  });

  it('lets the admin (studio) list and preview everything, under links of their own', async () => {
    const catalog = await t.cc.app.inject({ url: `/api/courses/${courseId}`, headers: t.auth });
    expect(catalog.statusCode).toBe(200);
    const view = await t.cc.app.inject({ url: `/api/items/${lecture}`, headers: t.auth });
    const hls = view.json<PublicItemResponse>().playback!.hls;
    expect(pathOf(hls)).toMatch(/^\/m\/\d+\.admin\./);
    expect((await get(pathOf(hls))).statusCode).toBe(200);
  });

  it('opens a module only through its link: the launch frame, then every package file under it', async () => {
    const session = await sessionFor(module_, 'learner-d', 'learn');
    const view = (await get(`/api/items/${module_}`, session)).json<PublicItemResponse>();
    const content = view.content!;
    expect(content.kind).toBe('interactive');
    if (content.kind !== 'interactive') return;
    const frame = new URL(content.launchFrameUrl);
    expect(frame.searchParams.get('link')).toMatch(/^\d+\.lrn_/);
    const parent = new URL(base).origin;
    const launch = await t.cc.content.inject({
      url: `${frame.pathname}${frame.search}&parent=${encodeURIComponent(parent)}`,
    });
    expect(launch.statusCode, launch.body).toBe(200);
    const link = frame.searchParams.get('link')!;
    expect(launch.body).toContain(`/m/${link}/${module_}/`);
    const unlinked = await t.cc.content.inject({
      url: `/launch/${module_}?parent=${encodeURIComponent(parent)}`,
    });
    expect(unlinked.statusCode).toBe(401);
    expect(code(unlinked)).toBe('media_link_required');
    const file = await t.cc.content.inject({ url: pathOf(content.launchUrl) });
    expect(file.statusCode, file.body).toBe(200);
    const plain = await t.cc.content.inject({
      url: pathOf(content.launchUrl).replace(/^\/m\/[^/]+\//, '/media/'),
    });
    expect(plain.statusCode).toBe(401);
  });
});

describe('enrolled access with just-in-time playback', () => {
  it("signs a session's URLs too: its playlists and segments play under the link, not without it", async () => {
    const jit = await startTestServer(
      { lti: { access: 'enrolled', mediaKey: KEY }, jit: { segmentSeconds: 2, preset: 'ultrafast' } },
      { startQueue: false },
    );
    try {
      await jit.cc.listen();
      const course = await createCourse(jit);
      const clip = await mkvClip({ seconds: 6, width: 320, height: 180, codec: 'hevc' });
      const { item } = await uploadLecture(jit, course, clip, 'Not ready yet');
      const res = await jit.cc.app.inject({ url: `/api/items/${item.id}/playback`, headers: jit.auth });
      expect(res.statusCode, res.body).toBe(200);
      const answer = res.json<PlaybackResponse>();
      expect(answer.plan.mode).toBe('transcode');
      const master = pathOf(answer.url);
      expect(master).toMatch(new RegExp(`^/m/\\d+\\.admin\\.[^/]+/${item.id}/jit-`));
      const playlist = await jit.cc.app.inject({ url: master });
      expect(playlist.statusCode, playlist.body).toBe(200);
      const variant = playlist.body.trim().split('\n').pop()!;
      const variantPath = master.replace(/[^/]+$/, variant);
      const segments = (await jit.cc.app.inject({ url: variantPath })).body;
      const first = segments.split('\n').find((l) => /\.(ts|m4s)$/.test(l))!;
      const segment = await jit.cc.app.inject({ url: variantPath.replace(/[^/]+$/, first) });
      expect(segment.statusCode).toBe(200);
      expect(segment.rawPayload.length).toBeGreaterThan(1000);
      const plain = await jit.cc.app.inject({ url: master.replace(/^\/m\/[^/]+\//, '/media/') });
      expect(plain.statusCode).toBe(401);
      await jit.cc.app.inject({
        method: 'DELETE',
        url: pathOf(answer.session!.end) + new URL(answer.session!.end).search,
      });
    } finally {
      await jit.close();
    }
  }, 60_000);
});

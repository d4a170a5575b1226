import path from 'node:path';
import { ItemResponseSchema, PublicItemResponseSchema, type ItemResponse } from '@coursecast/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probedSource } from '../../test-support/probed-source.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { newId } from '../store/index.js';

// `GET /api/items/:id` is public (learners' players read it), so a stranger's answer must hold what a player
// needs and nothing of the server: the admin's answer keeps the files, the probe, the job and FFmpeg's words.

let t: TestServer;
let courseId: string;

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false });
  courseId = newId('crs');
  await t.cc.store.createCourse({ id: courseId, title: 'Signals', description: '' });
});
afterAll(async () => {
  await t?.close();
});

/** FFmpeg's last stderr lines as a failed job keeps them: absolute paths into the data dir. */
function stderrTail(itemId: string): string {
  const source = path.join(t.dataDir, 'uploads', itemId, 'source.mkv');
  return `ffmpeg exited with code 1: [matroska,webm @ 0x55d1] ${source}: Invalid data found when processing input`;
}

/** A video whose first transcode failed: no version, the item and its job carry FFmpeg's message. */
async function failedVideo(): Promise<string> {
  const id = newId('itm');
  const { job } = await t.cc.store.createItemWithJob(
    {
      id,
      courseId,
      kind: 'video',
      title: 'Fourier',
      sourceFile: `uploads/${id}/source.mkv`,
      sourceBytes: 123_456,
      sourceInfo: probedSource(),
      durationSeconds: 61.5,
    },
    { id: newId('job'), itemId: id, maxAttempts: 1 },
  );
  await t.cc.store.updateJob(job.id, { state: 'failed', error: stderrTail(id), errorType: 'ffmpeg_exit' });
  await t.cc.store.updateItem(id, { status: 'failed', error: stderrTail(id) });
  return id;
}

/** A published video whose later re-transcode failed: still ready, but its latest job and error say why. */
async function readyVideoWithFailedRetry(): Promise<{ id: string; version: string }> {
  const id = newId('itm');
  const { job } = await t.cc.store.createItemWithJob(
    {
      id,
      courseId,
      kind: 'video',
      title: 'Laplace',
      sourceFile: `uploads/${id}/source.mkv`,
      sourceBytes: 654_321,
      sourceInfo: probedSource(),
      durationSeconds: 24,
    },
    { id: newId('job'), itemId: id, maxAttempts: 1 },
  );
  const rung = {
    itemId: id,
    name: '360p',
    width: 640,
    height: 360,
    averageBitrate: 800_000,
    peakBitrate: 900_000,
    codecs: 'avc1.64001e,mp4a.40.2',
    mode: 'encode' as const,
    playlist: `${job.id}/360p/index.m3u8`,
    segmentCount: 4,
    bytes: 2_400_000,
  };
  await t.cc.store.completeTranscode(job.id, [rung], {
    status: 'ready',
    mediaVersion: job.id,
    posterFile: `media/${id}/${job.id}/poster.jpg`,
  });
  const retry = await t.cc.store.createJob({ id: newId('job'), itemId: id, maxAttempts: 1 });
  await t.cc.store.updateJob(retry.id, { state: 'failed', error: stderrTail(id), errorType: 'ffmpeg_exit' });
  await t.cc.store.updateItem(id, { error: stderrTail(id) });
  return { id, version: job.id };
}

const stranger = (id: string, headers: Record<string, string> = {}) =>
  t.cc.app.inject({ url: `/api/items/${id}`, headers });
const admin = (id: string) => t.cc.app.inject({ url: `/api/items/${id}`, headers: t.auth });

/** Every string value in a JSON answer. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Nothing of the server in a stranger's answer: no path, no probe, no FFmpeg text, no job. */
function expectNothingPrivate(body: string): void {
  expect(body).not.toContain(t.dataDir);
  expect(body).not.toMatch(/uploads|source\.mkv|Invalid data|ffmpeg|matroska|hevc|yuv420p|123456|654321/);
  expect(body).not.toMatch(/"(error|errorType|job|renditions|source|sourceBytes|posterFile|mediaVersion)"/);
  for (const s of strings(JSON.parse(body))) {
    // A URL is fine when it names a published file; any other string must not be a path on this machine.
    if (/^https?:\/\//.test(s)) expect(new URL(s).pathname, s).toMatch(/^\/media\//);
    else expect(s, s).not.toMatch(/^\/|^[A-Za-z]:[\\/]|\\/);
  }
}

describe('GET /api/items/:id for a stranger', () => {
  it('answers a failed video with its status word and nothing of why', async () => {
    const id = await failedVideo();
    const res = await stranger(id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      item: {
        id,
        courseId,
        kind: 'video',
        title: 'Fourier',
        status: 'failed',
        durationSeconds: 61.5,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
      playback: null,
      content: null,
    });
    expect(PublicItemResponseSchema.parse(res.json())).toEqual(res.json());
    expectNothingPrivate(res.body);
    // The answer differs by the Authorization header: a cache must not hand an admin's answer to a stranger.
    expect(res.headers.vary).toMatch(/authorization/i);
  });

  it('answers a ready video with its playback URLs, even when a later re-transcode failed', async () => {
    const { id, version } = await readyVideoWithFailedRetry();
    const res = await stranger(id);
    const body = res.json<{ item: { status: string }; playback: { hls: string; poster: string | null } }>();
    expect(body.item.status).toBe('ready');
    expect(new URL(body.playback.hls).pathname).toBe(`/media/${id}/${version}/master.m3u8`);
    expect(new URL(body.playback.poster!).pathname).toBe(`/media/${id}/${version}/poster.jpg`);
    expect(Object.keys(body).sort()).toEqual(['content', 'item', 'playback']);
    expectNothingPrivate(res.body);
  });

  it('answers a published document with its delivery, which names no server path', async () => {
    const id = newId('itm');
    await t.cc.store.createReadyItem({
      id,
      courseId,
      kind: 'document',
      title: 'Handout',
      sourceFile: `uploads/${id}/source.pdf`,
      sourceBytes: 2048,
      sourceInfo: {
        document: { format: 'pdf', contentType: 'application/pdf', bytes: 2048, fileName: 'handout.pdf' },
      },
      durationSeconds: null,
      mediaVersion: 'v1',
    });
    const res = await stranger(id);
    expect(res.json()).toMatchObject({
      item: { kind: 'document', status: 'ready' },
      playback: null,
      content: { kind: 'document', fileName: 'handout.pdf', bytes: 2048 },
    });
    expect(new URL(res.json<{ content: { url: string } }>().content.url).pathname).toBe(
      `/media/${id}/v1/handout.pdf`,
    );
    expect(res.body).not.toMatch(/source\.pdf|uploads/);
    expectNothingPrivate(res.body);
  });

  it('gives the public answer to other Authorization schemes, and refuses a wrong admin token', async () => {
    const id = await failedVideo();
    // A site behind HTTP basic auth sends its own credentials with every request: learners still play.
    const basic = await stranger(id, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.statusCode).toBe(200);
    expectNothingPrivate(basic.body);
    // A mistyped admin token fails loudly rather than passing for a stranger's smaller answer.
    const wrong = await stranger(id, { authorization: 'Bearer not-the-token' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await stranger('itm_nope')).json()).toMatchObject({ error: { code: 'item_not_found' } });
  });
});

describe('GET /api/items/:id for an admin', () => {
  it('answers the full item: probe, error, renditions and the latest job with its stderr', async () => {
    const failed = await failedVideo();
    const res = await admin(failed);
    const body = res.json<ItemResponse>();
    expect(ItemResponseSchema.parse(body)).toEqual(body);
    expect(body.item).toMatchObject({
      status: 'failed',
      error: stderrTail(failed),
      sourceBytes: 123_456,
      source: { container: 'matroska', video: { codec: 'hevc' } },
    });
    expect(body.job).toMatchObject({ state: 'failed', error: stderrTail(failed) });
    expect(body.renditions).toEqual([]);
    expect(res.headers.vary).toMatch(/authorization/i);

    const { id, version } = await readyVideoWithFailedRetry();
    const ready = (await admin(id)).json<ItemResponse>();
    expect(ready.item).toMatchObject({ status: 'ready', mediaVersion: version, error: stderrTail(id) });
    expect(ready.renditions.map((r) => r.name)).toEqual(['360p']);
    expect(ready.job).toMatchObject({ state: 'failed', errorType: 'ffmpeg_exit' });
    expect(ready.playback?.hls).toMatch(new RegExp(`/media/${id}/${version}/master\\.m3u8$`));
  });
});

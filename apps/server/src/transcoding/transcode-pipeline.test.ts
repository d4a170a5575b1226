import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';

let t: TestServer;
let courseId: string;
let clip: string;

function uploadClip(file = clip, title = 'Lecture') {
  return uploadLecture(t, courseId, file, title);
}

beforeAll(async () => {
  clip = await testClip({ seconds: 3, width: 640, height: 360 });
  t = await startTestServer();
  courseId = await createCourse(t);
});
afterAll(async () => {
  await t?.close();
});

describe('upload → transcode → playback', () => {
  let itemId: string;
  let masterPath: string;
  let sseBody: string;

  beforeAll(async () => {
    const { item, job } = await uploadClip();
    itemId = item.id;
    // The SSE stream ends by itself when the job does, so inject() resolves with every frame.
    const events = await t.cc.app.inject({ url: `/api/jobs/${job.id}/events`, headers: t.auth });
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    sseBody = events.body;
  });

  it('streams progress as Server-Sent Events and ends with the outcome', () => {
    const frames = sseBody.split('\n\n').filter(Boolean);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatch(/^event: done\ndata: .*"state":"succeeded"/);
    expect(sseBody).toMatch(/event: progress\ndata: .*"state":"running"/);
  });

  it('makes the item ready with measured renditions and a playback URL', async () => {
    // Renditions and the job are in the admin's answer only.
    const res = await t.cc.app.inject({ url: `/api/items/${itemId}`, headers: t.auth });
    const view = res.json() as {
      item: { status: string; posterFile: string | null };
      renditions: {
        name: string;
        height: number;
        averageBitrate: number;
        peakBitrate: number;
        codecs: string;
        segmentCount: number;
      }[];
      job: { state: string; progress: number; attempts: number };
      playback: { hls: string; poster: string } | null;
    };
    expect(view.item.status).toBe('ready');
    expect(view.renditions.map((r) => r.name)).toEqual(['360p', '240p']);
    for (const r of view.renditions) {
      expect(r.averageBitrate).toBeGreaterThan(0);
      expect(r.peakBitrate).toBeGreaterThanOrEqual(r.averageBitrate);
      expect(r.codecs).toMatch(/^avc1\.[0-9a-f]{6}/i);
      expect(r.segmentCount).toBeGreaterThanOrEqual(1);
    }
    expect(view.job).toMatchObject({ state: 'succeeded', progress: 100, attempts: 1 });
    expect(view.playback?.hls).toMatch(
      new RegExp(`/media/${itemId}/${(view.job as unknown as { id: string }).id}/master\\.m3u8$`),
    );
    masterPath = new URL(view.playback!.hls).pathname;
    expect(view.playback?.poster).toMatch(/poster\.jpg$/);
  });

  it('serves the master playlist with every rung, and its media playlists', async () => {
    const master = await t.cc.app.inject({ url: masterPath });
    expect(master.statusCode).toBe(200);
    expect(master.headers['content-type']).toMatch(/mpegurl/);
    const streams = master.body.match(/#EXT-X-STREAM-INF:[^\n]*/g) ?? [];
    expect(streams).toHaveLength(2);
    for (const s of streams) expect(s).toMatch(/BANDWIDTH=\d+.*RESOLUTION=\d+x\d+/);
    expect(master.body).toMatch(/CODECS="avc1/);
    const variants = master.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(variants.length).toBeGreaterThanOrEqual(2);
    const media = await t.cc.app.inject({ url: masterPath.replace('master.m3u8', variants[0]!) });
    expect(media.statusCode).toBe(200);
    expect(media.body).toMatch(/#EXT-X-ENDLIST/);
    expect(
      (await t.cc.app.inject({ url: `/media/${itemId}/hls/../../../coursecast.duckdb` })).statusCode,
    ).toBe(404);
  });

  it('traces the job with one child span per quality', async () => {
    await t.cc.instrumentation.forceFlush();
    const spans = t.spans.getFinishedSpans();
    const job = spans.find(
      (s) => s.name === 'content.transcode_video' && s.attributes['content.video_id'] === itemId,
    );
    expect(job).toBeDefined();
    expect(job!.attributes).toMatchObject({
      'content.course_id': courseId,
      'content.target_qualities': '360p,240p',
      'content.source.codec': 'h264',
      'content.source.container': 'mov',
      'content.source.resolution': '640x360',
      'content.qualities_completed': 2,
      'content.frame_timing': 'constant',
    });
    expect(job!.events.map((e) => e.name)).not.toContain('rung kept the encoder timing');
    expect(job!.status.code).toBe(1);
    const children = spans.filter((s) => s.parentSpanContext?.spanId === job!.spanContext().spanId);
    const names = children.map((s) => s.name).sort();
    expect(names).toEqual(['content.probe', 'content.transcode_240p', 'content.transcode_360p']);
    const q360 = children.find((s) => s.name === 'content.transcode_360p')!;
    expect(q360.attributes).toMatchObject({
      'content.target_quality': '360p',
      'content.target_resolution': '640x360',
    });
    expect(q360.attributes['content.output_bitrate']).toBeGreaterThan(0);
  });

  it('exposes content_transcode_duration_seconds buckets on /metrics', async () => {
    const res = await t.cc.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /content_transcode_duration_seconds_bucket\{[^}]*content_quality="360p"[^}]*le="1"/,
    );
    expect(res.body).toMatch(
      /content_transcode_duration_seconds_count\{[^}]*content_quality="240p"[^}]*\} 1/,
    );
    expect(res.body).toMatch(/content_transcode_speed_bucket/);
    expect(res.body).toMatch(/content_transcode_jobs\{[^}]*content_job_state="succeeded"[^}]*\} [1-9]/);
    expect(res.body).toMatch(/content_transcode_queue_depth/);
    expect(res.body).not.toContain(itemId);
  });

  it('deletes the item with its files and leaves other items alone', async () => {
    const other = await uploadClip(clip, 'Other');
    await waitForJob(t.cc.store, other.job.id);
    const res = await t.cc.app.inject({ method: 'DELETE', url: `/api/items/${itemId}`, headers: t.auth });
    expect(res.statusCode).toBe(204);
    expect(existsSync(path.join(t.dataDir, 'media', itemId))).toBe(false);
    expect(existsSync(path.join(t.dataDir, 'uploads', itemId))).toBe(false);
    expect((await t.cc.app.inject({ url: `/api/items/${itemId}` })).statusCode).toBe(404);
    expect((await t.cc.app.inject({ url: masterPath })).statusCode).toBe(404);
    const otherView = (await t.cc.app.inject({ url: `/api/items/${other.item.id}` })).json<{
      playback: { hls: string };
    }>();
    expect((await t.cc.app.inject({ url: new URL(otherView.playback.hls).pathname })).statusCode).toBe(200);
    expect(await readdir(path.join(t.dataDir, 'media'))).toEqual([other.item.id]);
  });
});

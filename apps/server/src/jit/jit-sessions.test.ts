import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { FFMPEG, FFPROBE, mkvClip } from '../../test-support/media-fixtures.js';
import { findProcesses } from '../../test-support/processes.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

const run = promisify(execFile);
let t: TestServer;
let base: string;
let courseId: string;
let hevc: string;

beforeAll(async () => {
  t = await startTestServer(
    {
      jit: {
        segmentSeconds: 2,
        idleTimeoutSeconds: 2,
        preset: 'veryfast',
        maxHeight: 360,
        lookaheadSegments: 2,
      },
    },
    { startQueue: false },
  );
  base = await t.cc.listen();
  courseId = await createCourse(t);
  hevc = await mkvClip({ seconds: 24, width: 640, height: 360, codec: 'hevc' });
});
afterAll(() => t.close());

async function openSession(itemId: string): Promise<{ url: string; id: string }> {
  const res = await fetch(`${base}/api/items/${itemId}/playback`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { plan: { mode: string }; url: string; session: { id: string } };
  expect(body.plan.mode).toBe('transcode');
  return { url: body.url, id: body.session.id };
}

const segment = (playlist: string, i: number) =>
  playlist.replace('index.m3u8', `seg_${String(i).padStart(5, '0')}.ts`);
const encoders = (sessionId: string) => findProcesses(sessionId).length;

describe('just-in-time sessions with FFmpeg', () => {
  it('transcodes an HEVC MKV on demand, moves the encoder for a far seek, and an HLS client plays it all', async () => {
    const { item } = await uploadLecture(t, courseId, hevc);
    const s = await openSession(item.id);
    const playlist = await (await fetch(s.url)).text();
    expect(playlist.match(/#EXTINF/g)).toHaveLength(12);
    const first = await fetch(segment(s.url, 0));
    expect(first.status).toBe(200);
    const file = path.join(t.dataDir, 'seg0.ts');
    await writeFile(file, Buffer.from(await first.arrayBuffer()));
    const probe = await run(FFPROBE, [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,height',
      '-of',
      'csv=p=0',
      file,
    ]);
    expect(probe.stdout).toContain('h264,360');
    expect((await fetch(segment(s.url, 10))).status).toBe(200);
    const listed = await t.cc.app.inject({ url: '/api/sessions', headers: t.auth });
    const mine = listed
      .json<{ sessions: { id: string; encoder: { startIndex: number } | null }[] }>()
      .sessions.find((x) => x.id === s.id);
    expect(mine?.encoder?.startIndex).toBe(10);
    expect(encoders(s.id)).toBeLessThanOrEqual(1);
    await run(FFMPEG, ['-v', 'error', '-i', s.url, '-map', '0', '-c', 'copy', '-f', 'null', '-']);
    await t.cc.instrumentation.forceFlush();
    const span = t.spans.getFinishedSpans().filter((x) => x.name === 'hls.encoder_start');
    expect(span.length).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const m of [
      'hls_session_start_duration_seconds_count',
      'hls_session_first_segment_duration_seconds_count',
      'hls_ffmpeg_startup_duration_seconds_count',
      'hls_segment_generation_duration_seconds_count',
      'hls_segment_wait_duration_seconds_count',
      'hls_sessions_active',
    ]) {
      expect(metrics).toContain(m);
    }
    const closed = await fetch(`${base}/api/sessions/${s.id}`, { method: 'DELETE' });
    expect(closed.status).toBe(204);
    await vi.waitFor(() => expect(encoders(s.id)).toBe(0));
  });

  it('keeps one encoder through 20 seeks back and forth, then reaps the idle session on time', async () => {
    const { item } = await uploadLecture(t, courseId, hevc);
    const s = await openSession(item.id);
    let maxAlive = 0;
    const started = Date.now();
    for (let k = 0; k < 20; k++) {
      const res = await fetch(segment(s.url, k % 2 === 0 ? 11 - (k % 4) : k % 5));
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      maxAlive = Math.max(maxAlive, encoders(s.id));
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(maxAlive).toBeLessThanOrEqual(1);
    // idleTimeoutSeconds is 2: with no requests and no heartbeat the session goes, with its FFmpeg and files.
    const dir = path.join(t.dataDir, 'jit', s.id);
    await vi.waitFor(() => expect(existsSync(dir)).toBe(false), { timeout: 6000, interval: 200 });
    expect(encoders(s.id)).toBe(0);
    const gone = await fetch(segment(s.url, 6)); // never fetched: the edge holds the others
    expect(gone.status).toBe(410);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // Reaped idle: `completed` when the encoder had written every segment by then, `timeout` otherwise.
    expect(metrics).toMatch(
      /hls_sessions_ended_total\{[^}]*hls_session_end_reason="(timeout|completed)"[^}]*\} [1-9]/,
    );
  });

  it('answers a clear 502 when FFmpeg fails on the source, counts it by codec and container, ends the session', async () => {
    const { item } = await uploadLecture(t, courseId, hevc);
    const stored = await t.cc.store.getItem(item.id);
    await writeFile(t.cc.paths.resolve(stored!.sourceFile!), Buffer.alloc(4096, 0x42));
    const s = await openSession(item.id);
    const res = await fetch(segment(s.url, 0));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'transcode_failed' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /hls_transcode_errors_total\{[^}]*content_source_codec="hevc"[^}]*content_source_container="mkv"[^}]*\} 2/,
    );
    await vi.waitFor(async () =>
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
        /hls_sessions_ended_total\{[^}]*hls_session_end_reason="error"/,
      ),
    );
  });
});

// docs/grafana/coursecast-server.json against a real Prometheus scraping a real coursecast: every query of
// every panel must return data, so a misspelt metric, label or value fails here rather than on an
// operator's screen. The server sees a little of everything (edge misses and hits, players' CMCD, valid and
// malformed, just-in-time sessions that play, time out and fail, a real transcode and a broken one) in two
// rounds with a scrape between them, so rates and quantiles have something to differ from.
import { probedSource } from '../../test-support/probed-source.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaInfo } from '@coursecast/media';
import { METRIC_CATALOG } from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepareSession } from '../jit/jit-service.js';
import { newId } from '../store/index.js';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { fakeJitMedia } from '../../test-support/fake-jit-media.js';
import {
  emptyQueries,
  importProblems,
  loadDashboard,
  missingMetrics,
  panelProblems,
  panelsOf,
  scrapeTwoRounds,
  substitute,
  variableProblems,
  type GrafanaDashboard,
} from '../../test-support/grafana-kit.js';
import { testClip } from '../../test-support/media-fixtures.js';
import type { PrometheusProcess } from '../../test-support/prometheus-process.js';
import { patternBytes, publishItem, registerSource } from '../../test-support/published-item.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../../test-support/test-server.js';
import { waitForJob } from '../../test-support/wait.js';

const DASHBOARD_FILE = new URL('../../../../docs/grafana/coursecast-server.json', import.meta.url);
// The metric families this dashboard is about (what the server itself does). The player's and ingest's
// metrics (content.views, ingest.*, ...) describe viewers, not the server: see grafana-playback.test.ts.
const SERVER_FAMILIES = ['content.transcode.', 'cdn.', 'hls.', 'http.server.'];

let dashboard: GrafanaDashboard;
let t: TestServer;
let prom: PrometheusProcess;
let base: string;
let courseId: string;
let clip: string;
// Items whose (fake) encoder fails, as FFmpeg does on a source it cannot decode.
const failingSources = new Set<string>();

/** HEVC in Matroska: no browser plays it, so playback opens a just-in-time `transcode` session. */
const HEVC_MKV: MediaInfo = probedSource();

/**
 * The fake media side, plus what it lacks for these metrics: a first `-progress` report (FFmpeg startup)
 * and, for the items in `failingSources`, an encoder that exits with an error at once.
 */
function jitMedia(): PrepareSession {
  const fake = fakeJitMedia(() => t.dataDir);
  return async (sessionId, item, plan) => {
    const prepared = await fake(sessionId, item, plan);
    return {
      ...prepared,
      startEncoder(startIndex, generation, events) {
        const fails = failingSources.has(item.id);
        const timer = setTimeout(() => {
          if (fails) events.exit({ reason: 'failed', message: 'ffmpeg exited with code 1 (fake)' });
          else events.firstProgress(5);
        }, 5);
        const encoder = fails ? null : prepared.startEncoder(startIndex, generation, events);
        return {
          startIndex,
          async stop() {
            clearTimeout(timer);
            await encoder?.stop();
          },
        };
      },
    };
  };
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${base}${url}`, init);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

async function expectStatus(url: string, status: number, init: RequestInit = {}): Promise<void> {
  const res = await get(url, init);
  if (res.status !== status)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status}: ${res.body.toString()}`);
}

const admin = { authorization: `Bearer ${TEST_TOKEN}` };

/**
 * The CMCD (CTA-5004, query mode) a player like hls.js sends with each object: the object type on every request,
 * buffer length and bitrate on segments, `bs` on the first request after the buffer ran dry. The poster is the
 * page's, not the player's: it carries none.
 */
const PLAYER_CMCD: Readonly<Record<string, string>> = {
  'master.m3u8': 'ot=m,sf=h,sid="grafana-view"',
  'v0/index.m3u8': 'ot=m,sf=h,sid="grafana-view"',
  'v0/seg_00000.m4s': 'bl=3200,br=800,bs,d=4000,ot=v,sf=h,sid="grafana-view"',
};

/** Edge traffic: misses, hits, a coalesced burst, players' CMCD and malformed CMCD, then a purge. */
async function edgeRound(): Promise<void> {
  const item = await publishItem(t.cc, {
    'master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nv0/index.m3u8\n',
    'v0/index.m3u8': '#EXTM3U\n#EXTINF:4.0,\nseg_00000.m4s\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n',
    'v0/seg_00000.m4s': patternBytes(64_000, 1),
    'v0/seg_00001.m4s': patternBytes(64_000, 2),
    'poster.jpg': patternBytes(8_000, 3),
  });
  // Concurrent misses on one object: one origin fetch, the others wait on it.
  await Promise.all(Array.from({ length: 4 }, () => expectStatus(item.mediaPath('v0/seg_00001.m4s'), 200)));
  for (const pass of [1, 2]) {
    for (const file of ['master.m3u8', 'v0/index.m3u8', 'v0/seg_00000.m4s', 'poster.jpg']) {
      // The second pass hits the cache; its CMCD is malformed (counted, and the object still served).
      const sent = pass === 2 ? 'br="x",sid=5' : PLAYER_CMCD[file];
      const cmcd = sent === undefined ? '' : `?CMCD=${encodeURIComponent(sent)}`;
      await expectStatus(`${item.mediaPath(file)}${cmcd}`, 200);
    }
  }
  await expectStatus(`/api/items/${item.itemId}`, 204, { method: 'DELETE', headers: admin });
}

/** Opens a just-in-time session for a new HEVC item and loads its playlist through the edge. */
async function openSession(
  viewer: string,
  failing = false,
): Promise<{ id: string; playlist: string; end: string }> {
  // Only the probed facts exist, no file: the item's queued transcode fails in the background, unseen here.
  const { itemId } = await registerSource(t.cc, HEVC_MKV);
  if (failing) failingSources.add(itemId);
  const res = await fetch(`${base}/api/items/${itemId}/playback?viewer=${viewer}`);
  const body = (await res.json()) as {
    plan: { mode: string };
    url: string;
    session: { id: string; end: string };
  };
  if (res.status !== 200 || body.plan.mode !== 'transcode')
    throw new Error(`playback answered ${res.status}: ${JSON.stringify(body)}`);
  // The answer names the session's master playlist; a player reads it, then the variant beside it.
  const master = new URL(body.url).pathname;
  await expectStatus(master, 200);
  const playlist = master.replace('master.m3u8', 'index.m3u8');
  await expectStatus(playlist, 200);
  const end = new URL(body.session.end);
  return { id: body.session.id, playlist, end: end.pathname + end.search };
}

/** Sessions that end each way the panels show: closed by the player, timed out, failed. */
async function jitRound(round: number): Promise<void> {
  const played = await openSession(`played-${round}`);
  for (const seg of [0, 1, 2, 1])
    await expectStatus(played.playlist.replace('index.m3u8', `seg_0000${seg}.ts`), 200);
  await expectStatus(played.end, 204, { method: 'DELETE' });
  // A viewer who loaded the playlist and left: the session idles out before its segments exist.
  const idle = await openSession(`idle-${round}`);
  // The encoder fails twice, the session ends with `error`, and the edge passes the 502 on.
  const broken = await openSession(`broken-${round}`, true);
  await expectStatus(broken.playlist.replace('index.m3u8', 'seg_00000.ts'), 502);
  const deadline = Date.now() + 10_000;
  while (t.cc.jit!.list().some((s) => s.session.id === idle.id)) {
    if (Date.now() > deadline) throw new Error(`session ${idle.id} did not time out`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A stored source that is not media (uploaded fine, broken on disk since): its job fails at the probe. */
async function corruptSourceJob(): Promise<string> {
  const itemId = newId('itm');
  const jobId = newId('job');
  const sourceFile = `uploads/${itemId}/source.mp4`;
  const file = path.join(t.dataDir, sourceFile);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, patternBytes(50_000, 7));
  await t.cc.store.createItemWithJob(
    {
      id: itemId,
      courseId,
      kind: 'video',
      title: 'Corrupt lecture',
      sourceFile,
      sourceBytes: 50_000,
      sourceInfo: null,
      durationSeconds: 2,
    },
    { id: jobId, itemId, maxAttempts: 1 },
  );
  t.cc.queue.notify();
  return jobId;
}

/** One real (tiny) transcode through the upload API, and one that fails. */
async function transcodeRound(): Promise<void> {
  const { job } = await uploadLecture(t, courseId, clip);
  const corrupt = await corruptSourceJob();
  expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');
  expect(await waitForJob(t.cc.store, corrupt)).toMatchObject({
    state: 'failed',
    errorType: 'invalid_media',
  });
}

async function activity(round: number): Promise<void> {
  // Settled, not raced: when one part fails, none may still be running while afterAll closes the server.
  const results = await Promise.allSettled([edgeRound(), jitRound(round), transcodeRound()]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

beforeAll(async () => {
  dashboard = await loadDashboard(DASHBOARD_FILE);
  clip = await testClip({ seconds: 2, width: 320, height: 240 });
  t = await startTestServer({ jit: { idleTimeoutSeconds: 1 } }, { prepareSession: jitMedia() });
  base = await t.cc.listen();
  courseId = await createCourse(t);
  prom = await scrapeTwoRounds(new URL(base).host, activity);
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await t?.close();
});

describe('the Grafana dashboard', () => {
  it('imports anywhere: a datasource input and variable, job and instance variables', () => {
    expect(importProblems(dashboard)).toEqual([]);
  });

  it('gives every panel a title, a description, a unit and queries over the templated datasource', () => {
    expect(panelsOf(dashboard).length).toBeGreaterThanOrEqual(20);
    expect(panelProblems(dashboard)).toEqual([]);
  });

  it('shows every server metric of the catalog', () => {
    const server = METRIC_CATALOG.filter((m) => SERVER_FAMILIES.some((f) => m.name.startsWith(f)));
    expect(missingMetrics(dashboard, server)).toEqual([]);
  });

  it('finds this server through its job and instance variables', async () => {
    expect(await variableProblems(dashboard, prom)).toEqual([]);
  });

  it('answers every panel query with data from a real Prometheus', async () => {
    const empty = await emptyQueries(dashboard, prom);
    expect(empty, `queries without data:\n${empty.join('\n')}`).toEqual([]);
  });

  it('counts what players report in CMCD by object type, and only valid CMCD', async () => {
    // The panels group by cmcd_object_type: a misspelt label would still draw, as one unlabelled line.
    const byType = async (metric: string): Promise<string[]> =>
      (
        await prom.query(
          substitute(`sum by (cmcd_object_type) (${metric}{job=~"$job", instance=~"$instance"})`, prom),
        )
      ).map((s) => `${s.metric['cmcd_object_type']} ${s.value[1]}`);
    // One segment request with bl, br and bs in each round; the malformed CMCD of the second pass is not counted.
    expect(await byType('cdn_cmcd_buffer_length_seconds_count')).toEqual(['v 2']);
    expect(await byType('cdn_cmcd_bitrate_kbit_per_second_count')).toEqual(['v 2']);
    expect(await byType('cdn_cmcd_buffer_starvations_total')).toEqual(['v 2']);
  });

  it('tells an encoder that never started from one that crashed mid-stream', async () => {
    // The fake encoder of a broken source exits before its first segment, as FFmpeg does on a bad input.
    const byType = await prom.query(
      substitute(
        'sum by (error_type) (hls_transcode_errors_total{job=~"$job", instance=~"$instance"})',
        prom,
      ),
    );
    expect(byType.map((s) => s.metric['error_type'])).toEqual(['ffmpeg_startup']);
  });
});

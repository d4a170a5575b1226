// The "done when": a fresh `coursecast demo` shows the server-side panels filled in the dashboard.
// The real CLI runs as a child process (small and fast: a 4 s 360p lecture, a two-rung ultrafast ladder, a
// 1 s metric export), then the test does what a demo user would: plays the ladder through the edge, uploads
// an HEVC MKV and watches it just in time while its VOD transcode runs, ends that session. Chromium then
// opens the printed dashboard URL, and every server panel must show data. Last, SIGTERM must stop the demo
// within seconds, with no FFmpeg left behind.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, openAsBlob, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseVariantPlaylist } from '@coursecast/media';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPanelEmpty } from '../apps/web/src/dashboard/panel-data.js';
import { mkvClip } from '../apps/server/test-support/media-fixtures.js';
import { findProcesses } from '../apps/server/test-support/processes.js';
import { launchChromium } from './support/chromium.js';
import { openPage, settledStates, signIn } from './support/dashboard-page.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SHOT = fileURLToPath(new URL('./artifacts/dashboard-demo.png', import.meta.url));
const TOKEN = 'e2e-dashboard-demo-token-0123456789';
/** The panels the server's own telemetry feeds: what the demo plus the traffic below must fill. */
const SERVER_PANELS = [
  'transcode-speed',
  'jit-first-segment',
  'ffmpeg-segment-generation',
  'session-timeouts',
  'cdn-hit-ratio',
  'origin-latency',
  'active-sessions',
];
/** What Chromium's MediaSource plays (as the SDK reports it): HEVC is not in it, so an HEVC MKV needs JIT. */
const CHROMIUM_CAPABILITIES = 'videoCodecs=h264,vp9,av1&audioCodecs=aac,mp3,opus&containers=mp4,webm';
/**
 * The CLI's bin (apps/server/bin/coursecast.js) runs `runCli(process.argv)` from dist/; this is the same
 * call through the package's entry on its TypeScript source (`--conditions=source`), so the test never runs a
 * stale build.
 */
const LAUNCHER =
  "import { runCli } from '@coursecast/server'; " +
  "process.exitCode = await runCli(['node', 'coursecast', ...process.argv.slice(1)]);";

type Child = ChildProcessByStdio<null, Readable, Readable>;

let browser: Browser;
let dataDir: string;
let demo: Child;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let stderr = '';
/** From the demo's "coursecast is serving at" block. */
let base: string;
let master: string;
let dashboard: string;
let handout: string;
let module: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = { authorization: `Bearer ${TOKEN}` };
const alive = () => demo?.exitCode === null && demo.signalCode === null;
/** The end of the demo's stderr, for failure messages. */
const stderrTail = () => stderr.slice(-4000);

/** Kills the demo and whatever it spawned (its process group), when a test did not stop it already. */
function killDemo(): void {
  if (!demo?.pid || !alive()) return;
  try {
    process.kill(-demo.pid, 'SIGKILL');
  } catch {
    // Already gone between the check and the kill.
  }
}

/** Reads the demo's stdout until the "serving" block is complete; returns its lines. */
async function servingBlock(child: Child, timeoutMs: number): Promise<string[]> {
  const lines: string[] = [];
  const timer = setTimeout(
    () => child.stdout.destroy(new Error(`no serving block in ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    let inBlock = false;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('coursecast is serving at')) inBlock = true;
      if (!inBlock) continue;
      // The block ends with an empty line.
      if (line === '') return lines;
      lines.push(line);
    }
  } catch (err) {
    throw new Error(`${String(err)}; demo stderr:\n${stderrTail()}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`the demo's stdout ended before its serving block; stderr:\n${stderrTail()}`);
}

function field(lines: string[], label: string): string {
  const line = lines.find((l) => l.trimStart().startsWith(label));
  const url = line?.trimStart().slice(label.length).trim().split(/\s+/)[0];
  if (!url?.startsWith('http')) throw new Error(`no ${label} URL in the demo's block:\n${lines.join('\n')}`);
  return url;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

/** Fetches a media playlist, its init segment and its first `n` segments, each to the end of its body. */
async function playFirstSegments(playlistUrl: string, n: number): Promise<string[]> {
  const playlist = parseVariantPlaylist(await (await get(playlistUrl)).text());
  const uris = [
    ...(playlist.mapUri ? [playlist.mapUri] : []),
    ...playlist.segments.slice(0, n).map((s) => s.uri),
  ];
  const cacheStatuses: string[] = [];
  for (const uri of uris) {
    const res = await get(new URL(uri, playlistUrl).href);
    await res.arrayBuffer();
    cacheStatuses.push(res.headers.get('cache-status') ?? '-');
  }
  expect(playlist.segments.length, playlistUrl).toBeGreaterThanOrEqual(n);
  return cacheStatuses;
}

/** Uploads the HEVC MKV into the demo's course through the API (its VOD transcode is queued at once). */
async function uploadHevc(title: string): Promise<{ item: { id: string }; job: { id: string } }> {
  const courses = (await (await get(`${base}/api/courses`, auth)).json()) as {
    courses: { id: string; title: string }[];
  };
  const course = courses.courses.find((c) => c.title === 'Sample course');
  if (!course) throw new Error(`no demo course in ${JSON.stringify(courses)}`);
  const clip = await mkvClip({ seconds: 40, width: 640, height: 360, codec: 'hevc' });
  const form = new FormData();
  form.set('title', title);
  form.set('file', await openAsBlob(clip, { type: 'video/x-matroska' }), path.basename(clip));
  const res = await fetch(`${base}/api/courses/${course.id}/uploads`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  const uploaded = (await res.json()) as { item: { id: string }; job: { id: string } };
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(uploaded)}`);
  return uploaded;
}

/** The variant a master playlist lists first, as an absolute URL (what a player fetches next). */
async function firstVariant(masterUrl: string): Promise<string> {
  const text = await (await get(masterUrl)).text();
  const uri = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  expect(uri, text).toBeDefined();
  return new URL(uri!.trim(), masterUrl).href;
}

/**
 * Chromium's playback request for an item whose ladder is not ready: it must open a just-in-time session. `url`
 * is the session's master playlist; `playlist`, the variant it lists.
 */
async function jitPlayback(
  itemId: string,
): Promise<{ url: string; playlist: string; sessionId: string; end: string }> {
  const res = await get(`${base}/api/items/${itemId}/playback?${CHROMIUM_CAPABILITIES}`);
  const playback = (await res.json()) as {
    plan: { mode: string };
    url: string;
    session: { id: string; end: string } | null;
  };
  expect(['transcode', 'remux'], JSON.stringify(playback)).toContain(playback.plan.mode);
  expect(playback.session, JSON.stringify(playback)).not.toBeNull();
  expect(playback.url).toMatch(/\/master\.m3u8$/);
  const playlist = await firstVariant(playback.url);
  return { url: playback.url, playlist, sessionId: playback.session!.id, end: playback.session!.end };
}

/** Pids of the FFmpeg processes working on the demo's data dir (every one it starts names it). */
function demoFfmpegs(): number[] {
  return findProcesses(dataDir).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg';
    } catch {
      return false; // Ended while we looked.
    }
  });
}

/** Polls the admin API until every server panel holds data by the page's own rule; returns how long. */
async function waitForServerPanels(timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const empty: Record<string, unknown> = {};
    for (const id of SERVER_PANELS) {
      const { data } = (await (await get(`${base}/api/dashboard/panels/${id}`, auth)).json()) as {
        data: unknown;
      };
      if (isPanelEmpty(id, data)) empty[id] = data;
    }
    if (Object.keys(empty).length === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `still empty ${timeoutMs} ms after the traffic: ${JSON.stringify(empty)}\ndemo stderr:\n${stderrTail()}`,
      );
    }
    await sleep(250);
  }
}

beforeAll(async () => {
  // Launched first: a missing Chromium fails here with the setup hint, before any FFmpeg work.
  browser = await launchChromium();
  dataDir = await mkdtemp(path.join(tmpdir(), 'cc-dashboard-demo-'));
  // The demo's configuration is this test's alone: nothing inherited from the shell steers it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COURSECAST_')));
  demo = spawn(
    process.execPath,
    // Port 0: the OS picks a free one and the demo prints the bound port in its URLs (no probe-then-bind race).
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      LAUNCHER,
      '--',
      ...['--port', '0', '--data-dir', dataDir, 'demo', '--seconds', '4', '--height', '360'],
    ],
    {
      cwd: REPO,
      env: {
        ...env,
        COURSECAST_ADMIN_TOKEN: TOKEN,
        COURSECAST_SERVER_METRIC_INTERVAL_MS: '1000',
        COURSECAST_LADDER: '360,240',
        COURSECAST_X264_PRESET: 'ultrafast',
        // 2 s segments: the 4 s lecture has two of them to play, a miss and then a hit each.
        COURSECAST_SEGMENT_SECONDS: '2',
        COURSECAST_LOG_LEVEL: 'warn',
        // A transcode still running at SIGTERM is re-queued after 1 s instead of 10: the stop stays quick.
        COURSECAST_SHUTDOWN_GRACE_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a failed run can kill the demo with every FFmpeg it started.
      detached: true,
    },
  );
  exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve({ code, signal })));
  demo.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64_000);
  });
  const lines = await servingBlock(demo, 45_000);
  base = field(lines, 'coursecast is serving at');
  master = field(lines, 'master playlist');
  dashboard = field(lines, 'dashboard');
  handout = field(lines, 'handout (PDF)');
  module = field(lines, 'module (SCORM)');
  expect(dashboard).toBe(`${base}/dashboard/`);
}, 60_000);

afterAll(async () => {
  killDemo();
  process.off('exit', killDemo);
  await browser?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
// A worker that dies mid-test still takes the demo down with it: never an orphaned server.
process.once('exit', killDemo);

describe('coursecast demo and its dashboard', () => {
  it('puts a handout PDF and a SCORM module beside the lecture (captioned), each with its learn page', async () => {
    const text = await (await get(master)).text();
    expect(text).toMatch(
      /#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en"[^]*SUBTITLES="subs"/,
    );
    for (const [url, kind] of [
      [handout, 'document'],
      [module, 'interactive'],
    ] as const) {
      expect((await get(url)).headers.get('content-type')).toMatch(/^text\/html/);
      const id = new URL(url).pathname.split('/').pop()!;
      const item = (await (await get(`${base}/api/items/${id}`)).json()) as {
        item: { kind: string; status: string };
        content: { url?: string; launchUrl?: string } | null;
      };
      expect(item.item).toMatchObject({ kind, status: 'ready' });
      expect((await get(item.content?.url ?? item.content?.launchUrl ?? '')).ok).toBe(true);
    }
  });

  it('fills every server-side panel once a user has played the ladder and a just-in-time session', async () => {
    const started = Date.now();
    // The ladder through the edge, twice: misses (origin fetches) and then hits.
    const rungUrl = await firstVariant(master);
    const first = await playFirstSegments(rungUrl, 2);
    await get(master);
    const second = await playFirstSegments(rungUrl, 2);
    expect(
      first.every((s) => s.includes('fwd=miss')),
      `first pass: ${first.join(' | ')}`,
    ).toBe(true);
    expect(
      second.every((s) => s.includes('; hit')),
      `second pass: ${second.join(' | ')}`,
    ).toBe(true);

    // An HEVC MKV into the demo's course; watched just in time while its VOD transcode runs.
    const uploaded = await uploadHevc('HEVC lecture');
    const jit = await jitPlayback(uploaded.item.id);
    await playFirstSegments(jit.playlist, 2);
    const ended = await fetch(jit.end, { method: 'DELETE' });
    expect(ended.status).toBe(204);
    // Its transcode finishes before the dashboard is read, so the upload a user made shows in transcode speed.
    const jobDeadline = Date.now() + 30_000;
    for (;;) {
      const { job } = (await (await get(`${base}/api/jobs/${uploaded.job.id}`, auth)).json()) as {
        job: { state: string; error: string | null };
      };
      if (job.state === 'succeeded') break;
      if (['failed', 'cancelled'].includes(job.state) || Date.now() > jobDeadline) {
        throw new Error(`HEVC transcode ${job.state}: ${job.error ?? ''}\n${stderrTail()}`);
      }
      await sleep(200);
    }
    const trafficMs = Date.now() - started;

    // The 1 s metric export and the span batch reach the store on their own schedule: poll, never sleep.
    const storedMs = await waitForServerPanels(15_000);

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    try {
      const panels = (await (await get(`${base}/api/dashboard/panels`, auth)).json()) as {
        panels: { id: string }[];
      };
      const opened = Date.now();
      const { page, problems } = await openPage(context, dashboard);
      await signIn(page, TOKEN);
      const states = await settledStates(page, panels.panels.length);
      const settledMs = Date.now() - opened;
      for (const id of SERVER_PANELS) expect(states[id], `${id}: ${JSON.stringify(states)}`).toBe('data');
      expect(
        Object.entries(states).filter(([, s]) => s === 'error'),
        'panels in error',
      ).toEqual([]);

      mkdirSync(path.dirname(SHOT), { recursive: true });
      await page.screenshot({ path: SHOT, fullPage: true });
      const png = readFileSync(SHOT);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      // IHDR: width and height, big-endian, at bytes 16 and 20; a full page is the viewport's width at least.
      expect(png.readUInt32BE(16)).toBe(1366);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(768);
      expect(statSync(SHOT).size).toBeGreaterThan(40_000);
      expect(problems).toEqual([]);
      console.log(
        `dashboard-demo: traffic ${trafficMs} ms, server panels stored ${storedMs} ms later, ` +
          `${panels.panels.length} panels settled ${settledMs} ms after opening; screenshot ${SHOT}`,
      );
    } finally {
      await context.close();
    }
  }, 90_000);

  it('stops on SIGTERM within a few seconds, taking its FFmpeg processes with it', async () => {
    expect(alive(), `the demo is not running:\n${stderrTail()}`).toBe(true);
    // Work in flight, as when a user presses Ctrl-C mid-demo: a VOD transcode and a just-in-time encoder.
    const uploaded = await uploadHevc('HEVC lecture, again');
    const jit = await jitPlayback(uploaded.item.id);
    // The encoder starts with the first segment request: sent, not awaited (the stop may cut it short).
    const playlist = parseVariantPlaylist(await (await get(jit.playlist)).text());
    const firstSegment = fetch(new URL(playlist.segments[0]!.uri, jit.playlist))
      .then((res) => res.arrayBuffer())
      .catch(() => null);
    const seenBy = Date.now() + 10_000;
    while (demoFfmpegs().length < 2 || findProcesses(jit.sessionId).length === 0) {
      if (Date.now() > seenBy) {
        throw new Error(`no VOD and JIT FFmpeg running together: pids ${demoFfmpegs().join(', ')}`);
      }
      await sleep(20);
    }
    const running = demoFfmpegs();
    const sent = Date.now();
    demo.kill('SIGTERM');
    const deadline = sleep(8_000).then(() => null);
    const outcome = await Promise.race([exited, deadline]);
    expect(outcome, `no exit 8 s after SIGTERM:\n${stderrTail()}`).not.toBeNull();
    const tookMs = Date.now() - sent;
    await firstSegment;
    expect(outcome, stderrTail()).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(5_000);
    // Every process the demo ran names the data dir in its arguments (FFmpeg's inputs and outputs too).
    expect(findProcesses(dataDir)).toEqual([]);
    console.log(
      `dashboard-demo: exited ${tookMs} ms after SIGTERM, with ${running.length} FFmpeg running at the time`,
    );
  });
});

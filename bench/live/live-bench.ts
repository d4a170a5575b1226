// bench/live: a live lecture measured as a learner sees it, side by side with the plainest live HLS.
// 1. Glass-to-glass latency on loopback (publish → frame shown in Chromium, from the wall clock burnt into each frame),
//    p50/p95, with the default 2 s segments and with 1 s segments. Goal: p50 ≤ 4 s. Peer: FFmpeg receiving the same
//    publish into 2 s HLS, served statically, played by hls.js with its defaults (Owncast's and PeerTube's kind of
//    setup, about 10 s or more in their defaults). Ratio = ours (2 s) / peer.
// 2. The live ladder for a 1080p30 input (top rung copied, 720p and 360p encoded): its encoder speed (must stay ≥ 1.0
//    with headroom) and the CPU its FFmpeg processes use, in cores.
// 3. Live playlist requests per second the edge serves to simulated viewers (wrk, 64 connections), and the origin
//    fetches they caused.
// Env: LIVE_BENCH_SECONDS (20): seconds of latency samples per run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LiveResponse } from '@coursecast/api';
import { waitForTcpListen } from '@coursecast/media';
import { startLiveTestPublish, type LiveTestPublisher } from '@coursecast/media/samples';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/support/chromium.js';
import { freePort } from '../../apps/server/test-support/nginx-process.js';
import { cleanUpOnSignal, loadAverage, log, promSum, r3, runWrk } from '../edge/edge-bench-kit.js';
import { BENCH_AUTH, startBenchServer, type BenchServer } from '../serve-kit.js';
import { percentile, sampleGlassToGlass } from '../../e2e/support/burnt-clock.js';
import { startLivePeer } from './live-peer.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const SECONDS = Number(process.env.LIVE_BENCH_SECONDS) > 0 ? Number(process.env.LIVE_BENCH_SECONDS) : 20;
const SAMPLING = { seconds: SECONDS, settleMs: 6000, everyMs: 500, startTimeoutMs: 60_000 };

async function api<T>(server: BenchServer, method: string, url: string, body?: object): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...BENCH_AUTH, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function liveServer(
  dir: string,
  segmentSeconds: number,
): Promise<{ server: BenchServer; live: LiveResponse }> {
  const server = await startBenchServer(dir, {
    COURSECAST_LIVE_RTMP_PORT: String(await freePort()),
    COURSECAST_LIVE_SRT_PORTS: '0-0',
    COURSECAST_LIVE_LISTEN_HOST: '127.0.0.1',
    COURSECAST_LIVE_SEGMENT_SECONDS: String(segmentSeconds),
  });
  const { course } = await api<{ course: { id: string } }>(server, 'POST', '/api/courses', {
    title: 'Bench',
  });
  const live = await api<LiveResponse>(server, 'POST', `/api/courses/${course.id}/live`, {
    title: 'Live bench',
  });
  return { server, live };
}

const rtmpOf = (live: LiveResponse): string =>
  `${live.ingest.rtmp.url.replace(/\/\/[^/:]+:/, '//127.0.0.1:')}/${live.ingest.rtmp.streamKey}`;

async function waitPlayable(server: BenchServer, live: LiveResponse): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const s = await api<{ url: string | null }>(server, 'GET', `/api/items/${live.itemId}/live/status`);
    if (s.url) return s.url;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the live lecture never became playable');
}

/** Glass-to-glass of ours at `segmentSeconds`, and for 2 s the edge's playlist throughput. */
async function measureOurs(browser: Browser, root: string, segmentSeconds: number) {
  const { server, live } = await liveServer(path.join(root, `ours-${segmentSeconds}`), segmentSeconds);
  let pub: LiveTestPublisher | null = null;
  try {
    pub = startLiveTestPublish({
      ffmpegPath: FFMPEG,
      url: rtmpOf(live),
      clock: true,
      width: 640,
      height: 360,
    });
    const master = await waitPlayable(server, live);
    const samples = await sampleGlassToGlass(
      browser,
      `${server.url}/watch/${live.itemId}?autoplay=1&muted=1`,
      SAMPLING,
    );
    log(`ours ${segmentSeconds} s segments: ${samples.length} samples, p50 ${percentile(samples, 0.5)} ms`);
    let edge = null;
    if (segmentSeconds === 2) {
      const rung = new URL('360p/index.m3u8', master).toString();
      const metrics = async (): Promise<number> =>
        promSum(
          await (await fetch(`${server.url}/metrics`)).text(),
          'cdn_origin_fetch_duration_seconds_count',
        );
      const before = await metrics();
      const wrk = await runWrk(rung, 10, 64);
      const fetches = (await metrics()) - before;
      edge = {
        playlist_rps: Math.round(wrk.rps),
        playlist_p99_ms: wrk.latencyP99ms,
        origin_fetches_10s: fetches,
        non2xx: wrk.non2xx,
      };
      log(`edge: ${edge.playlist_rps} playlist req/s, ${fetches} origin fetches in 10 s`);
    }
    return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), samples: samples.length, edge };
  } finally {
    await pub?.stop();
    await server.stop();
  }
}

/** The peer's glass-to-glass with 2 s segments. */
async function measurePeer(browser: Browser, root: string) {
  const port = await freePort();
  const peer = await startLivePeer(FFMPEG, path.join(root, 'peer'), port, 2);
  if (!(await waitForTcpListen(port, 5000))) throw new Error('the peer FFmpeg did not listen');
  const pub = startLiveTestPublish({
    ffmpegPath: FFMPEG,
    url: peer.rtmpUrl,
    clock: true,
    width: 640,
    height: 360,
  });
  try {
    // hls.js gives up on a playlist that is not there yet: the page opens once FFmpeg wrote two segments.
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${peer.url}live/index.m3u8`).catch(() => null);
      if (res?.ok && ((await res.text()).match(/#EXTINF/g)?.length ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const samples = await sampleGlassToGlass(browser, peer.url, SAMPLING);
    log(`peer (FFmpeg HLS + hls.js defaults): p50 ${percentile(samples, 0.5)} ms`);
    return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), samples: samples.length };
  } finally {
    await pub.stop();
    await peer.stop();
  }
}

/** CPU seconds (user + system) of the processes whose command line names `needle`. */
function cpuSecondsOf(needle: string): number {
  let pids: string[];
  try {
    pids = execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / 100;
}

/** The 1080p ladder: encoder speed and CPU while a 1080p30 publisher sends. */
async function measureLadder(root: string) {
  const { server, live } = await liveServer(path.join(root, 'ladder'), 2);
  const pub = startLiveTestPublish({
    ffmpegPath: FFMPEG,
    url: rtmpOf(live),
    width: 1920,
    height: 1080,
    keyframeSeconds: 2,
    bitrate: 4_500_000,
    preset: 'ultrafast',
  });
  try {
    await waitPlayable(server, live);
    await new Promise((r) => setTimeout(r, 5000));
    const version = (await api<{ url: string }>(server, 'GET', `/api/items/${live.itemId}/live`)).url.split(
      '/',
    )[5]!;
    const cpu0 = cpuSecondsOf(version);
    const t0 = Date.now();
    const speeds: number[] = [];
    let ladder: LiveResponse['ladder'] = null;
    while (Date.now() - t0 < 20_000) {
      const l = await api<LiveResponse>(server, 'GET', `/api/items/${live.itemId}/live`);
      ladder = l.ladder;
      if (l.health?.encoderSpeed) speeds.push(l.health.encoderSpeed);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const cores = (cpuSecondsOf(version) - cpu0) / ((Date.now() - t0) / 1000);
    const rungs = ladder?.rungs.map((r) => `${r.name}:${r.mode}`).join(',') ?? '';
    log(
      `1080p ladder ${rungs}: speed p50 ${percentile(speeds, 0.5)}, min ${Math.min(...speeds)}, ${r3(cores)} cores`,
    );
    return { rungs, speed_p50: percentile(speeds, 0.5), speed_min: Math.min(...speeds), cores: r3(cores) };
  } finally {
    await pub.stop();
    await server.stop();
  }
}

/** Runs the live benchmark; its result is the last line `npm run bench -- live` prints. */
export async function main(): Promise<object> {
  const root = mkdtempSync(path.join(tmpdir(), 'cc-bench-live-'));
  const stopCleanup = cleanUpOnSignal(root);
  const browser = await launchChromium();
  try {
    log(`load average before: ${loadAverage()}`);
    const peer = await measurePeer(browser, root);
    const two = await measureOurs(browser, root, 2);
    const one = await measureOurs(browser, root, 1);
    const ladder = await measureLadder(root);
    return {
      bench: 'live',
      latency_p50_ms: two.p50,
      latency_p95_ms: two.p95,
      latency_1s_segments_p50_ms: one.p50,
      latency_1s_segments_p95_ms: one.p95,
      peer_latency_p50_ms: peer.p50,
      peer_latency_p95_ms: peer.p95,
      goal_p50_ms: 4000,
      ladder_1080p: ladder,
      edge: two.edge,
      ratio: r3(two.p50 / peer.p50),
    };
  } finally {
    await browser.close();
    stopCleanup();
    await rm(root, { recursive: true, force: true });
  }
}

// bench/publish: from an uploaded lecture's last byte to its first frame in a learner's browser (Chromium, the
// real watch page with autoplay), for 1, 10 and 60 minute 1080p sources, while the server encodes the ladder as it
// would in production; and, for the sources up to PUBLISH_BENCH_LADDER_MINUTES long, to the ladder being ready.
// Goal: first frame ≤ 3 s after the upload whatever the length (Mux publishes a 9 s median for 5-20 min videos).
// The peer, run side by side: the same browser playing the same file from a bare static server (node:http with
// ranges) — what a first frame costs with no platform at all. Ratio = ours / peer, and ours / Mux's 9 s.
//
// Env: PUBLISH_BENCH_RUNS (3), PUBLISH_BENCH_MINUTES ("1,10,60"), PUBLISH_BENCH_LADDER_MINUTES (1).
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/support/chromium.js';
import { freePort } from '../../apps/server/test-support/nginx-process.js';
import { cleanUpOnSignal, loadAverage, log, median, own, r3, waitForHttp } from '../edge/edge-bench-kit.js';
import { BENCH_AUTH, runCommand, startBenchServer, type BenchServer } from '../serve-kit.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const RUNS = env('PUBLISH_BENCH_RUNS', 3);
const MINUTES = (process.env.PUBLISH_BENCH_MINUTES ?? '1,10,60')
  .split(',')
  .map(Number)
  .filter((m) => m > 0);
const LADDER_MINUTES = env('PUBLISH_BENCH_LADDER_MINUTES', 1);
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const MUX_MEDIAN_S = 9;
const FIRST_FRAME_TIMEOUT_MS = 60_000;

/** 1080p lectures of each length: one minute encoded, the longer ones that minute looped by stream copy. */
async function makeSources(dir: string): Promise<Map<number, string>> {
  const minute = path.join(dir, 'lecture-1min.mp4');
  await runCommand(FFMPEG, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=f=300',
    '-t',
    '60',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '3M',
    '-g',
    '50',
    '-c:a',
    'aac',
    '-y',
    minute,
  ]);
  const out = new Map<number, string>();
  for (const m of MINUTES) {
    if (m === 1) {
      out.set(1, minute);
      continue;
    }
    const file = path.join(dir, `lecture-${m}min.mp4`);
    await runCommand(FFMPEG, [
      '-v',
      'error',
      '-stream_loop',
      String(m - 1),
      '-i',
      minute,
      '-c',
      'copy',
      '-y',
      file,
    ]);
    out.set(m, file);
  }
  return out;
}

// The peer: a bare static server with byte ranges, and a page with one <video>.
const STATIC = `
const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
const dir = process.argv[2];
http.createServer((req, res) => {
  const file = path.join(dir, path.basename(decodeURIComponent(req.url.split('?')[0])));
  if (file.endsWith('.html')) { res.writeHead(200, { 'content-type': 'text/html' }); return fs.createReadStream(file).pipe(res); }
  fs.stat(file, (e, st) => {
    if (e) { res.writeHead(404); return res.end(); }
    const m = /bytes=(\\d+)-(\\d*)/.exec(req.headers.range || '');
    if (!m) { res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': st.size, 'accept-ranges': 'bytes' }); return fs.createReadStream(file).pipe(res); }
    const start = Number(m[1]); const end = m[2] ? Number(m[2]) : st.size - 1;
    res.writeHead(206, { 'content-type': 'video/mp4', 'content-range': 'bytes ' + start + '-' + end + '/' + st.size, 'content-length': end - start + 1, 'accept-ranges': 'bytes' });
    fs.createReadStream(file, { start, end }).pipe(res);
  });
}).listen(Number(process.argv[3]), '127.0.0.1');
`;

// Dates the first frame on the system clock (the page's Date.now is the bench's): the first sample, every 4 ms,
// of any <video> whose playhead has moved.
const FIRST_FRAME = `(() => { const t = setInterval(() => { const v = document.querySelector('video');
  if (v && v.currentTime > 0) { window.firstFrameAt = Date.now(); clearInterval(t); } }, 4); })();`;

async function firstFrame(browser: Browser, url: string): Promise<{ at: number; mode: string | null }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.addInitScript({ content: FIRST_FRAME });
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as unknown as { firstFrameAt?: number }).firstFrameAt,
      null,
      {
        timeout: FIRST_FRAME_TIMEOUT_MS,
        polling: 10,
      },
    );
    return await page.evaluate(() => {
      const g = globalThis as unknown as {
        firstFrameAt: number;
        coursecastWatch?: { plan: { mode: string } | null };
      };
      return { at: g.firstFrameAt, mode: g.coursecastWatch?.plan?.mode ?? null };
    });
  } finally {
    await page.close();
  }
}

/** Uploads `file`; the moment its last byte left (epoch ms) and the answer. */
async function upload(
  server: BenchServer,
  courseId: string,
  file: string,
): Promise<{ lastByteAt: number; itemId: string; jobId: string }> {
  const size = (await stat(file)).size;
  let lastByteAt = 0;
  const source = Readable.toWeb(
    createReadStream(file, { highWaterMark: 1024 * 1024 }),
  ) as ReadableStream<Uint8Array>;
  const body = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({ flush: () => void (lastByteAt = Date.now()) }),
  );
  const res = await fetch(`${server.url}/api/courses/${courseId}/resumable-uploads`, {
    method: 'POST',
    headers: {
      ...BENCH_AUTH,
      'tus-resumable': '1.0.0',
      'upload-length': String(size),
      'upload-metadata': `filename ${Buffer.from(path.basename(file)).toString('base64')}`,
      'content-type': 'application/offset+octet-stream',
    },
    body,
    duplex: 'half',
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload answered ${res.status}: ${text}`);
  const answer = JSON.parse(text) as { item: { id: string }; job: { id: string } };
  return { lastByteAt, itemId: answer.item.id, jobId: answer.job.id };
}

async function ladderReady(server: BenchServer, jobId: string): Promise<number> {
  for (;;) {
    const res = await fetch(`${server.url}/api/jobs/${jobId}`, { headers: BENCH_AUTH });
    const { job } = (await res.json()) as { job: { state: string; error: string | null } };
    if (job.state === 'succeeded') return Date.now();
    if (job.state === 'failed' || job.state === 'cancelled')
      throw new Error(`the ladder job ${job.state}: ${job.error ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-publish-'));
  const stopCleanup = cleanUpOnSignal(dir);
  let server: BenchServer | null = null;
  let browser: Browser | null = null;
  try {
    log(
      `publish bench: ${cpus().length} cpus, load ${loadAverage()}; making ${MINUTES.join(', ')} minute 1080p lectures...`,
    );
    const sources = await makeSources(dir);
    await writeFile(path.join(dir, 'static.cjs'), STATIC);
    await writeFile(
      path.join(dir, 'peer.html'),
      '<!doctype html><video muted autoplay playsinline></video><script>document.querySelector("video").src = location.hash.slice(1);</script>',
    );
    const port = await freePort();
    const staticProc = own(
      spawn(process.execPath, [path.join(dir, 'static.cjs'), dir, String(port)], { stdio: 'ignore' }),
    );
    await waitForHttp(`http://127.0.0.1:${port}/peer.html`, staticProc, 'the static server');
    server = await startBenchServer(path.join(dir, 'data'), {
      COURSECAST_UPLOAD_MAX_BYTES: String(16 * 1024 ** 3),
    });
    const course = await fetch(`${server.url}/api/courses`, {
      method: 'POST',
      headers: { ...BENCH_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Publish bench' }),
    });
    const courseId = ((await course.json()) as { course: { id: string } }).course.id;
    browser = await launchChromium();
    const results: Record<string, object> = {};
    const worst: number[] = [];
    const ratios: number[] = [];
    for (const [minutes, file] of sources) {
      const ours: number[] = [];
      const peer: number[] = [];
      const modes = new Set<string>();
      let ladderS: number | null = null;
      for (let r = 0; r < RUNS; r++) {
        const up = await upload(server, courseId, file);
        const seen = await firstFrame(
          browser,
          `${server.url}/watch/${up.itemId}?course=${courseId}&autoplay=1&muted=1`,
        );
        ours.push(seen.at - up.lastByteAt);
        if (seen.mode) modes.add(seen.mode);
        const t0 = Date.now();
        const raw = await firstFrame(browser, `http://127.0.0.1:${port}/peer.html#/${path.basename(file)}`);
        peer.push(raw.at - t0);
        if (r === 0 && minutes <= LADDER_MINUTES)
          ladderS = ((await ladderReady(server, up.jobId)) - up.lastByteAt) / 1000;
        await fetch(`${server.url}/api/items/${up.itemId}`, { method: 'DELETE', headers: BENCH_AUTH });
        log(
          `  ${minutes} min run ${r + 1}: first frame ${ours[r]} ms after the last byte (${seen.mode ?? '?'}); peer ${peer[r]} ms${ladderS !== null && r === 0 ? `; ladder ready ${ladderS.toFixed(1)} s` : ''}`,
        );
      }
      const oursMs = median(ours);
      const peerMs = median(peer);
      worst.push(oursMs);
      ratios.push(oursMs / peerMs);
      results[`${minutes}min`] = {
        sourceMB: r3((await stat(file)).size / 1e6),
        firstFrameMedianMs: r3(oursMs),
        firstFrameMaxMs: Math.max(...ours),
        peerFirstFrameMedianMs: r3(peerMs),
        ratio: r3(oursMs / peerMs),
        plans: [...modes],
        ladderReadyS: ladderS === null ? null : r3(ladderS),
      };
    }
    staticProc.kill('SIGTERM');
    const slowest = Math.max(...worst);
    return {
      bench: 'publish',
      runs: RUNS,
      sources: results,
      slowestFirstFrameMedianMs: r3(slowest),
      ratio: r3(Math.max(...ratios)),
      ratioToMuxMedian: r3(slowest / 1000 / MUX_MEDIAN_S),
      load: loadAverage(),
    };
  } finally {
    await browser?.close();
    await server?.stop();
    stopCleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

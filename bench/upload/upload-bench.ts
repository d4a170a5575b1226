// bench/upload: how fast a large lecture gets into coursecast on loopback, against curl writing the same file to
// the same disk through a bare node:http sink (no parsing, no checks: the body streamed to a file and fsynced,
// the same durability as ours). Ours, each from its own client process like the peer:
//   - multipart: curl -F to POST /api/courses/:id/uploads (streamed to disk, fsynced, probed, item + job created);
//   - tus: curl -T, the whole file in one PATCH to a resumable upload (tus-js-client's default chunk size);
//   - tus-32MiB: the studio's chunking (32 MiB PATCHes, each fsynced before its 204), from a Node client.
// The server's RSS is sampled every 50 ms during each upload: it must stay bounded, not grow with the file.
// Runs alternate the order; each upload's item is deleted before the next (its transcode cancelled).
// Ratio = ours MB/s / peer MB/s (goal ≥ 0.9).
//
// Env: UPLOAD_BENCH_MB (2048), UPLOAD_BENCH_RUNS (3).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { cleanUpOnSignal, loadAverage, log, median, own, r3, waitForHttp } from '../edge/edge-bench-kit.js';
import { freePort } from '../../apps/server/test-support/nginx-process.js';
import { BENCH_AUTH, runCommand, rssOf, startBenchServer, type BenchServer } from '../serve-kit.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const SIZE = env('UPLOAD_BENCH_MB', 2048) * 1024 * 1024;
const RUNS = env('UPLOAD_BENCH_RUNS', 3);
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const AUTH = `authorization: ${BENCH_AUTH.authorization}`;

/** A valid lecture of about `bytes`: a 20 s 720p clip at a high bitrate, looped by stream copy until the size. */
async function makeSource(dir: string, bytes: number): Promise<string> {
  const clip = path.join(dir, 'clip.mp4');
  const out = path.join(dir, 'lecture.mp4');
  await runCommand(FFMPEG, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=f=440',
    '-t',
    '20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '20M',
    '-c:a',
    'aac',
    '-y',
    clip,
  ]);
  await runCommand(FFMPEG, [
    '-v',
    'error',
    '-stream_loop',
    '-1',
    '-i',
    clip,
    '-c',
    'copy',
    '-fs',
    String(bytes),
    '-y',
    out,
  ]);
  return out;
}

// The peer's server: the body to a file, fsynced, then 201. Nothing else.
const SINK = `
const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
const dir = process.argv[2]; let n = 0;
http.createServer((req, res) => {
  const file = path.join(dir, 'sink-' + (n++));
  const out = fs.createWriteStream(file);
  req.pipe(out);
  out.on('finish', () => fs.open(file, 'r', (e, fd) => fs.fsync(fd, () => fs.close(fd, () => {
    fs.rm(file, () => { res.writeHead(201, { 'content-length': 0 }); res.end(); });
  }))));
}).listen(Number(process.argv[3]), '127.0.0.1');
`;

// The studio's chunking from a client process: 32 MiB PATCHes streamed from the file.
const CHUNKED = `
import fs from 'node:fs'; import { Readable } from 'node:stream';
const [url, file, size, auth] = process.argv.slice(2); const total = Number(size); const CHUNK = 32 * 1024 * 1024;
for (let offset = 0; offset < total; ) {
  const end = Math.min(total, offset + CHUNK);
  const res = await fetch(url, { method: 'PATCH', duplex: 'half', body: Readable.toWeb(fs.createReadStream(file, { start: offset, end: end - 1 })),
    headers: { authorization: auth, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset) } });
  const body = await res.text();
  if (res.status !== 204 && res.status !== 200) { console.error(res.status, body); process.exit(1); }
  offset = end;
  if (res.status === 200) process.stdout.write(body);
}
`;

type Way = 'peer' | 'multipart' | 'tus' | 'tus-32MiB';

/** Creates a resumable upload of `size` bytes; its URL. */
async function createTus(base: string, courseId: string, size: number): Promise<string> {
  const res = await fetch(`${base}/api/courses/${courseId}/resumable-uploads`, {
    method: 'POST',
    headers: {
      ...BENCH_AUTH,
      'tus-resumable': '1.0.0',
      'upload-length': String(size),
      'upload-metadata': `filename ${Buffer.from('lecture.mp4').toString('base64')}`,
    },
  });
  if (res.status !== 201) throw new Error(`tus creation answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location') ?? '', base).href;
}

/** One upload the given way; resolves with its wall time (ms) and the new item's id (none for the peer). */
async function uploadOnce(
  way: Way,
  ctx: { server: BenchServer; sink: string; courseId: string; file: string; dir: string; size: number },
): Promise<{ ms: number; itemId: string | null }> {
  const { server, courseId, file } = ctx;
  let args: string[] = [];
  let cmd = 'curl';
  const tusUrl = way === 'tus' || way === 'tus-32MiB' ? await createTus(server.url, courseId, ctx.size) : '';
  if (way === 'peer') args = ['-sS', '-f', '-o', '/dev/null', '-T', file, ctx.sink];
  if (way === 'multipart')
    args = [
      '-sS',
      '-f',
      '-H',
      AUTH,
      '-F',
      `file=@${file};filename=lecture.mp4`,
      `${server.url}/api/courses/${courseId}/uploads`,
    ];
  if (way === 'tus') {
    args = [
      '-sS',
      '-f',
      '-X',
      'PATCH',
      '-T',
      file,
      '-H',
      AUTH,
      '-H',
      'Tus-Resumable: 1.0.0',
      '-H',
      'Upload-Offset: 0',
      '-H',
      'Content-Type: application/offset+octet-stream',
      tusUrl,
    ];
  }
  if (way === 'tus-32MiB') {
    cmd = process.execPath;
    args = [path.join(ctx.dir, 'chunked.mjs'), tusUrl, file, String(ctx.size), BENCH_AUTH.authorization];
  }
  const t0 = performance.now();
  const out = await runCommand(cmd, args);
  const ms = performance.now() - t0;
  if (way === 'peer') return { ms, itemId: null };
  return { ms, itemId: (JSON.parse(out) as { item: { id: string } }).item.id };
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-upload-'));
  const stopCleanup = cleanUpOnSignal(dir);
  let server: BenchServer | null = null;
  try {
    const fs = await statfs(dir);
    if (fs.bavail * fs.bsize < SIZE * 3)
      throw new Error(`needs ${(3 * SIZE) / 1e9} GB free in ${tmpdir()} (UPLOAD_BENCH_MB lowers it)`);
    log(
      `upload bench: ${cpus().length} cpus, load ${loadAverage()}; making a ${SIZE / 1024 / 1024} MiB lecture...`,
    );
    const file = await makeSource(dir, SIZE);
    const size = (await stat(file)).size;
    await writeFile(path.join(dir, 'sink.cjs'), SINK);
    await writeFile(path.join(dir, 'chunked.mjs'), CHUNKED);
    await mkdir(path.join(dir, 'sink'));
    const sinkPort = await freePort();
    const sinkProc = own(
      spawn(process.execPath, [path.join(dir, 'sink.cjs'), path.join(dir, 'sink'), String(sinkPort)], {
        stdio: 'ignore',
      }),
    );
    const sink = `http://127.0.0.1:${sinkPort}/`;
    await waitForHttp(sink, sinkProc, 'the sink', 10_000, [201]);
    server = await startBenchServer(path.join(dir, 'data'), {
      COURSECAST_UPLOAD_MAX_BYTES: String(SIZE * 2),
      COURSECAST_UPLOAD_MIN_FREE_BYTES: String(256 * 1024 * 1024),
      COURSECAST_LADDER: '360',
    });
    const course = await fetch(`${server.url}/api/courses`, {
      method: 'POST',
      headers: { ...BENCH_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Upload bench' }),
    });
    const courseId = ((await course.json()) as { course: { id: string } }).course.id;
    const idleRss = server.rss();
    const ways: Way[] = ['peer', 'multipart', 'tus', 'tus-32MiB'];
    const times: Record<Way, number[]> = { peer: [], multipart: [], tus: [], 'tus-32MiB': [] };
    const peakRss: Record<Way, number> = { peer: 0, multipart: 0, tus: 0, 'tus-32MiB': 0 };
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? ways : [...ways].reverse();
      for (const way of order) {
        const s = server;
        let peak = 0;
        const sampler = setInterval(() => {
          try {
            peak = Math.max(peak, rssOf(s.pid));
          } catch {
            // The server is gone: the upload's own error says why.
          }
        }, 50);
        const { ms, itemId } = await uploadOnce(way, { server: s, sink, courseId, file, dir, size });
        clearInterval(sampler);
        peakRss[way] = Math.max(peakRss[way], peak);
        times[way].push(ms);
        log(
          `  run ${r + 1} ${way.padEnd(9)} ${(size / 1e6 / (ms / 1000)).toFixed(0)} MB/s  (${ms.toFixed(0)} ms, server RSS peak ${(peak / 1e6).toFixed(0)} MB)`,
        );
        if (itemId) await fetch(`${s.url}/api/items/${itemId}`, { method: 'DELETE', headers: BENCH_AUTH });
      }
    }
    sinkProc.kill('SIGTERM');
    const mbps = (way: Way): number => r3(size / 1e6 / (median(times[way]) / 1000));
    return {
      bench: 'upload',
      fileMB: r3(size / 1e6),
      runs: RUNS,
      peerMBps: mbps('peer'),
      multipartMBps: mbps('multipart'),
      tusMBps: mbps('tus'),
      tus32MiBMBps: mbps('tus-32MiB'),
      ratio: r3(mbps('tus') / mbps('peer')),
      multipartRatio: r3(mbps('multipart') / mbps('peer')),
      tus32MiBRatio: r3(mbps('tus-32MiB') / mbps('peer')),
      serverIdleRssMB: r3(idleRss / 1e6),
      serverPeakRssMB: {
        multipart: r3(peakRss.multipart / 1e6),
        tus: r3(peakRss.tus / 1e6),
        tus32MiB: r3(peakRss['tus-32MiB'] / 1e6),
      },
      load: loadAverage(),
    };
  } finally {
    await server?.stop();
    stopCleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

// bench/abuse: a learner streaming through the edge while strangers flood the public routes. coursecast runs as
// `coursecast serve` in its own process (behind a trusted local proxy, so every flood request can claim its own
// client address): a player fetches the ladder's segments one after another, first alone, then while wrk posts
// forged server telemetry (/v1/traces, /v1/metrics) and plan requests forcing just-in-time transcodes from a new
// X-Forwarded-For address each time, and while 16 MiB (decoded) protobuf trace requests arrive. The peer is the
// same player against the same server with no flood, run side by side: the figure is the player's segment p99
// under the flood over its p99 without (goal ≤ 1.2). Also: the server's peak RSS, records accepted and refused,
// requests refused by reason, and the telemetry store's size against its quota.
//
// Env: ABUSE_BENCH_SECONDS (10), ABUSE_BENCH_CONNECTIONS (32), ABUSE_BENCH_REQUESTS (player requests per phase, 300).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateTestClip, generateMkvTestClip } from '@coursecast/media/samples';
import { protobufRequest } from '../../apps/server/test-support/otlp-fixtures.js';
import { keyValues } from '../../apps/server/test-support/otlp-json.js';
import { loadAverage, log, own, promSum, r3 } from '../edge/edge-bench-kit.js';
import { BENCH_AUTH, startBenchServer, type BenchServer } from '../serve-kit.js';

/** Sum of a Prometheus metric's samples whose labels contain `label` (e.g. `ingest_outcome="stored"`). */
function promWith(text: string, metric: string, label: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) && line.includes(label))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const SECONDS = env('ABUSE_BENCH_SECONDS', 10);
const CONNECTIONS = env('ABUSE_BENCH_CONNECTIONS', 32);
const REQUESTS = env('ABUSE_BENCH_REQUESTS', 300);
// For finding what costs the player: 0 leaves out the 16 MiB requests, or the plan requests, of the flood.
const BIG = process.env.ABUSE_BENCH_BIG !== '0';
const PLANS = process.env.ABUSE_BENCH_PLANS !== '0';
const QUOTA_BYTES = 64 * 1024 * 1024;
const TARGET = 1.2;
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

async function startServer(dataDir: string): Promise<BenchServer> {
  return startBenchServer(dataDir, {
    COURSECAST_TRUSTED_PROXIES: '127.0.0.1',
    COURSECAST_TELEMETRY_QUOTA_BYTES: String(QUOTA_BYTES),
    COURSECAST_LADDER: '360',
  });
}

const auth = BENCH_AUTH;

/** Uploads a file into a new course; resolves to the item id. */
async function upload(base: string, file: string, title: string): Promise<string> {
  const course = (await (
    await fetch(`${base}/api/courses`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    })
  ).json()) as { course: { id: string } };
  const form = new FormData();
  form.append('title', title);
  form.append('file', new Blob([await readFile(file)]), path.basename(file));
  const res = await fetch(`${base}/api/courses/${course.course.id}/uploads`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { item: { id: string } }).item.id;
}

/** The media paths of the ready ladder's 360p segments. */
async function segmentUrls(base: string, itemId: string): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const item = (await (await fetch(`${base}/api/items/${itemId}`)).json()) as {
      item: { status: string };
      playback: { hls: string } | null;
    };
    if (item.item.status === 'ready' && item.playback) {
      const rung = item.playback.hls.replace('master.m3u8', '360p/index.m3u8');
      const playlist = await (await fetch(rung)).text();
      return playlist
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => new URL(l, rung).href);
    }
    if (item.item.status === 'failed') throw new Error('the bench lecture failed to transcode');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the bench lecture was not ready within 5 minutes');
}

/** A player: the segments one after another over one kept-alive connection; the latency of each, ms. */
async function play(urls: string[], n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get(urls[i % urls.length]!, { agent }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`segment ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
    times.push(performance.now() - t0);
  }
  agent.destroy();
  return times;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** wrk's Lua: forged server telemetry and transcode plans, each from an X-Forwarded-For address of its own. */
function floodScript(traces: string, metrics: string, hevcItem: string): string {
  return `
local traces = [==[${traces}]==]
local metrics = [==[${metrics}]==]
local n = 0
local tid = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) tid = wrk.thread:get("tid") end
local counter = 0
request = function()
  counter = counter + 1
  local ip = "10." .. tid .. "." .. math.floor(counter / 250) % 250 .. "." .. counter % 250
  local k = counter % 10
  if k < 6 then
    return wrk.format("POST", "/v1/traces", { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, traces)
  elseif k < ${PLANS ? 9 : 10} then
    return wrk.format("POST", "/v1/metrics", { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, metrics)
  end
  return wrk.format("GET", "/api/items/${hevcItem}/playback?viewer=v" .. counter, { ["X-Forwarded-For"] = ip }, nil)
end
`;
}

/** 50 spans named as the server names its own, and a histogram with other bounds: what a forger sends. */
function forgedBodies(): { traces: string; metrics: string } {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: 50 }, (_, i) => ({
    traceId: 'ab'.repeat(16),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'hls.session',
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    attributes: keyValues({ 'hls.session.end_reason': 'timeout' }),
  }));
  const traces = {
    resourceSpans: [
      { resource: { attributes: keyValues({ 'service.name': 'coursecast' }) }, scopeSpans: [{ spans }] },
    ],
  };
  const point = {
    asDouble: 1e6,
    timeUnixNano: String(now),
    startTimeUnixNano: String(now - 1_000_000_000n),
    attributes: keyValues({ 'cdn.cache_status': 'MISS' }),
  };
  const metrics = {
    resourceMetrics: [
      {
        resource: { attributes: keyValues({ 'service.name': 'coursecast' }) },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'cdn.requests',
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point] },
              },
            ],
          },
        ],
      },
    ],
  };
  return { traces: JSON.stringify(traces), metrics: JSON.stringify(metrics) };
}

/** A protobuf traces request of about 16 MiB once decoded (long attribute values), gzipped under the body cap. */
function bigProtobuf(): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: 4096 }, (_, i) => ({
    traceId: Buffer.from('cd'.repeat(16), 'hex'),
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    name: 'big',
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    attributes: [{ key: 'note', value: { stringValue: 'x'.repeat(4000) } }],
  }));
  return gzipSync(
    protobufRequest('traces', { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }),
  );
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function runWrk(url: string, script: string): Promise<{ requests: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = own(
      spawn('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', script, url], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const total = /(\d+) requests in/.exec(out);
      if (code !== 0 || !total) return reject(new Error(`wrk failed (${code}):\n${out}`));
      resolve({ requests: Number(total[1]), out });
    });
  });
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-abuse-'));
  let server: BenchServer | null = null;
  try {
    log(
      `abuse bench: ${cpus().length} cpus, load ${loadAverage()}, ${CONNECTIONS} connections, ${SECONDS} s`,
    );
    const lecture = path.join(dir, 'lecture.mp4');
    const hevc = path.join(dir, 'hevc.mkv');
    await generateTestClip({
      ffmpegPath: FFMPEG,
      out: lecture,
      seconds: 60,
      width: 640,
      height: 360,
      fps: 25,
      audio: true,
      video: true,
    });
    await generateMkvTestClip({
      ffmpegPath: FFMPEG,
      out: hevc,
      seconds: 20,
      width: 640,
      height: 360,
      fps: 25,
      codec: 'hevc',
    });
    server = await startServer(path.join(dir, 'data'));
    const base = server.url;
    const ready = await upload(base, lecture, 'Lecture');
    const urls = await segmentUrls(base, ready);
    // Uploaded second: its VOD transcode waits behind nothing, but plans for it ask for a transcode meanwhile.
    const hevcItem = await upload(base, hevc, 'HEVC lecture');
    await play(urls, urls.length); // the edge's cache holds the ladder: the player's requests are hits
    log(`ladder ready: ${urls.length} segments; player: ${REQUESTS} requests per phase`);

    let peakRss = rssBytes(server.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(server!.pid))), 100);
    const alone = await play(urls, REQUESTS);
    const rssBefore = rssBytes(server.pid);

    const bodies = forgedBodies();
    const script = path.join(dir, 'flood.lua');
    writeFileSync(script, floodScript(bodies.traces, bodies.metrics, hevcItem));
    const big = bigProtobuf();
    const flood = runWrk(base, script);
    // 16 MiB protobuf traces while the player streams (decoded in a worker, not on the event loop).
    const bigAnswers: number[] = [];
    const bigLoop = (async () => {
      const end = Date.now() + SECONDS * 1000;
      let i = 0;
      while (BIG && Date.now() < end) {
        const res = await fetch(`${base}/v1/traces`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-encoding': 'gzip',
            'x-forwarded-for': `172.16.0.${++i}`,
          },
          body: big,
        });
        bigAnswers.push(res.status);
        await res.arrayBuffer();
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const flooded = await play(urls, REQUESTS);
    const wrk = await flood;
    await bigLoop;
    clearInterval(sampler);

    const prom = await (await fetch(`${base}/metrics`)).text();
    const accepted = promWith(prom, 'ingest_records_total', 'ingest_outcome="stored"');
    const rejected = promWith(prom, 'ingest_records_total', 'ingest_outcome="rejected"');
    const refusedBy = (code: string) =>
      promWith(prom, 'ingest_requests_refused_total', `coursecast_error_code="${code}"`);
    const used = promSum(prom, 'ingest_store_used_bytes');
    const sessions = (
      (await (await fetch(`${base}/api/sessions`, { headers: auth })).json()) as { sessions: unknown[] }
    ).sessions.length;
    const p99Alone = quantile(alone, 0.99);
    const p99Flood = quantile(flooded, 0.99);
    const ratio = p99Flood / p99Alone;
    log(
      `player p50/p99 alone ${r3(quantile(alone, 0.5))}/${r3(p99Alone)} ms; under the flood ${r3(quantile(flooded, 0.5))}/${r3(p99Flood)} ms`,
    );
    log(
      `flood: ${wrk.requests} requests; 16 MiB protobufs: ${bigAnswers.length} (${[...new Set(bigAnswers)].join(', ')})`,
    );
    return {
      bench: 'abuse',
      cpus: cpus().length,
      seconds: SECONDS,
      connections: CONNECTIONS,
      player_requests: REQUESTS,
      player_p50_ms_alone: r3(quantile(alone, 0.5)),
      player_p99_ms_alone: r3(p99Alone),
      player_p50_ms_flood: r3(quantile(flooded, 0.5)),
      player_p99_ms_flood: r3(p99Flood),
      ratio: r3(ratio),
      target_ratio: TARGET,
      met: ratio <= TARGET,
      flood_requests: wrk.requests,
      big_protobuf_requests: bigAnswers.length,
      big_protobuf_statuses: [...new Set(bigAnswers)],
      records_accepted: accepted,
      records_rejected: rejected,
      refused_rate_limited: refusedBy('rate_limited'),
      refused_overloaded: refusedBy('ingest_overloaded'),
      jit_sessions_open: sessions,
      rss_mb_before_flood: r3(rssBefore / 1048576),
      rss_mb_peak: r3(peakRss / 1048576),
      telemetry_store_used_mb: r3(used / 1048576),
      telemetry_store_quota_mb: QUOTA_BYTES / 1048576,
      load_average: loadAverage(),
    };
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

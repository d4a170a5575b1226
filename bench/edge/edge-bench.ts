// bench/edge: cache hits of 100 KB and 1 MB segments through (a) our standalone edge (`coursecast edge`)
// with telemetry on, spans exported over OTLP/HTTP to a sink in this process, (b) the same edge with
// OTEL_SDK_DISABLED=true, and (c) nginx serving the same files from disk, tuned (2 workers, sendfile,
// open_file_cache, no access log). wrk drives each, side by side, order rotated per round. Then the miss
// path: 64 concurrent requests for one uncached object must cost one origin fetch.
//
// The origin is a coursecast started in this process (origin work happens on misses only). Needs the
// build (`npm run build`: the edge runs from apps/server/dist), nginx and wrk (`bash scripts/setup`).
//
// Env: EDGE_BENCH_SECONDS (10) per measured run, EDGE_BENCH_WARMUP_SECONDS (2), EDGE_BENCH_ROUNDS (1),
// EDGE_BENCH_CONNECTIONS (64).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../apps/server/src/config.js';
import { createCoursecast, type Coursecast } from '../../apps/server/src/main.js';
import {
  assertNginxInstalled,
  freePort,
  startNginx,
  staticFilesHttpBlock,
  type NginxProcess,
} from '../../apps/server/src/test-support/nginx-process.js';
import { patternBytes, publishItem } from '../../apps/server/src/test-support/published-item.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const distCli = path.join(repo, 'apps/server/dist/cli.js');
const binCli = path.join(repo, 'apps/server/bin/coursecast.js');

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SECONDS = num('EDGE_BENCH_SECONDS', 10);
const WARMUP_SECONDS = num('EDGE_BENCH_WARMUP_SECONDS', 2);
const ROUNDS = num('EDGE_BENCH_ROUNDS', 1);
const CONNECTIONS = num('EDGE_BENCH_CONNECTIONS', 64);
const MISS_CONCURRENCY = 64;

const SIZES = { '100k': 100 * 1024, '1m': 1024 * 1024 } as const;
type Size = keyof typeof SIZES;
// edge_on_noexport (a diagnostic): telemetry on with the default config, no OTLP endpoint, so the on/off gap
// splits into span export and the rest (SDK spans, metrics, Prometheus reader).
// node_raw (a calibration): a bare node:http server answering from in-memory Buffers, the ceiling of any
// Node server on this machine (ARCHITECTURE.md §4 measured it at 0.62x nginx for 100 KB).
const CASES = ['edge_on', 'edge_off', 'nginx', 'edge_on_noexport', 'node_raw'] as const;
type Case = (typeof CASES)[number];

// ---- children we own: every one is killed on the way out, failure or not --------------------------------
const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.once('exit', killAll);

function own(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---- the OTLP/HTTP sink: answers 200, counts ------------------------------------------------------------
interface Sink {
  port: number;
  counts(): { traceRequests: number; traceBytes: number; metricRequests: number; metricBytes: number };
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  let traceRequests = 0;
  let traceBytes = 0;
  let metricRequests = 0;
  let metricBytes = 0;
  const server = http.createServer((req, res) => {
    const traces = req.url?.startsWith('/v1/traces') ?? false;
    req.on('data', (c: Buffer) => {
      if (traces) traceBytes += c.length;
      else metricBytes += c.length;
    });
    req.on('end', () => {
      if (traces) traceRequests++;
      else metricRequests++;
      res.writeHead(200, { 'content-type': String(req.headers['content-type'] ?? 'application/json') });
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: address && typeof address === 'object' ? address.port : 0,
    counts: () => ({ traceRequests, traceBytes, metricRequests, metricBytes }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- plain HTTP helpers ---------------------------------------------------------------------------------
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function waitForHttp(
  url: string,
  child: ChildProcess,
  what: string,
  timeoutMs = 15_000,
  okStatuses = [200],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before answering ${url}`);
    }
    try {
      if (okStatuses.includes((await get(url)).status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- our standalone edge as a child process -------------------------------------------------------------
interface EdgeProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function startEdge(name: string, originUrl: string, env: Record<string, string>): Promise<EdgeProcess> {
  const port = await freePort();
  const child = own(
    spawn(process.execPath, [binCli, '--port', String(port), 'edge', '--origin', originUrl, '--name', name], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? tmpdir(),
        // Per-request info logs would measure pino, not the edge; warnings and errors still show.
        COURSECAST_LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let tail = '';
  const keep = (d: Buffer): void => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, child, `edge ${name}`);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    child,
    stderr: () => tail,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---- the calibration peer: bare node:http from memory -------------------------------------------------------
const RAW_NODE_SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const root = process.env.ROOT, bodies = new Map();
http.createServer((req, res) => {
  const p = req.url.split('?')[0];
  let body = bodies.get(p);
  if (!body) {
    try { body = fs.readFileSync(path.join(root, p.replace(/^\\/media\\//, ''))); bodies.set(p, body); }
    catch { res.writeHead(404); res.end(); return; }
  }
  res.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function startRawNode(root: string): Promise<EdgeProcess> {
  const port = await freePort();
  const child = own(
    spawn(process.execPath, ['-e', RAW_NODE_SERVER], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ROOT: root, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForHttp(`${url}/media/__probe__`, child, 'raw node server', 10_000, [404]);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
  }
  return {
    url,
    child,
    stderr: () => tail,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// ---- wrk ------------------------------------------------------------------------------------------------
interface WrkResult {
  rps: number;
  transferMBps: number;
  latencyP50ms: number | null;
  latencyP99ms: number | null;
  non2xx: number;
  socketErrors: number;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

function runWrk(url: string, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url];
    const child = own(spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || !rps) return reject(new Error(`wrk ${args.join(' ')} failed (${code}):\n${out}`));
      const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
      const mb = transfer
        ? Number(transfer[1]) * ({ B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 }[transfer[2]!] ?? NaN)
        : NaN;
      const p50 = /^\s+50%\s+(\S+)/m.exec(out);
      const p99 = /^\s+99%\s+(\S+)/m.exec(out);
      const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        rps: Number(rps[1]),
        transferMBps: mb,
        latencyP50ms: p50 ? toMs(p50[1]!) : null,
        latencyP99ms: p99 ? toMs(p99[1]!) : null,
        non2xx: non2xx ? Number(non2xx[1]) : 0,
        socketErrors: sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
      });
    });
  });
}

// ---- figures --------------------------------------------------------------------------------------------
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r0 = (x: number): number => Math.round(x);

/** Sum of a Prometheus counter's samples (every label set). */
function promSum(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(metric) && (line[metric.length] === ' ' || line[metric.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

function loadAverage(): string {
  const r = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' });
  return r.stdout.trim().split(' ').slice(0, 3).join(' ');
}

/** Runs the benchmark and returns its figures. */
export async function main(_args: string[]): Promise<object> {
  if (!existsSync(distCli)) {
    throw new Error(`${distCli} is missing: run npm run build (the edge under test runs from the build)`);
  }
  assertNginxInstalled();
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: run bash scripts/setup');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-bench-edge-'));
  const cleanups: (() => Promise<void>)[] = [];
  const onSignal = (signal: NodeJS.Signals): void => {
    killAll();
    void rm(dataDir, { recursive: true, force: true }).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The origin: this process, with its spans in memory so origin fetches can be counted exactly.
    const originSpans = new InMemorySpanExporter();
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        port: await freePort(),
        adminToken: 'bench-admin-token-0123456789',
        logLevel: 'silent',
        delivery: { edge: false },
      },
    });
    const origin: Coursecast = await createCoursecast(config, {
      logger: false,
      startQueue: false,
      telemetryExtras: { spanProcessors: [new SimpleSpanProcessor(originSpans)] },
    });
    cleanups.push(() => origin.close());
    const originUrl = await origin.listen();
    const item = await publishItem(origin, {
      'master.m3u8': '#EXTM3U\n',
      'seg-100k.m4s': patternBytes(SIZES['100k'], 100),
      'seg-1m.m4s': patternBytes(SIZES['1m'], 1000),
      'miss.m4s': patternBytes(SIZES['1m'], 7),
    });
    const file = (size: Size): string => `seg-${size}.m4s`;

    const sink = await startSink();
    cleanups.push(() => sink.close());
    const edgeOn = await startEdge('edge-on', originUrl, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.port}`,
    });
    cleanups.push(() => edgeOn.stop());
    const edgeOff = await startEdge('edge-off', originUrl, { OTEL_SDK_DISABLED: 'true' });
    cleanups.push(() => edgeOff.stop());
    const edgeNoExport = await startEdge('edge-on-noexport', originUrl, {});
    cleanups.push(() => edgeNoExport.stop());
    const nginx: NginxProcess = await startNginx(
      staticFilesHttpBlock({ root: origin.paths.mediaRoot, location: '/media/' }),
      { workers: 2 },
    );
    cleanups.push(() => nginx.stop());
    const rawNode = await startRawNode(origin.paths.mediaRoot);
    cleanups.push(() => rawNode.stop());
    const base: Record<Case, string> = {
      edge_on: edgeOn.url,
      edge_off: edgeOff.url,
      nginx: nginx.url,
      edge_on_noexport: edgeNoExport.url,
      node_raw: rawNode.url,
    };

    // Warm: each object once through each edge (a miss), then check the next answer is a hit.
    for (const size of Object.keys(SIZES) as Size[]) {
      for (const c of CASES) {
        const url = `${base[c]}${item.mediaPath(file(size))}`;
        const first = await get(url);
        const again = await get(url);
        if (first.status !== 200 || again.status !== 200 || again.bytes !== SIZES[size]) {
          throw new Error(
            `${c} ${size}: warm-up answered ${first.status}/${again.status}, ${again.bytes} bytes`,
          );
        }
        if (c !== 'nginx' && c !== 'node_raw' && !/; hit/.test(String(again.headers['cache-status']))) {
          throw new Error(`${c} ${size}: not a hit after warm-up: ${String(again.headers['cache-status'])}`);
        }
      }
    }
    log(
      `edge bench: ${cpus().length} cpus, load ${loadAverage()}, wrk -t1 -c${CONNECTIONS} ` +
        `${SECONDS}s x ${ROUNDS} round(s), warm-up ${WARMUP_SECONDS}s`,
    );

    const results: Record<Size, Record<Case, WrkResult[]>> = {
      '100k': { edge_on: [], edge_off: [], nginx: [], edge_on_noexport: [], node_raw: [] },
      '1m': { edge_on: [], edge_off: [], nginx: [], edge_on_noexport: [], node_raw: [] },
    };
    const hitObjectFetches = (): number =>
      originSpans
        .getFinishedSpans()
        .filter((s) =>
          (Object.keys(SIZES) as Size[]).some(
            (size) => s.attributes['content.path'] === item.originPath(file(size)),
          ),
        ).length;
    const fetchesBefore = hitObjectFetches();
    const sinkBefore = sink.counts();
    for (const size of Object.keys(SIZES) as Size[]) {
      for (const c of CASES) await runWrk(`${base[c]}${item.mediaPath(file(size))}`, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round++) {
        const shift = round % CASES.length;
        const order = [...CASES.slice(shift), ...CASES.slice(0, shift)];
        for (const c of order) {
          const r = await runWrk(`${base[c]}${item.mediaPath(file(size))}`, SECONDS);
          if (r.non2xx > 0) throw new Error(`${c} ${size}: ${r.non2xx} non-2xx answers under load`);
          results[size][c].push(r);
          log(
            `${size.padEnd(4)} ${c.padEnd(16)} ${r0(r.rps).toString().padStart(6)} req/s ` +
              `${r.transferMBps.toFixed(0).padStart(5)} MB/s p50 ${r.latencyP50ms?.toFixed(2)} ms ` +
              `p99 ${r.latencyP99ms?.toFixed(2)} ms${r.socketErrors ? ` socket errors ${r.socketErrors}` : ''}`,
          );
        }
      }
    }
    // Everything measured was a hit: the measured objects are still hits, and no extra origin fetch happened.
    for (const size of Object.keys(SIZES) as Size[]) {
      for (const c of ['edge_on', 'edge_off', 'edge_on_noexport'] as const) {
        const status = String((await get(`${base[c]}${item.mediaPath(file(size))}`)).headers['cache-status']);
        if (!/; hit/.test(status)) throw new Error(`${c} ${size}: not a hit after the runs: ${status}`);
      }
    }
    const fetchesDuringRuns = hitObjectFetches() - fetchesBefore;
    if (fetchesDuringRuns !== 0) throw new Error(`${fetchesDuringRuns} origin fetches during the hit runs`);
    const sinkAfter = sink.counts();

    // The miss path: 64 concurrent requests for one object no edge has seen.
    const metricsBefore = await (await fetch(`${edgeOn.url}/metrics`)).text();
    const missUrl = `${edgeOn.url}${item.mediaPath('miss.m4s')}`;
    const answers = await Promise.all(Array.from({ length: MISS_CONCURRENCY }, () => get(missUrl)));
    const metricsAfter = await (await fetch(`${edgeOn.url}/metrics`)).text();
    await origin.telemetry.forceFlush();
    const originFetches = originSpans
      .getFinishedSpans()
      .filter((s) => s.attributes['content.path'] === item.originPath('miss.m4s')).length;
    const delta = (m: string): number => promSum(metricsAfter, m) - promSum(metricsBefore, m);
    const miss = {
      requests: MISS_CONCURRENCY,
      ok: answers.filter((a) => a.status === 200 && a.bytes === SIZES['1m']).length,
      origin_fetches: originFetches,
      edge_origin_fetches: delta('cdn_origin_fetch_duration_seconds_count'),
      edge_coalesced: delta('cdn_origin_fetch_coalesced_total'),
      // RFC 9211 `collapsed`: answered from another request's origin fetch.
      collapsed: answers.filter((a) => /; collapsed/.test(String(a.headers['cache-status']))).length,
    };
    log(`miss path: ${JSON.stringify(miss)}`);

    const rps = (size: Size, c: Case): number => median(results[size][c].map((r) => r.rps));
    const figures: Record<string, number> = {};
    const ratios: Record<string, number> = {};
    for (const size of Object.keys(SIZES) as Size[]) {
      for (const c of CASES) figures[`${c}_${size}_rps`] = r0(rps(size, c));
      ratios[`on_over_nginx_${size}`] = r3(rps(size, 'edge_on') / rps(size, 'nginx'));
      ratios[`on_over_off_${size}`] = r3(rps(size, 'edge_on') / rps(size, 'edge_off'));
      ratios[`off_over_nginx_${size}`] = r3(rps(size, 'edge_off') / rps(size, 'nginx'));
      ratios[`on_noexport_over_off_${size}`] = r3(rps(size, 'edge_on_noexport') / rps(size, 'edge_off'));
      ratios[`off_over_node_raw_${size}`] = r3(rps(size, 'edge_off') / rps(size, 'node_raw'));
      ratios[`node_raw_over_nginx_${size}`] = r3(rps(size, 'node_raw') / rps(size, 'nginx'));
    }
    const p99 = (size: Size, c: Case): number =>
      r3(median(results[size][c].map((r) => r.latencyP99ms ?? NaN)));
    return {
      bench: 'edge',
      cpus: cpus().length,
      wrk: `-t1 -c${CONNECTIONS} -d${SECONDS}s`,
      rounds: ROUNDS,
      ...figures,
      ...ratios,
      goals: {
        on_over_nginx_100k: 0.6,
        on_over_nginx_1m: 0.85,
        on_over_off: 0.95,
        origin_fetches: 1,
      },
      met: {
        on_over_nginx_100k: (ratios['on_over_nginx_100k'] ?? 0) >= 0.6,
        on_over_nginx_1m: (ratios['on_over_nginx_1m'] ?? 0) >= 0.85,
        on_over_off_100k: (ratios['on_over_off_100k'] ?? 0) >= 0.95,
        on_over_off_1m: (ratios['on_over_off_1m'] ?? 0) >= 0.95,
        origin_fetches: miss.origin_fetches === 1,
      },
      p99_ms: {
        edge_on_100k: p99('100k', 'edge_on'),
        edge_off_100k: p99('100k', 'edge_off'),
        nginx_100k: p99('100k', 'nginx'),
        edge_on_noexport_100k: p99('100k', 'edge_on_noexport'),
        edge_on_1m: p99('1m', 'edge_on'),
        edge_off_1m: p99('1m', 'edge_off'),
        nginx_1m: p99('1m', 'nginx'),
        edge_on_noexport_1m: p99('1m', 'edge_on_noexport'),
        node_raw_100k: p99('100k', 'node_raw'),
        node_raw_1m: p99('1m', 'node_raw'),
      },
      origin_fetches_during_hit_runs: fetchesDuringRuns,
      otlp_export_during_runs: {
        trace_requests: sinkAfter.traceRequests - sinkBefore.traceRequests,
        trace_bytes: sinkAfter.traceBytes - sinkBefore.traceBytes,
        metric_requests: sinkAfter.metricRequests - sinkBefore.metricRequests,
      },
      miss_path: miss,
      origin_fetches: miss.origin_fetches,
      all_rps: Object.fromEntries(
        (Object.keys(SIZES) as Size[]).flatMap((size) =>
          CASES.map((c) => [`${c}_${size}`, results[size][c].map((r) => r0(r.rps))]),
        ),
      ),
      load_average_after: loadAverage(),
      log_level: 'warn',
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`cleanup failed: ${String(err)}`);
      }
    }
    killAll();
    await rm(dataDir, { recursive: true, force: true });
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

// Processes and measurements for bench/edge: owned children (killed on exit), the OTLP sink, the edge and
// bare-Node servers under test, wrk runs and their parsing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../apps/server/test-support/nginx-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binCli = path.join(here, '..', '..', 'apps/server/bin/coursecast.js');

// ---- children we own: every one is killed on the way out, failure or not --------------------------------
const children = new Set<ChildProcess>();
export function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.once('exit', killAll);

export function own(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** On SIGINT/SIGTERM: kills the children this bench owns, removes `dir`, exits 130/143; returns the undo. */
export function cleanUpOnSignal(dir: string): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    killAll();
    void rm(dir, { recursive: true, force: true }).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// ---- the OTLP/HTTP sink: answers 200, counts ------------------------------------------------------------
export interface Sink {
  port: number;
  counts(): { traceRequests: number; traceBytes: number; metricRequests: number; metricBytes: number };
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
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
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
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

export async function waitForHttp(
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
export interface EdgeProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startEdge(
  name: string,
  originUrl: string,
  env: Record<string, string>,
): Promise<EdgeProcess> {
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
export const RAW_NODE_SERVER = `
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

export async function startRawNode(root: string): Promise<EdgeProcess> {
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
export interface WrkResult {
  rps: number;
  transferMBps: number;
  latencyP50ms: number | null;
  latencyP99ms: number | null;
  non2xx: number;
  socketErrors: number;
}

export function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

export function runWrk(url: string, seconds: number, connections: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url];
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
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;
export const r0 = (x: number): number => Math.round(x);

/** Sum of a Prometheus counter's samples (every label set). */
export function promSum(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(metric) && (line[metric.length] === ' ' || line[metric.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

export function loadAverage(): string {
  const r = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' });
  return r.stdout.trim().split(' ').slice(0, 3).join(' ');
}

/** Runs the benchmark and returns its figures. */

/** Runs a bench's cleanups, last started first; one that fails is logged and the rest still run. */
export async function runCleanups(cleanups: readonly (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log(`cleanup failed: ${String(err)}`);
    }
  }
}

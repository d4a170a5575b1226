// `coursecast serve` in a process of its own for the benchmarks that measure the whole server (its RSS apart
// from the load generator's).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../apps/server/test-support/nginx-process.js';
import { own, waitForHttp } from './edge/edge-bench-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binCli = path.join(here, '..', 'apps/server/bin/coursecast.js');

/** The admin token every bench server uses. */
export const BENCH_TOKEN = 'bench-admin-token-0123456789';
/** Its Authorization header. */
export const BENCH_AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

/** A running server. */
export interface BenchServer {
  url: string;
  pid: number;
  /** The process's resident memory now, bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/** The resident memory of process `pid`, bytes. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Starts `coursecast serve` on a free port with `dataDir` and extra environment; resolves once it answers. */
export async function startBenchServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const port = await freePort();
  const child = own(
    spawn(process.execPath, [binCli, '--port', String(port), '--data-dir', dataDir, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? tmpdir(),
        COURSECAST_LOG_LEVEL: 'warn',
        COURSECAST_ADMIN_TOKEN: BENCH_TOKEN,
        NODE_ENV: 'production',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child, 'coursecast serve', 30_000);
  return {
    url,
    pid: child.pid!,
    rss: () => rssOf(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Runs a command to its end; its stdout, or an error with the end of its stderr. */
export function runCommand(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = own(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.slice(-800)}`)),
    );
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `coursecast serve` as an operator runs it, in a child process: its own signal handling, logger and exit code.

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'serve-cli.fixture.ts');

/** The admin token every served child uses. */
export const SERVE_ADMIN = { authorization: 'Bearer serve-test-admin-token-0123456789' };

export interface Serving {
  child: ChildProcess;
  base: string;
  dataDir: string;
  stderr(): string;
  /** SIGTERM, then the exit code and how long it took. */
  terminate(): Promise<{ code: number | null; ms: number }>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

export interface ServeOptions {
  /** Where the log goes (default: a pipe the caller reads, or leaves unread on purpose). */
  stdout?: number | 'pipe';
  env?: Record<string, string>;
  /** A data directory to reuse (a restart); by default a new one, removed by the cleanup. */
  dataDir?: string;
  /** A command the server runs under (e.g. strace and its options); the server's own arguments follow it. */
  wrap?: string[];
  /** Called with what undoes this start (the test file runs them after its tests). */
  onCleanup: (cleanup: () => void) => void;
}

/** Starts `coursecast serve` on a free port and resolves once it listens. */
export async function serveProcess(options: ServeOptions): Promise<Serving> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'cc-serve-'));
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('COURSECAST_'));
  const own = [process.execPath, '--conditions=source', '--import', 'tsx', cli, 'serve'];
  const [command = process.execPath, ...args] = [...(options.wrap ?? []), ...own];
  const child = spawn(command, args, {
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    env: {
      ...Object.fromEntries(inherited),
      COURSECAST_DATA_DIR: dataDir,
      COURSECAST_PORT: '0',
      COURSECAST_ADMIN_TOKEN: SERVE_ADMIN.authorization.slice('Bearer '.length),
      COURSECAST_LOG_LEVEL: 'info',
      COURSECAST_SHUTDOWN_TIMEOUT_SECONDS: '5',
      ...options.env,
    },
  });
  options.onCleanup(() => {
    child.kill('SIGKILL');
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  let stderr = '';
  let t0 = 0;
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, ms: performance.now() - t0 })),
  );
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    child,
    base,
    dataDir,
    stderr: () => stderr,
    terminate() {
      t0 = performance.now();
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

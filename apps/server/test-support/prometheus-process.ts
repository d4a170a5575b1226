// A private Prometheus as an owned child process, for tests that prove PromQL (the Grafana dashboard's
// queries) against a real TSDB. Debian's prometheus is installed by scripts/setup; PROMETHEUS_PATH overrides.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './nginx-process.js';

/** The prometheus binary: Debian's, unless PROMETHEUS_PATH points elsewhere. */
export const PROMETHEUS_PATH = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

/** Throws a setup error (never a silent skip: scripts/setup installs prometheus, so missing it is a setup bug). */
export function assertPrometheusInstalled(): void {
  try {
    accessSync(PROMETHEUS_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `prometheus not found at ${PROMETHEUS_PATH}: run bash scripts/setup (it installs Debian's prometheus), ` +
        'or point PROMETHEUS_PATH at a prometheus binary',
    );
  }
}

export interface PrometheusOptions {
  /** The one scrape target, `host:port`. */
  target: string;
  /** Path of the target's metrics (default `/metrics`). */
  metricsPath?: string;
  /** `job_name` of the scrape config, and so the `job` label of every series (default `coursecast`). */
  job?: string;
  /** How long to wait for `/-/ready` (default 15 s). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
}

/** One series of an instant query: its labels and its value (a string, as Prometheus sends it: "NaN" too). */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A running Prometheus; stop() kills it (never orphans) and removes its config and TSDB. */
export interface PrometheusProcess {
  url: string;
  port: number;
  pid: number;
  dir: string;
  job: string;
  /** The scrape target (`host:port`), i.e. the `instance` label of its series. */
  instance: string;
  /** The generated prometheus.yml, for error messages. */
  config: string;
  /** Runs an instant query (`/api/v1/query`) and returns its vector; throws with Prometheus's error. */
  query(promql: string): Promise<PromSample[]>;
  /** Resolves once the target's last scrape succeeded; throws with the scrape error after the timeout. */
  waitForTargetUp(timeoutMs?: number): Promise<void>;
  /** Resolves once a successful scrape started after this call, so everything done before it is stored. */
  waitForScrape(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

interface TargetsData {
  activeTargets: { scrapePool: string; health: string; lastError: string; lastScrape: string }[];
}

/**
 * The scrape config. JSON is YAML, so no quoting rules to get wrong; 1 s intervals so a test sees several
 * scrapes within seconds.
 */
function prometheusConfig(o: Required<Pick<PrometheusOptions, 'target' | 'metricsPath' | 'job'>>): string {
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      {
        job_name: o.job,
        scrape_interval: '1s',
        scrape_timeout: '1s',
        metrics_path: o.metricsPath,
        static_configs: [{ targets: [o.target] }],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

async function api<T>(base: string, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${base}${pathAndQuery}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as ApiAnswer<T>;
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`prometheus ${pathAndQuery}: ${body.errorType ?? res.status}: ${body.error ?? ''}`);
  }
  return body.data;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Prometheus with a generated config and TSDB in a fresh temp dir, listening on a free 127.0.0.1
 * port, and resolves once `/-/ready` answers 200. Retries when another process took the port first.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusProcess> {
  assertPrometheusInstalled();
  let lastError: Error | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-prometheus-'));
    try {
      return await startOnce(dir, options);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      lastError = err instanceof Error ? err : new Error(String(err));
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('prometheus did not start');
}

async function startOnce(dir: string, options: PrometheusOptions): Promise<PrometheusProcess> {
  const job = options.job ?? 'coursecast';
  const config = prometheusConfig({
    target: options.target,
    metricsPath: options.metricsPath ?? '/metrics',
    job,
  });
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS_PATH,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Debian's defaults point at /usr/share/prometheus; the test needs no consoles.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let spawnError: Error | null = null;
  // A failed spawn emits 'error' and maybe never 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null && spawnError === null;
  const kill = (signal: NodeJS.Signals): void => {
    if (running()) child.kill(signal);
  };
  // A test runner that exits (or crashes) mid-test must not leave a Prometheus behind.
  const onExit = (): void => kill('SIGKILL');
  process.once('exit', onExit);
  const fail = (why: string): Error =>
    new Error(`prometheus ${why}:\n${stderr.trim()}\nconfig ${configFile}:\n${config}`);

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running()) {
      await exited;
      process.removeListener('exit', onExit);
      throw fail(`exited at start (${spawnError ?? `code ${child.exitCode ?? child.signalCode}`})`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      kill('SIGKILL');
      await exited;
      process.removeListener('exit', onExit);
      throw fail(`was not ready on ${port} within ${timeoutMs} ms`);
    }
    await sleep(50);
  }

  async function target(): Promise<TargetsData['activeTargets'][number] | undefined> {
    const data = await api<TargetsData>(url, '/api/v1/targets?state=active');
    return data.activeTargets.find((t) => t.scrapePool === job);
  }

  async function waitForTarget(after: number, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const t = await target();
      if (t?.health === 'up' && Date.parse(t.lastScrape) > after) return;
      if (Date.now() > until) {
        throw new Error(
          `prometheus: ${what} within ${timeoutMs} ms (target ${options.target}: ` +
            `${t ? `${t.health}, last scrape ${t.lastScrape}, ${t.lastError || 'no error'}` : 'not listed'})`,
        );
      }
      await sleep(100);
    }
  }

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    pid: child.pid!,
    dir,
    job,
    instance: options.target,
    config,
    async query(promql) {
      const data = await api<{ resultType: string; result: unknown }>(
        url,
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      if (data.resultType === 'vector') return data.result as PromSample[];
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      throw new Error(`prometheus: ${promql} gave a ${data.resultType}, not an instant vector`);
    },
    waitForTargetUp: (timeoutMs = 10_000) => waitForTarget(0, timeoutMs, 'target not up'),
    waitForScrape(timeoutMs = 10_000) {
      return waitForTarget(Date.now(), timeoutMs, 'no successful scrape');
    },
    stop() {
      stopping ??= (async () => {
        // SIGTERM lets it close the TSDB cleanly; SIGKILL if it hangs, since the dir is deleted anyway.
        kill('SIGTERM');
        const timer = setTimeout(() => kill('SIGKILL'), options.stopTimeoutMs ?? 5_000);
        await exited;
        clearTimeout(timer);
        process.removeListener('exit', onExit);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

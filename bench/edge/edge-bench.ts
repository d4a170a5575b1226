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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type Coursecast, createCoursecast, loadConfig } from '@coursecast/server';
import {
  assertNginxInstalled,
  freePort,
  startNginx,
  type NginxProcess,
} from '../../apps/server/test-support/nginx-process.js';
import { staticFilesHttpBlock } from '../../apps/server/test-support/nginx-sites.js';
import { patternBytes, publishItem } from '../../apps/server/test-support/published-item.js';
import {
  cleanUpOnSignal,
  get,
  killAll,
  loadAverage,
  log,
  median,
  promSum,
  r0,
  r3,
  runCleanups,
  runWrk,
  startEdge,
  startRawNode,
  startSink,
  type WrkResult,
} from './edge-bench-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const distCli = path.join(repo, 'apps/server/dist/cli.js');

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

export async function main(_args: string[]): Promise<object> {
  if (!existsSync(distCli)) {
    throw new Error(`${distCli} is missing: run npm run build (the edge under test runs from the build)`);
  }
  assertNginxInstalled();
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: run bash scripts/setup');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-bench-edge-'));
  const cleanups: (() => Promise<void>)[] = [];
  const stopCleanUp = cleanUpOnSignal(dataDir);
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
      instrumentationExtras: { spanProcessors: [new SimpleSpanProcessor(originSpans)] },
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
      for (const c of CASES)
        await runWrk(`${base[c]}${item.mediaPath(file(size))}`, WARMUP_SECONDS, CONNECTIONS);
      for (let round = 0; round < ROUNDS; round++) {
        const shift = round % CASES.length;
        const order = [...CASES.slice(shift), ...CASES.slice(0, shift)];
        for (const c of order) {
          const r = await runWrk(`${base[c]}${item.mediaPath(file(size))}`, SECONDS, CONNECTIONS);
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
    await origin.instrumentation.forceFlush();
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
    await runCleanups(cleanups);
    killAll();
    await rm(dataDir, { recursive: true, force: true });
    stopCleanUp();
  }
}

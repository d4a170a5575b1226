// bench/ingest: events per second sustained through `POST /v1/logs` (OTLP JSON, batches of 50 realistic player
// events, 64 connections from wrk, every batch with its own view id so nothing is dropped as a duplicate),
// acked only after the group commit, against the peer run in the same process right before: the raw DuckDB
// appender ceiling (the same rows appended and flushed in batches of 5000, no HTTP, no validation). Also the
// p50/p99 ingest latency (wrk) and the commit sizes the server made. Target: ratio ≥ 0.6.
//
// Env: INGEST_BENCH_SECONDS (10), INGEST_BENCH_CONNECTIONS (64), INGEST_BENCH_WORKERS (decode workers, 1).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { createCoursecast, loadConfig } from '@coursecast/server';
import { createTableAppender, EVENT_COLUMNS, openTelemetryStore } from '@coursecast/server/parts';
import { freePort } from '../../apps/server/test-support/nginx-process.js';
import { otlpLogs, type TestEvent } from '../../apps/server/test-support/otlp-json.js';
import { loadAverage, log, own, promSum, r3, toMs } from '../edge/edge-bench-kit.js';
import { rawRows } from './ingest-rows.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const SECONDS = env('INGEST_BENCH_SECONDS', 10);
const CONNECTIONS = env('INGEST_BENCH_CONNECTIONS', 64);
const BATCH = 50;
const TARGET = 0.6;
const VIEW = '__VIEW__';

/** 50 events of one view as a player sends them: start, startup, requests, heartbeats, a rebuffer, a switch. */
function batchEvents(): TestEvent[] {
  const t0 = Date.now();
  return Array.from({ length: BATCH }, (_, seq) => {
    const base = {
      'content.view.id': VIEW,
      'content.view.seq': seq,
      'content.item_id': 'itm_bench',
      'hls.plan.mode': 'vod',
    };
    const at = t0 + seq * 200;
    if (seq === 0) return { name: E.viewStart, timeMs: at, attrs: base };
    if (seq === 1)
      return { name: E.videoStartup, timeMs: at, attrs: { ...base, 'content.startup.duration_ms': 612.4 } };
    if (seq % 10 === 0)
      return {
        name: E.heartbeat,
        timeMs: at,
        attrs: {
          ...base,
          'content.view.playing_ms': seq * 190,
          'content.view.stall_ms': 0,
          'content.view.watch_ms': seq * 200,
          'content.bandwidth_bps': 8_400_000,
          'content.buffer_length_s': 12.5,
        },
      };
    if (seq === 23)
      return {
        name: E.buffering,
        timeMs: at,
        attrs: { ...base, 'content.buffering.phase': 'end', 'content.buffering.duration_ms': 840 },
      };
    if (seq === 31)
      return {
        name: E.qualitySwitch,
        timeMs: at,
        attrs: {
          ...base,
          'content.quality_from': '720p',
          'content.quality_to': '1080p',
          'content.switch_reason': 'bandwidth',
        },
      };
    return {
      name: E.request,
      timeMs: at,
      attrs: {
        ...base,
        'content.request.type': 'segment',
        'content.request.outcome': 'completed',
        'content.request.ttfb_ms': 18.2,
        'content.request.download_ms': 95.1,
        'content.request.bytes': 1_482_113,
        'http.response.status_code': 200,
        'cdn.cache_status': 'HIT',
      },
    };
  });
}

/** A wrk script posting the batch with a view id unique per thread and request. */
function wrkScript(body: string): string {
  const parts = body.split(VIEW).map((p) => `[==[${p}]==]`);
  return `
local parts = { ${parts.join(', ')} }
local n = 0
local tid = 0
local counter = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) tid = wrk.thread:get("tid") end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  return wrk.format(nil, "/v1/logs", nil, table.concat(parts, "v" .. tid .. "-" .. counter))
end
`;
}

function runWrkScript(
  url: string,
  script: string,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number; out: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', script, url];
    const child = own(spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || !rps) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const p = (q: string): number => toMs(new RegExp(`^\\s+${q}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? 'NaN');
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      // Requests/sec counts refusals too; only acked (2xx) batches count as ingested.
      resolve({
        rps: (Number(rps[1]) * (total - non2xx)) / Math.max(1, total),
        p50: p('50'),
        p99: p('99'),
        non2xx,
        out,
      });
    });
  });
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-ingest-'));
  try {
    log(
      `ingest bench: ${cpus().length} cpus, load ${loadAverage()}, ${CONNECTIONS} connections, ${SECONDS} s, batches of ${BATCH}`,
    );
    // The peer: raw appender ceiling over the same rows.
    // The peer: DuckDB's appender on the same table, appended and flushed (committed) on this thread.
    const raw = await openTelemetryStore(path.join(dir, 'raw.duckdb'));
    const appender = await createTableAppender(await raw.db.connect(), 'events', EVENT_COLUMNS);
    const rows = rawRows(batchEvents());
    let appended = 0;
    const rawStart = performance.now();
    while (performance.now() - rawStart < Math.min(SECONDS, 5) * 1000) {
      const batch = Array.from({ length: 100 }, (_, b) =>
        rows.map((r) => ({ ...r, viewId: `raw-${appended}-${b}` })),
      ).flat();
      appender.commit(batch);
      appended += batch.length;
    }
    const rawRate = appended / ((performance.now() - rawStart) / 1000);
    appender.close();
    await raw.close();
    log(`raw appender: ${Math.round(rawRate)} events/s (flush per 5000 rows)`);

    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: path.join(dir, 'data'),
        port: await freePort(),
        adminToken: 'bench-admin-token-0123456789',
        logLevel: 'silent',
        // One client address: the per-client limits would measure themselves, not the pipe; and the node's
        // budget is what this measures, so it is lifted too.
        ingest: {
          ratePerSecond: 1_000_000,
          rateBurst: 1_000_000,
          maxInFlightPerClient: 1_000_000,
          nodeRecordsPerSecond: 100_000_000,
          nodeBytesPerSecond: 1024 * 1024 * 1024,
          serverTelemetry: false,
          decodeWorkers: Number(process.env.INGEST_BENCH_WORKERS ?? 1),
        },
      },
    });
    const cc = await createCoursecast(config, { logger: false, startQueue: false });
    const base = await cc.listen();
    const script = path.join(dir, 'post.lua');
    writeFileSync(script, wrkScript(JSON.stringify(otlpLogs(batchEvents()))));
    const run = await runWrkScript(base, script);
    // The server's own account of its commits: how long each took and how many rows it carried.
    const prom = (await cc.instrumentation.renderPrometheus?.()) ?? '';
    const commitMs =
      (promSum(prom, 'ingest_commit_duration_seconds_sum') /
        Math.max(1, promSum(prom, 'ingest_commit_duration_seconds_count'))) *
      1000;
    const commits = promSum(prom, 'ingest_commit_duration_seconds_count');
    await cc.pipeline.ingest.close();
    const stored = await cc.pipeline.store.db.all('SELECT count(*)::BIGINT AS n FROM events');
    await cc.close();
    const storedEvents = Number(stored[0]?.['n'] ?? 0);
    const rate = run.rps * BATCH;
    const ratio = rate / rawRate;
    log(
      `coursecast: ${Math.round(rate)} events/s acked (${run.non2xx} refused), p50 ${run.p50} ms, p99 ${run.p99} ms; stored ${storedEvents}`,
    );
    return {
      bench: 'ingest',
      cpus: cpus().length,
      connections: CONNECTIONS,
      seconds: SECONDS,
      batch: BATCH,
      events_per_s: Math.round(rate),
      raw_appender_events_per_s: Math.round(rawRate),
      ratio: r3(ratio),
      target_ratio: TARGET,
      met: ratio >= TARGET,
      latency_p50_ms: run.p50,
      latency_p99_ms: run.p99,
      refused: run.non2xx,
      commits,
      mean_commit_ms: r3(commitMs),
      mean_rows_per_commit: Math.round(storedEvents / Math.max(1, commits)),
      stored_events: storedEvents,
      load_average: loadAverage(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

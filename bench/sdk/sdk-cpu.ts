// CPU per SDK event for bench/sdk, in headless Chromium. A page served by a sink in this process (so the SDK's
// beacons are same-origin, as deployed, and answered 200 at once) runs bench/sdk/cpu-page.js: `events` request
// completions through hls.js' loader path, with the SDK's traced loader (each completion is one
// `content.request` event and one client span, batched, OTLP-encoded and posted) and without it (the bare
// loader: the baseline). Main-thread time comes from CDP `Performance.getMetrics` (TaskDuration and
// ScriptDuration deltas over the whole window: the loop, the transport's flushes and the drain), and from
// performance.now() around the loop alone (the synchronous part in the player's own call stack).
// A fresh page per run, the variants alternating. Also the cost of a live view with no events (the SDK's
// 25 ms playhead poll), part of every with-SDK window in proportion to its length. Then, once, a with-SDK run
// of the unminified bundle under the CDP sampling profiler: where the SDK's time goes (not counted).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { log, median, r3 } from '../edge/edge-bench-kit.js';

const CPU_PAGE = fileURLToPath(new URL('./cpu-page.js', import.meta.url));
/** Completions per chunk: 2 queued items each, under the transport's 1000-item queue with room to spare. */
const CHUNK = 300;
/**
 * The transport's batch period here (default 5000), so a run takes seconds, not minutes; it sends a chunk in
 * the batches it makes of it (at most 300 items each), as it would any burst.
 */
export const CPU_FLUSH_MS = 20;
const IDLE_MS = 2000;
/** Events of the profiled run (sampling slows the page: a shorter run says as much). */
const PROFILE_EVENTS = 5000;

// ---- the page's origin and the beacons' endpoint --------------------------------------------------------
const PAGE_HTML =
  '<!doctype html><html><head><title>sdk bench</title></head>' +
  '<body><video width="640" height="360" muted playsinline></video></body></html>';

interface SinkCounts {
  logRequests: number;
  logBytes: number;
  traceRequests: number;
  traceBytes: number;
  other: number;
}

export interface PageSink {
  origin: string;
  counts(): SinkCounts;
  close(): Promise<void>;
}

/** GET: the bench page; POST /v1/logs and /v1/traces: counted and answered 200 (no parsing: cheap). */
export async function startPageSink(): Promise<PageSink> {
  const c: SinkCounts = { logRequests: 0, logBytes: 0, traceRequests: 0, traceBytes: 0, other: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE_HTML);
      return;
    }
    const logs = url.startsWith('/v1/logs');
    const traces = url.startsWith('/v1/traces');
    req.on('data', (chunk: Buffer) => {
      if (logs) c.logBytes += chunk.length;
      else if (traces) c.traceBytes += chunk.length;
    });
    req.on('end', () => {
      if (logs) c.logRequests++;
      else if (traces) c.traceRequests++;
      else c.other++;
      res.writeHead(logs || traces ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts: () => ({ ...c }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- one run --------------------------------------------------------------------------------------------
/** What cpu-page.js's run() answers. */
interface PageRun {
  loopMs: number;
  drainMs: number;
  wallMs: number;
  answered: number;
  stats: { sent: number; dropped: number; retried: number; queued: number; sdkErrors: number } | null;
}
interface CpuPage {
  setup(withSdk: boolean, flushMs: number): Promise<{ viewId: string | null; stats: PageRun['stats'] }>;
  run(total: number, chunk: number): Promise<PageRun>;
}
// Inside page.evaluate callbacks (serialized into the page): `(globalThis as unknown as CpuWindow).sdkCpu`.
interface CpuWindow {
  sdkCpu: CpuPage;
}

export interface CpuRun {
  withSdk: boolean;
  /** CDP TaskDuration delta over the window, ms (all main-thread tasks of the page). */
  taskMs: number;
  /** CDP ScriptDuration delta over the window, ms (JavaScript only). */
  scriptMs: number;
  /** performance.now() around the completions alone. */
  loopMs: number;
  /** Waiting for the transport to send each chunk (wall time, mostly idle). */
  drainMs: number;
  wallMs: number;
  /** What the sink received during the run. */
  sink: { logRequests: number; logBytes: number; traceRequests: number; traceBytes: number };
  /** Events and spans the SDK had sent (acked 2xx) during the run; dropped and errors at the end. */
  sent: number;
  /** Posts that failed and were sent again (after the transport's backoff, ≥ 0.8 s). */
  retried: number;
  dropped: number;
  sdkErrors: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** A fresh page at the sink's origin with the SDK (when `sdk` is given) and the CPU driver loaded. */
async function cpuPage(browser: Browser, sink: PageSink, sdk: string | null): Promise<Page> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${sink.origin}/`);
  if (sdk !== null) await page.addScriptTag({ content: sdk });
  await page.addScriptTag({ path: CPU_PAGE });
  const setup = await page.evaluate(
    ([withSdk, flushMs]) => (globalThis as unknown as CpuWindow).sdkCpu.setup(withSdk, flushMs),
    [sdk !== null, CPU_FLUSH_MS] as const,
  );
  if (sdk !== null && !setup.viewId)
    throw new Error(`the SDK started no view on play(): ${JSON.stringify(setup)} ${problems.join(' | ')}`);
  if (problems.length) throw new Error(`page errors: ${problems.join(' | ')}`);
  return page;
}

async function cpuRun(
  browser: Browser,
  sink: PageSink,
  sdk: string | null,
  events: number,
  profile = false,
): Promise<{ run: CpuRun; profile: Profile | null }> {
  const page = await cpuPage(browser, sink, sdk);
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const statsBefore = await page.evaluate(() =>
      (globalThis as unknown as CpuWindow).sdkCpu.run(0, 1).then((r) => r.stats),
    );
    const sinkBefore = sink.counts();
    const before = await metrics(cdp);
    const r = await page.evaluate(([n, chunk]) => (globalThis as unknown as CpuWindow).sdkCpu.run(n, chunk), [
      events,
      CHUNK,
    ] as const);
    const after = await metrics(cdp);
    const sinkAfter = sink.counts();
    const prof = profile ? ((await cdp.send('Profiler.stop')) as { profile: Profile }).profile : null;
    if (r.answered !== events) throw new Error(`${r.answered} of ${events} loads answered`);
    const delta = (name: string): number => ((after[name] ?? NaN) - (before[name] ?? NaN)) * 1000;
    const sent = (r.stats?.sent ?? 0) - (statsBefore?.sent ?? 0);
    if (sdk !== null && (sent < 2 * events || (r.stats?.dropped ?? 0) > 0 || (r.stats?.queued ?? 0) > 0)) {
      throw new Error(`the SDK sent ${sent} of ${2 * events} events and spans: ${JSON.stringify(r.stats)}`);
    }
    return {
      run: {
        withSdk: sdk !== null,
        taskMs: delta('TaskDuration'),
        scriptMs: delta('ScriptDuration'),
        loopMs: r.loopMs,
        drainMs: r.drainMs,
        wallMs: r.wallMs,
        sink: {
          logRequests: sinkAfter.logRequests - sinkBefore.logRequests,
          logBytes: sinkAfter.logBytes - sinkBefore.logBytes,
          traceRequests: sinkAfter.traceRequests - sinkBefore.traceRequests,
          traceBytes: sinkAfter.traceBytes - sinkBefore.traceBytes,
        },
        sent,
        retried: (r.stats?.retried ?? 0) - (statsBefore?.retried ?? 0),
        dropped: r.stats?.dropped ?? 0,
        sdkErrors: r.stats?.sdkErrors ?? 0,
      },
      profile: prof,
    };
  } finally {
    await page.close();
  }
}

/** Main-thread ms per second of a page doing nothing but holding a live view (the SDK's playhead poll). */
async function idleCost(browser: Browser, sink: PageSink, sdk: string | null, ms: number): Promise<number> {
  const page = await cpuPage(browser, sink, sdk);
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = await metrics(cdp);
    await new Promise((r) => setTimeout(r, ms));
    const after = await metrics(cdp);
    return (((after['TaskDuration'] ?? NaN) - (before['TaskDuration'] ?? NaN)) * 1000) / (ms / 1000);
  } finally {
    await page.close();
  }
}

// ---- the profile: self time per function --------------------------------------------------------------
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export const PROFILE_SDK_URL = 'coursecast-player-sdk.js';

/**
 * Self time per function of a profile, ms, largest first. Functions of the SDK's unminified bundle are named
 * with their source file (from esbuild's `// src/x.ts` markers in the bundle); `(program)`, `(garbage
 * collector)` and built-ins (JSON.stringify, fetch, ...) by their own names.
 */
function selfTimes(profile: Profile, rawBundle: string): { top: [string, number][]; sdkSelfMs: number } {
  const lines = rawBundle.split('\n');
  const fileAt: string[] = [];
  let file = '(bundle)';
  for (const line of lines) {
    const m = /^\s*\/\/ (\S+\.ts)$/.exec(line);
    if (m) file = m[1]!.replace(/^(\.\.\/)+/, '');
    fileAt.push(file);
  }
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let sdkSelfMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i]!);
    // A sample's delta is the time since the previous one: it belongs to the next sample's frame.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    if (!node || ms <= 0) continue;
    const f = node.callFrame;
    const inSdk = f.url.endsWith(PROFILE_SDK_URL);
    const where = inSdk ? ` (${fileAt[f.lineNumber] ?? '?'})` : f.url ? ` (${f.url.split('/').pop()})` : '';
    if (inSdk) sdkSelfMs += ms;
    const key = `${f.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return { top: top.map(([k, v]) => [k, r3(v)]), sdkSelfMs: r3(sdkSelfMs) };
}

// ---- the phase ------------------------------------------------------------------------------------------
export interface CpuFigures {
  figures: Record<string, number>;
  details: Record<string, unknown>;
}

/** `rounds` runs of each variant, alternating, then the profiled run; ms per 1000 events, medians. */
export async function cpuPerEvent(
  browser: Browser,
  sdk: { minified: string; raw: string },
  events: number,
  rounds: number,
  profile: boolean,
): Promise<CpuFigures> {
  const sink = await startPageSink();
  const runs: { with: CpuRun[]; without: CpuRun[] } = { with: [], without: [] };
  let profiled: (ReturnType<typeof selfTimes> & { events: number }) | null = null;
  const idle = { with: NaN, without: NaN };
  try {
    // Warm-up (not counted): the first page of a browser pays for its process and the scripts' first compile.
    await cpuRun(browser, sink, sdk.minified, 2 * CHUNK);
    await cpuRun(browser, sink, null, 2 * CHUNK);
    // What a live view costs with no events at all: part of every with-SDK window, in proportion to its length.
    idle.with = await idleCost(browser, sink, sdk.minified, IDLE_MS);
    idle.without = await idleCost(browser, sink, null, IDLE_MS);
    log(
      `cpu idle (a live view, no events, ${IDLE_MS} ms): task ${idle.with.toFixed(2)} ms/s with SDK, ` +
        `${idle.without.toFixed(2)} ms/s without`,
    );
    const per1000 = (ms: number): string => (ms / (events / 1000)).toFixed(2).padStart(7);
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? [true, false] : [false, true];
      for (const withSdk of order) {
        const { run } = await cpuRun(browser, sink, withSdk ? sdk.minified : null, events);
        (withSdk ? runs.with : runs.without).push(run);
        log(
          `cpu run ${i + 1}/${rounds} ${withSdk ? 'with SDK   ' : 'without SDK'} per 1000 events: ` +
            `task ${per1000(run.taskMs)} ms, script ${per1000(run.scriptMs)} ms, loop ${per1000(run.loopMs)} ms` +
            ` (window ${run.wallMs.toFixed(0)} ms, drain ${run.drainMs.toFixed(0)} ms` +
            (withSdk
              ? `; sent ${run.sent}, retried ${run.retried}, ${run.sink.logRequests} + ${run.sink.traceRequests} posts, ` +
                `${((run.sink.logBytes + run.sink.traceBytes) / 1048576).toFixed(1)} MB)`
              : ')'),
        );
      }
    }
    if (profile) {
      const tagged = `${sdk.raw}\n//# sourceURL=${PROFILE_SDK_URL}\n`;
      const n = Math.min(events, PROFILE_EVENTS);
      const { run, profile: prof } = await cpuRun(browser, sink, tagged, n, true);
      if (prof) profiled = { events: n, ...selfTimes(prof, sdk.raw) };
      log(
        `cpu profile (unminified SDK, not counted): task ${run.taskMs.toFixed(0)} ms for ${n} events; ` +
          `SDK's own functions ${profiled?.sdkSelfMs ?? '-'} ms self; top self time: ` +
          (profiled?.top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') ?? '-'),
      );
    }
  } finally {
    await sink.close();
  }
  const med = (rs: CpuRun[], pick: (r: CpuRun) => number): number =>
    r3(median(rs.map(pick)) / (events / 1000));
  const withTask = med(runs.with, (r) => r.taskMs);
  const withoutTask = med(runs.without, (r) => r.taskMs);
  const withScript = med(runs.with, (r) => r.scriptMs);
  const withoutScript = med(runs.without, (r) => r.scriptMs);
  const withLoop = med(runs.with, (r) => r.loopMs);
  const withoutLoop = med(runs.without, (r) => r.loopMs);
  const all = (rs: CpuRun[], pick: (r: CpuRun) => number): number[] =>
    rs.map((r) => r3(pick(r) / (events / 1000)));
  const first = runs.with[0];
  return {
    figures: {
      msPer1000WithSdk: withTask,
      msPer1000Baseline: withoutTask,
      msPer1000Sdk: r3(withTask - withoutTask),
      // The same without the live view's idle cost over the window (its poll, however long the drain took).
      msPer1000SdkEvents: r3(
        med(runs.with, (r) => r.taskMs - (idle.with * r.wallMs) / 1000) -
          med(runs.without, (r) => r.taskMs - (idle.without * r.wallMs) / 1000),
      ),
      scriptMsPer1000WithSdk: withScript,
      scriptMsPer1000Baseline: withoutScript,
      scriptMsPer1000Sdk: r3(withScript - withoutScript),
      loopMsPer1000WithSdk: withLoop,
      loopMsPer1000Baseline: withoutLoop,
      loopMsPer1000Sdk: r3(withLoop - withoutLoop),
    },
    details: {
      events,
      event: 'one request completion through the loader: a content.request event and a client span',
      chunk: CHUNK,
      flushMs: CPU_FLUSH_MS,
      rounds,
      measure: {
        task: 'CDP Performance.getMetrics TaskDuration delta over the window (loop + flushes + drain)',
        script: 'CDP ScriptDuration delta over the same window',
        loop: 'performance.now() around the completions alone (the SDK work in the loader call stack)',
      },
      all: {
        taskWithSdk: all(runs.with, (r) => r.taskMs),
        taskBaseline: all(runs.without, (r) => r.taskMs),
        scriptWithSdk: all(runs.with, (r) => r.scriptMs),
        scriptBaseline: all(runs.without, (r) => r.scriptMs),
        loopWithSdk: all(runs.with, (r) => r.loopMs),
        loopBaseline: all(runs.without, (r) => r.loopMs),
        windowMsWithSdk: runs.with.map((r) => r3(r.wallMs)),
        windowMsBaseline: runs.without.map((r) => r3(r.wallMs)),
      },
      idleTaskMsPerSecond: { withSdk: r3(idle.with), baseline: r3(idle.without) },
      retried: runs.with.map((r) => r.retried),
      transport: first
        ? {
            sent: first.sent,
            logPosts: first.sink.logRequests,
            tracePosts: first.sink.traceRequests,
            bytesPerEvent: r3((first.sink.logBytes + first.sink.traceBytes) / events),
            sdkErrors: first.sdkErrors,
          }
        : null,
      profile: profiled,
    },
  };
}

// Startup with and without the player SDK for bench/sdk, in headless Chromium against a real coursecast
// (its transcoded HLS ladder behind the embedded edge, its /v1/logs ingest). Per run, a fresh page (its own
// browser context: a cold HTTP cache) on the server's origin gets a muted <video>, hls.js, the SDK's IIFE
// (SDK variants only), e2e/support/playhead-truth.js and bench/sdk/startup-page.js; then hls.js attaches, and
// once attached loads the source while the probe calls play(). The figure is the test's own measurement:
// play() → the first move of the playhead, sampled every 4 ms. With-SDK runs also read the SDK's own
// `content.video_startup` back from the store. A third variant, a diagnostic, runs the SDK with a transport
// that sends nothing: it splits a difference into the SDK's work in the page and its beacons' effect
// (requests sharing the connection pool and the server). The order rotates per run; one unmeasured run of
// each first warms the edge cache, so every measured run is served from it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PLAYBACK_EVENTS } from '@coursecast/semconv';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../../apps/server/test-support/test-server.js';
import { viewEvents, waitFor } from '../../e2e/support/watch-session.js';
import { log, median, r3 } from '../edge/edge-bench-kit.js';

const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const PLAYHEAD_TRUTH = fileURLToPath(new URL('../../e2e/support/playhead-truth.js', import.meta.url));
const STARTUP_PAGE = fileURLToPath(new URL('./startup-page.js', import.meta.url));
const FIRST_MOVE_TIMEOUT_MS = 30_000;
/** With-SDK startup over without, medians: at most this. */
export const STARTUP_RATIO_TARGET = 1.02;

const PAGE_HTML =
  '<!doctype html><html><head><title>sdk bench startup</title></head>' +
  '<body><video width="640" height="360" muted playsinline></video></body></html>';

/** What startup-page.js's state() answers; page-clock ms. */
interface PageState {
  startAt: number | null;
  /** When hls.js and the element first reached each stage (manifestParsed, levelLoaded, fragLoaded, ...). */
  marks: Record<string, number>;
  /** The rendition (hls.js level index) of each media fragment loaded before the first move. */
  levels: number[];
  playCalledAt: number | null;
  firstMoveAt: number | null;
  samples: number;
  errors: { type: string; details: string; fatal: boolean }[];
  mediaError: { code: number; message: string } | null;
  currentTime: number;
  viewId: string | null;
  stats: Record<string, number> | null;
}
interface StartupPage {
  supported(): boolean;
  start(url: string, variant: Variant, content: Record<string, string>): void;
  state(): PageState;
}
// Inside page.evaluate callbacks (serialized into the page): `(globalThis as unknown as StartupWindow)`.
interface StartupWindow {
  startupBench: StartupPage;
}

/**
 * `with`: the SDK as deployed; `without`: hls.js alone; `noBeacons` (a diagnostic): the SDK with a transport
 * that sends nothing, so its work in the page is there but none of its requests to the server.
 */
export const VARIANTS = ['with', 'without', 'noBeacons'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface StartupRun {
  variant: Variant;
  /** play() → first playhead move, the test's 4 ms probe. */
  playToMoveMs: number;
  /** hls.js created (and monitor() called, with the SDK) → first playhead move. */
  setupToMoveMs: number;
  /** The SDK's own `content.video_startup`, as stored (with-SDK runs). */
  sdkStartupMs: number | null;
  viewId: string | null;
  /** Stages after play(), ms: manifestParsed, levelLoaded, fragLoaded (first media fragment), fragBuffered, playing. */
  stages: Record<string, number>;
  /** The rendition of each media fragment loaded before the first move. */
  levels: number[];
  /** Main-thread task time of the page from start() to the first move seen (CDP TaskDuration), ms. */
  taskMs: number;
  /** The SDK's transport at the end of the run (with-SDK runs): sent, retried, dropped, queued. */
  sdkStats: Record<string, number> | null;
}

const STAGES = ['manifestParsed', 'levelLoaded', 'fragLoaded', 'fragBuffered', 'playing'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startupRun(
  browser: Browser,
  t: TestServer,
  base: string,
  url: string,
  sdk: string,
  variant: Variant,
  content: Record<string, string>,
): Promise<StartupRun> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
  try {
    // The server's origin, so the SDK's default /v1/logs endpoint is the server's ingest.
    await page.goto(`${base}/healthz`);
    await page.setContent(PAGE_HTML);
    await page.addScriptTag({ path: HLS_JS });
    if (variant !== 'without') await page.addScriptTag({ content: sdk });
    await page.addScriptTag({ path: PLAYHEAD_TRUTH });
    await page.addScriptTag({ path: STARTUP_PAGE });
    if (!(await page.evaluate(() => (globalThis as unknown as StartupWindow).startupBench.supported())))
      throw new Error('hls.js: MediaSource not supported');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async (): Promise<number> =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    const taskBefore = await taskSeconds();
    await page.evaluate(([u, v, c]) => (globalThis as unknown as StartupWindow).startupBench.start(u, v, c), [
      url,
      variant,
      content,
    ] as const);
    const deadline = Date.now() + FIRST_MOVE_TIMEOUT_MS;
    let s: PageState;
    for (;;) {
      s = await page.evaluate(() => (globalThis as unknown as StartupWindow).startupBench.state());
      const explain = (): string => JSON.stringify({ ...s, problems }).slice(0, 3000);
      if (s.errors.some((e) => e.fatal))
        throw new Error(`fatal hls.js error before the first frame: ${explain()}`);
      if (s.mediaError) throw new Error(`<video> error before the first frame: ${explain()}`);
      if (s.firstMoveAt !== null && s.playCalledAt !== null) break;
      if (Date.now() > deadline)
        throw new Error(`no playhead move within ${FIRST_MOVE_TIMEOUT_MS} ms: ${explain()}`);
      await sleep(25);
    }
    const taskMs = ((await taskSeconds()) - taskBefore) * 1000;
    const run: StartupRun = {
      variant,
      playToMoveMs: s.firstMoveAt - s.playCalledAt,
      setupToMoveMs: s.firstMoveAt - (s.startAt ?? s.playCalledAt),
      sdkStartupMs: null,
      viewId: s.viewId,
      stages: Object.fromEntries(
        STAGES.map((k) => [k, s.marks[k] === undefined ? NaN : s.marks[k] - s.playCalledAt!]),
      ),
      levels: s.levels,
      taskMs,
      sdkStats: null,
    };
    if (variant === 'with') {
      // The SDK sends its startup event at once ('now'); the page stays open until the store holds it.
      const viewId =
        s.viewId ??
        (await waitFor('the SDK view id', () =>
          page.evaluate(() => (globalThis as unknown as StartupWindow).startupBench.state().viewId),
        ));
      run.viewId = viewId;
      const [startup] = await waitFor(
        `the stored ${PLAYBACK_EVENTS.videoStartup} of view ${viewId} (${problems.join(' | ').slice(0, 500)})`,
        async () => {
          const rows = await viewEvents(t, viewId, PLAYBACK_EVENTS.videoStartup);
          return rows.length ? rows : undefined;
        },
      );
      run.sdkStartupMs = startup?.durationMs ?? null;
      run.sdkStats = await page.evaluate(
        () => (globalThis as unknown as StartupWindow).startupBench.state().stats,
      );
    }
    return run;
  } finally {
    await page.close();
  }
}

export interface StartupFigures {
  figures: Record<string, number>;
  details: Record<string, unknown>;
}

const LABEL: Record<Variant, string> = {
  with: 'with SDK            ',
  without: 'without SDK         ',
  noBeacons: 'with SDK, no beacons',
};

/**
 * A 90% bootstrap interval of median(a) / median(b) (seeded: the same runs give the same interval): how far
 * the ratio of medians can move on this many runs of this machine's noise.
 */
function ratioInterval(a: number[], b: number[], draws = 4000): [number, number] {
  let seed = 0x9e3779b9;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const resample = (xs: number[]): number[] => xs.map(() => xs[Math.floor(random() * xs.length)]!);
  const ratios = Array.from({ length: draws }, () => median(resample(a)) / median(resample(b))).sort(
    (x, y) => x - y,
  );
  return [r3(ratios[Math.floor(draws * 0.05)]!), r3(ratios[Math.floor(draws * 0.95)]!)];
}

/** `runs` runs per variant, the order rotating, after one unmeasured run of each; medians, means, every run. */
export async function startupWithAndWithout(
  browser: Browser,
  t: TestServer,
  base: string,
  url: string,
  sdk: string,
  content: Record<string, string>,
  runs: number,
): Promise<StartupFigures> {
  const fmt = (ms: number | null): string => (ms === null ? '    -' : ms.toFixed(0).padStart(5));
  for (const variant of VARIANTS) {
    const r = await startupRun(browser, t, base, url, sdk, variant, content);
    log(
      `startup warm-up ${LABEL[variant]}: play → first move ${fmt(r.playToMoveMs)} ms` +
        ` (not counted: it fills the edge cache)`,
    );
  }
  const all: Record<Variant, StartupRun[]> = { with: [], without: [], noBeacons: [] };
  for (let i = 0; i < runs; i++) {
    const order = [...VARIANTS.slice(i % 3), ...VARIANTS.slice(0, i % 3)];
    for (const variant of order) {
      const r = await startupRun(browser, t, base, url, sdk, variant, content);
      all[variant].push(r);
      log(
        `startup run ${i + 1}/${runs} ${LABEL[variant]}: play → first move ${fmt(r.playToMoveMs)} ms, ` +
          `hls.js created → first move ${fmt(r.setupToMoveMs)} ms, main thread busy ${fmt(r.taskMs).trim()} ms` +
          ` [${STAGES.map((k) => `${k} ${fmt(r.stages[k] ?? NaN).trim()}`).join(', ')}; levels ${r.levels.join(',')}]` +
          (variant === 'with'
            ? `; SDK reported ${fmt(r.sdkStartupMs)} ms (view ${r.viewId}, sent ${r.sdkStats?.['sent']}, ` +
              `retried ${r.sdkStats?.['retried']})`
            : ''),
      );
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const play = (v: Variant): number[] => all[v].map((r) => r.playToMoveMs);
  const setup = (v: Variant): number[] => all[v].map((r) => r.setupToMoveMs);
  const sdkReported = all.with.map((r) => r.sdkStartupMs ?? NaN);
  const withMedian = median(play('with'));
  const withoutMedian = median(play('without'));
  return {
    figures: {
      withMedianMs: r3(withMedian),
      withoutMedianMs: r3(withoutMedian),
      ratio: r3(withMedian / withoutMedian),
      withMeanMs: r3(mean(play('with'))),
      withoutMeanMs: r3(mean(play('without'))),
      ratioOfMeans: r3(mean(play('with')) / mean(play('without'))),
      sdkReportedMedianMs: r3(median(sdkReported.filter((x) => Number.isFinite(x)))),
      setupWithMedianMs: r3(median(setup('with'))),
      setupWithoutMedianMs: r3(median(setup('without'))),
      setupRatio: r3(median(setup('with')) / median(setup('without'))),
      taskWithMedianMs: r3(median(all.with.map((r) => r.taskMs))),
      taskWithoutMedianMs: r3(median(all.without.map((r) => r.taskMs))),
      noBeaconsMedianMs: r3(median(play('noBeacons'))),
      noBeaconsRatio: r3(median(play('noBeacons')) / withoutMedian),
    },
    details: {
      measure:
        "play() → first playhead move, the test's 4 ms currentTime probe (e2e/support/playhead-truth.js); " +
        'setup: from new Hls() (and monitor()) instead of play(); noBeacons: the SDK with a transport that ' +
        'sends nothing (a diagnostic); task: CDP TaskDuration of the page from start() to the first move seen',
      ratioInterval90: ratioInterval(play('with'), play('without')),
      runs: {
        with: play('with').map(r3),
        without: play('without').map(r3),
        noBeacons: play('noBeacons').map(r3),
        taskWith: all.with.map((r) => r3(r.taskMs)),
        taskWithout: all.without.map((r) => r3(r.taskMs)),
        taskNoBeacons: all.noBeacons.map((r) => r3(r.taskMs)),
        setupWith: setup('with').map(r3),
        setupWithout: setup('without').map(r3),
        sdkReported,
        sdkMinusMeasured: all.with.map((r) =>
          r.sdkStartupMs === null ? null : r3(r.sdkStartupMs - r.playToMoveMs),
        ),
        sdkRetried: all.with.map((r) => r.sdkStats?.['retried'] ?? null),
        // hls.js levels of the media fragments loaded before the first move, per run.
        levelsWith: all.with.map((r) => r.levels.join(',')),
        levelsWithout: all.without.map((r) => r.levels.join(',')),
        levelsNoBeacons: all.noBeacons.map((r) => r.levels.join(',')),
      },
      // Medians of each stage, ms after play(): where a difference between the variants arises.
      stagesMedianMs: Object.fromEntries(
        VARIANTS.map((v) => [
          v,
          Object.fromEntries(
            STAGES.map((k) => [
              k,
              r3(median(all[v].map((r) => r.stages[k] ?? NaN).filter((x) => Number.isFinite(x)))),
            ]),
          ),
        ]),
      ),
    },
  };
}

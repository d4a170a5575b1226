// Time to first frame in a real browser for bench/jit: headless Debian Chromium (e2e/support/chromium.ts,
// launched once for all runs) plays a new just-in-time session with hls.js (default settings) through
// e2e/support/hls-harness.js. Per run and mode: a fresh page (muted <video>, hls.js, harness) is made ready,
// then the playback request opens the session, then hls.loadSource(url) — `ttff` is the page's clock from
// loadSource to the first `timeupdate`/`playing` with currentTime > 0; `total` adds the playback request and
// the hand-over to the page (Node's clock from just before the request to the evaluate() call, plus `ttff`). The page is closed, then the session DELETEd.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../e2e/support/chromium.js';
import { log, median, r3 } from '../edge/edge-bench-kit.js';
import { fetchBody } from './jit-bench-kit.js';
import { MODES, type Mode, type Subject } from './jit-session-run.js';

const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const HARNESS = fileURLToPath(new URL('../../e2e/support/hls-harness.js', import.meta.url));
const FIRST_FRAME_TIMEOUT_MS = 30_000;

/** Targets for the median loadSource → first frame, ms. */
export const BROWSER_TTFF_TARGET_MS: Record<Mode, number> = { transcode: 2000, remux: 600 };

/** The part of e2e/support/hls-harness.js's state read here; page-clock ms. */
interface HarnessState {
  loadStartMs: number | null;
  firstFrameMs: number | null;
  errors: { type: string; details: string; fatal: boolean; message: string | null; url: string | null }[];
  frags: { sn: number; at: number; ms: number }[];
  /** The first buffered fragment's stages, ms after loadSource. */
  fragStages: FragStages[];
  manifestMs: number | null;
  playRejected: string | null;
  currentTime: number;
  mediaError: { code: number; message: string } | null;
}

/** Where the first fragment's time went, ms after hls.loadSource (page clock). */
interface FragStages {
  sn: number;
  requested: number | null;
  firstByte: number | null;
  loaded: number | null;
  parsed: number | null;
  appended: number | null;
}

interface Harness {
  supported(): boolean;
  start(url: string, config: Record<string, number>): void;
  state(): HarnessState;
}

export interface BrowserRun {
  /** hls.loadSource(url) → first frame playing (page clock). */
  ttff: number;
  /** Before the playback request → first frame playing. */
  total: number;
  /** The playback request alone. */
  open: number;
  /** Fragments hls.js had loaded by the first frame. */
  fragsAtFirstFrame: number;
  /** Stages of the first frame's path: playlist parsed, fragment requested … appended, first frame. */
  stages: Record<string, number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// Inside page.evaluate callbacks (serialized into the page, so no helper from here): the harness is
// `(globalThis as unknown as { e2e: Harness }).e2e`.

async function playerPage(browser: Browser): Promise<{ page: Page; httpFailures: string[] }> {
  const page = await browser.newPage();
  const httpFailures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) httpFailures.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => httpFailures.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
  await page.setContent('<!doctype html><html><body><video width="640" height="360"></video></body></html>');
  await page.addScriptTag({ path: HLS_JS });
  await page.addScriptTag({ path: HARNESS });
  if (!(await page.evaluate(() => (globalThis as unknown as { e2e: Harness }).e2e.supported())))
    throw new Error('hls.js: MediaSource not supported');
  return { page, httpFailures };
}

/** Polls the page (the figure itself is taken in the page) until the first frame; fails on fatal errors. */
async function firstFrame(page: Page, httpFailures: string[]): Promise<HarnessState> {
  const deadline = Date.now() + FIRST_FRAME_TIMEOUT_MS;
  for (;;) {
    const s = await page.evaluate(() => (globalThis as unknown as { e2e: Harness }).e2e.state());
    const explain = (): string =>
      JSON.stringify({ ...s, frags: s.frags.map((f) => f.sn), httpFailures }).slice(0, 3000);
    if (s.errors.some((e) => e.fatal))
      throw new Error(`fatal hls.js error before the first frame: ${explain()}`);
    if (s.mediaError) throw new Error(`<video> error before the first frame: ${explain()}`);
    if (s.firstFrameMs !== null) return s;
    if (Date.now() > deadline)
      throw new Error(`no first frame within ${FIRST_FRAME_TIMEOUT_MS} ms: ${explain()}`);
    await sleep(20);
  }
}

async function browserRun(browser: Browser, base: string, s: Subject): Promise<BrowserRun> {
  const { page, httpFailures } = await playerPage(browser);
  let sessionId: string | null = null;
  let endUrl: string | null = null;
  try {
    const t0 = performance.now();
    const opened = await fetchBody(`${base}/api/items/${s.itemId}/playback${s.query}`);
    const answer = JSON.parse(opened.body.toString()) as {
      plan: { mode: string };
      url: string;
      session: { id: string; end: string } | null;
    };
    sessionId = answer.session?.id ?? null;
    endUrl = answer.session?.end ?? null;
    if (opened.status !== 200 || answer.plan.mode !== s.mode || !sessionId) {
      throw new Error(`playback answered ${opened.status}: ${opened.body.toString().slice(0, 300)}`);
    }
    const tStart = performance.now();
    await page.evaluate((url) => (globalThis as unknown as { e2e: Harness }).e2e.start(url, {}), answer.url);
    const state = await firstFrame(page, httpFailures);
    const ttff = state.firstFrameMs!;
    const framedAt = (state.loadStartMs ?? 0) + ttff + 1;
    const fragsAtFirstFrame = state.frags.filter((f) => f.at <= framedAt).length;
    const f = state.fragStages[0];
    const stages = {
      manifest_parsed: state.manifestMs,
      frag_requested: f?.requested ?? null,
      frag_first_byte: f?.firstByte ?? null,
      frag_loaded: f?.loaded ?? null,
      frag_transmuxed: f?.parsed ?? null,
      frag_appended: f?.appended ?? null,
      first_frame: Math.round(ttff),
    };
    return { ttff, total: tStart - t0 + ttff, open: opened.ms, fragsAtFirstFrame, stages };
  } finally {
    await page.close();
    if (sessionId && endUrl) {
      // The end URL carries the session's token (only its opener may end it).
      const closed = await fetchBody(endUrl, { method: 'DELETE' });
      if (closed.status !== 204) log(`DELETE session ${sessionId} answered ${closed.status}`);
    }
  }
}

/** `runs` browser runs per mode (modes alternating within a run), one Chromium for all; medians and all runs. */
export async function browserFirstFrames(
  base: string,
  subjects: Record<Mode, Subject>,
  runs: number,
): Promise<{
  figures: Record<string, number>;
  met: Record<string, boolean>;
  details: Record<string, unknown>;
}> {
  const browser = await launchChromium();
  const all: Record<Mode, BrowserRun[]> = { transcode: [], remux: [] };
  try {
    log(`browser: ${browser.version()}, ${runs} runs per mode`);
    for (let i = 0; i < runs; i++) {
      for (const mode of i % 2 === 0 ? MODES : [...MODES].reverse()) {
        const r = await browserRun(browser, base, subjects[mode]);
        all[mode].push(r);
        log(
          `browser run ${i + 1}/${runs} ${mode.padEnd(9)} loadSource → first frame ${r.ttff.toFixed(0).padStart(5)} ms` +
            `, with playback request ${r.total.toFixed(0).padStart(5)} ms (request ${r.open.toFixed(0)} ms); ` +
            Object.entries(r.stages)
              .map(([k, v]) => `${k} ${v ?? '-'}`)
              .join(', '),
        );
      }
    }
  } finally {
    await browser.close();
  }
  const figures: Record<string, number> = {};
  const met: Record<string, boolean> = {};
  const details: Record<string, unknown> = {};
  for (const mode of MODES) {
    const rs = all[mode];
    const ttff = r3(median(rs.map((r) => r.ttff)));
    figures[`browser_ttff_${mode}_ms`] = ttff;
    figures[`browser_ttff_${mode}_with_playback_request_ms`] = r3(median(rs.map((r) => r.total)));
    met[`browser_ttff_${mode}`] = ttff <= BROWSER_TTFF_TARGET_MS[mode];
    details[mode] = {
      target_ms: BROWSER_TTFF_TARGET_MS[mode],
      playback_request_ms: r3(median(rs.map((r) => r.open))),
      all_ttff_ms: rs.map((r) => r3(r.ttff)),
      all_with_playback_request_ms: rs.map((r) => r3(r.total)),
      fragments_loaded_at_first_frame: rs.map((r) => r.fragsAtFirstFrame),
      // Medians of each stage (ms after loadSource): which part of the path to the first frame costs what.
      stages_ms: Object.fromEntries(
        Object.keys(rs[0]?.stages ?? {}).map((k) => [
          k,
          r3(median(rs.map((r) => r.stages[k] ?? Number.NaN).filter((x) => Number.isFinite(x)))),
        ]),
      ),
    };
  }
  return { figures, met, details };
}

// `npx tsx scripts/size-budget.ts`: the player SDK's single-file build, minified and gzipped, against its budget
// (issue 6: at most 10 KB without hls.js; mux-embed is ~83 KB minified). Exits non-zero when over.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildIife, buildProgressEntry } from '../packages/player-sdk/iife-build.js';

/** The budget, bytes of min+gzip. */
export const SDK_BUDGET_BYTES = 10 * 1024;

export interface SizeReport {
  minified: number;
  gzip: number;
  budget: number;
  within: boolean;
}

/**
 * The budget of the SDK's progress entry (`@coursecast/player-sdk/progress`, loaded only by pages opened from an
 * LMS), bytes of min+gzip: the core's 10 KB stays for what every page needs.
 */
export const PROGRESS_BUDGET_BYTES = 1024;

/** Builds the progress entry and measures it the same way. */
export async function measureProgressSize(): Promise<SizeReport> {
  const code = Buffer.from(await buildProgressEntry());
  const gzip = gzipSync(code, { level: 9 }).length;
  return {
    minified: code.length,
    gzip,
    budget: PROGRESS_BUDGET_BYTES,
    within: gzip <= PROGRESS_BUDGET_BYTES,
  };
}

/**
 * The budget of the SDK's tracks entry (`@coursecast/player-sdk/tracks`, loaded by pages whose lectures have caption
 * or audio tracks), bytes of min+gzip: it carries its own small OTLP encoder, apart from the core.
 */
export const TRACKS_BUDGET_BYTES = 2048;

/** Builds the tracks entry and measures it the same way. */
export async function measureTracksSize(): Promise<SizeReport> {
  const { buildTracksEntry } = await import('../packages/player-sdk/iife-build.js');
  const code = Buffer.from(await buildTracksEntry());
  const gzip = gzipSync(code, { level: 9 }).length;
  return { minified: code.length, gzip, budget: TRACKS_BUDGET_BYTES, within: gzip <= TRACKS_BUDGET_BYTES };
}

/**
 * The budget of the SDK's live entry (`@coursecast/player-sdk/live`, loaded by the watch page of a live lecture only),
 * bytes of min+gzip: latency behind live with the server's clock offset, catch-ups, DVR seeks, live stalls.
 */
export const LIVE_BUDGET_BYTES = 2048;

/** Builds the live entry and measures it the same way. */
export async function measureLiveSize(): Promise<SizeReport> {
  const { buildLiveEntry } = await import('../packages/player-sdk/iife-build.js');
  const code = Buffer.from(await buildLiveEntry());
  const gzip = gzipSync(code, { level: 9 }).length;
  return { minified: code.length, gzip, budget: LIVE_BUDGET_BYTES, within: gzip <= LIVE_BUDGET_BYTES };
}

/** Builds the SDK's IIFE and measures it (gzip level 9, as a server would pre-compress it). */
export async function measureSdkSize(): Promise<SizeReport> {
  const code = Buffer.from(await buildIife());
  const gzip = gzipSync(code, { level: 9 }).length;
  return { minified: code.length, gzip, budget: SDK_BUDGET_BYTES, within: gzip <= SDK_BUDGET_BYTES };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let over = false;
  for (const [name, r] of [
    ['player SDK', await measureSdkSize()],
    ['progress entry', await measureProgressSize()],
    ['tracks entry', await measureTracksSize()],
    ['live entry', await measureLiveSize()],
  ] as const) {
    process.stdout.write(
      `${name}: ${r.minified} B minified, ${r.gzip} B min+gzip, budget ${r.budget} B: ${r.within ? 'within' : 'OVER'}\n`,
    );
    over ||= !r.within;
  }
  if (over) process.exit(1);
}

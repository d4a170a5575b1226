// `npx tsx scripts/size-budget.ts`: the player SDK's single-file build, minified and gzipped, against its budget
// (issue 6: at most 10 KB without hls.js; mux-embed is ~83 KB minified). Exits non-zero when over.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildIife } from '../packages/player-sdk/iife-build.js';

/** The budget, bytes of min+gzip. */
export const SDK_BUDGET_BYTES = 10 * 1024;

export interface SizeReport {
  minified: number;
  gzip: number;
  budget: number;
  within: boolean;
}

/** Builds the SDK's IIFE and measures it (gzip level 9, as a server would pre-compress it). */
export async function measureSdkSize(): Promise<SizeReport> {
  const code = Buffer.from(await buildIife());
  const gzip = gzipSync(code, { level: 9 }).length;
  return { minified: code.length, gzip, budget: SDK_BUDGET_BYTES, within: gzip <= SDK_BUDGET_BYTES };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await measureSdkSize();
  process.stdout.write(
    `player SDK: ${r.minified} B minified, ${r.gzip} B min+gzip, budget ${r.budget} B: ${r.within ? 'within' : 'OVER'}\n`,
  );
  if (!r.within) process.exit(1);
}

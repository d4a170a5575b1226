// The SDK's single-file build for <script> tags: an IIFE with the global `CoursecastPlayerSDK`. One place for
// its options, used by `npm run build -w packages/player-sdk` and by scripts/size-budget.ts.
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Where the build writes the IIFE. */
export const IIFE_PATH = `${here}dist/coursecast-player-sdk.iife.js`;

/** esbuild options of the IIFE (minified, ES2020, workspace packages from source). */
export const IIFE_OPTIONS: BuildOptions = {
  entryPoints: [`${here}src/index.ts`],
  bundle: true,
  format: 'iife',
  globalName: 'CoursecastPlayerSDK',
  minify: true,
  target: 'es2020',
  conditions: ['source'],
  legalComments: 'none',
  logLevel: 'silent',
};

/** Builds the IIFE in memory and returns its code. */
export async function buildIife(): Promise<string> {
  const out = await build({ ...IIFE_OPTIONS, write: false });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output for the player SDK');
  return file.text;
}

// `tsx iife-build.ts`: writes the file.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ ...IIFE_OPTIONS, outfile: IIFE_PATH });
  process.stdout.write(`player SDK IIFE written to ${IIFE_PATH}\n`);
}

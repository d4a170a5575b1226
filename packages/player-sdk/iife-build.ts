// The SDK's single-file builds for <script> tags: the SDK, an IIFE with the global `CoursecastPlayerSDK`, and the
// SCORM runtime the server copies into packages. One place for their options, used by
// `npm run build -w packages/player-sdk` and (the SDK's) by scripts/size-budget.ts.
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

/** Where the build writes the SCORM runtime (served at /sdk/coursecast-scorm-runtime.js, copied into packages). */
export const SCORM_RUNTIME_PATH = `${here}dist/coursecast-scorm-runtime.js`;

/** esbuild options of the SCORM runtime: an IIFE without a global, as it only installs `window.API*`. */
export const SCORM_RUNTIME_OPTIONS: BuildOptions = {
  ...IIFE_OPTIONS,
  entryPoints: [`${here}src/scorm/scorm-frame.ts`],
  globalName: undefined,
};

/** Builds the SCORM runtime in memory and returns its code. */
export async function buildScormRuntime(): Promise<string> {
  const out = await build({ ...SCORM_RUNTIME_OPTIONS, write: false });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output for the SCORM runtime');
  return file.text;
}

// `tsx iife-build.ts`: writes the files.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ ...IIFE_OPTIONS, outfile: IIFE_PATH });
  process.stdout.write(`player SDK IIFE written to ${IIFE_PATH}\n`);
  await build({ ...SCORM_RUNTIME_OPTIONS, outfile: SCORM_RUNTIME_PATH });
  process.stdout.write(`SCORM runtime written to ${SCORM_RUNTIME_PATH}\n`);
}

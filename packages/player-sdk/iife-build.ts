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

/**
 * Where the build writes the SCORM runtime's page half (served at /sdk/coursecast-scorm-runtime.js, copied into
 * packages and loaded first by each of their HTML files): it reports the page's problems to the launch frame.
 */
export const SCORM_RUNTIME_PATH = `${here}dist/coursecast-scorm-runtime.js`;

/** esbuild options of the page half: an IIFE without a global. */
export const SCORM_RUNTIME_OPTIONS: BuildOptions = {
  ...IIFE_OPTIONS,
  entryPoints: [`${here}src/scorm/scorm-page.ts`],
  globalName: undefined,
};

/** Where the build writes the launch frame's script (the API's home on the content origin, ADR 0010). */
export const LAUNCH_FRAME_PATH = `${here}dist/coursecast-launch-frame.js`;

/** esbuild options of the launch frame's script. */
export const LAUNCH_FRAME_OPTIONS: BuildOptions = {
  ...IIFE_OPTIONS,
  entryPoints: [`${here}src/scorm/launch-frame.ts`],
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
  await build({ ...LAUNCH_FRAME_OPTIONS, outfile: LAUNCH_FRAME_PATH });
  process.stdout.write(`launch frame written to ${LAUNCH_FRAME_PATH}\n`);
}

/** esbuild options of the progress entry as a page bundles it (ES module, minified): what its budget measures. */
export const PROGRESS_OPTIONS: BuildOptions = {
  ...IIFE_OPTIONS,
  entryPoints: [`${here}src/progress/lecture-progress.ts`],
  format: 'esm',
  globalName: undefined,
};

/** Builds the progress entry in memory and returns its code. */
export async function buildProgressEntry(): Promise<string> {
  const out = await build({ ...PROGRESS_OPTIONS, write: false });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output for the progress entry');
  return file.text;
}

/** esbuild options of the tracks entry as a page bundles it (ES module, minified): what its budget measures. */
export const TRACKS_OPTIONS: BuildOptions = {
  ...PROGRESS_OPTIONS,
  entryPoints: [`${here}src/tracks/track-usage.ts`],
};

/** Builds the tracks entry in memory and returns its code. */
export async function buildTracksEntry(): Promise<string> {
  const out = await build({ ...TRACKS_OPTIONS, write: false });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output for the tracks entry');
  return file.text;
}

/** esbuild options of the live entry as a page bundles it (ES module, minified): what its budget measures. */
export const LIVE_OPTIONS: BuildOptions = {
  ...PROGRESS_OPTIONS,
  entryPoints: [`${here}src/live/live-latency.ts`],
};

/** Builds the live entry in memory and returns its code. */
export async function buildLiveEntry(): Promise<string> {
  const out = await build({ ...LIVE_OPTIONS, write: false });
  const file = out.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output for the live entry');
  return file.text;
}

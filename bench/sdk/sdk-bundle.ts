// The player SDK's IIFE for bench/sdk, built in this process with esbuild and the options of
// packages/player-sdk's `build` script, from the working tree's sources (dist/ is left alone). Sizes: the
// bundle unminified (raw), minified (what dist/coursecast-player-sdk.iife.js is), and minified + gzip -9.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkDir = path.resolve(here, '..', '..', 'packages/player-sdk');

/** The budget of the issue: 10 KB minified + gzipped. */
export const BUDGET_MIN_GZIP_BYTES = 10 * 1024;
/** The peer figure from the issue text: mux-embed is ~83 KB minified. A constant: not measured here. */
export const MUX_EMBED_MINIFIED_BYTES = 83 * 1024;

// packages/player-sdk/package.json: esbuild src/index.ts --bundle --format=iife --global-name=CoursecastPlayerSDK
// --minify --target=es2020 --conditions=source --legal-comments=none
const OPTIONS: BuildOptions = {
  absWorkingDir: sdkDir,
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'iife',
  globalName: 'CoursecastPlayerSDK',
  target: 'es2020',
  conditions: ['source'],
  legalComments: 'none',
  write: false,
  metafile: true,
  logLevel: 'silent',
};

export interface SdkBundle {
  /** The minified IIFE, as the build script writes it. */
  minified: string;
  /** The same bundle unminified (readable function names in a CPU profile). */
  raw: string;
  sizes: { raw: number; minified: number; minGzip: number };
  /** Bytes each source contributes to the minified bundle, largest first. */
  inputs: Record<string, number>;
}

export async function buildSdk(): Promise<SdkBundle> {
  const [min, raw] = await Promise.all([
    build({ ...OPTIONS, minify: true }),
    build({ ...OPTIONS, minify: false }),
  ]);
  const minFile = min.outputFiles?.[0];
  const rawFile = raw.outputFiles?.[0];
  if (!minFile || !rawFile) throw new Error('esbuild wrote no output for packages/player-sdk/src/index.ts');
  const output = Object.values(min.metafile?.outputs ?? {})[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([file, v]) => [file.replace(/^(\.\.\/)+/, ''), v.bytesInOutput] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    minified: minFile.text,
    raw: rawFile.text,
    sizes: {
      raw: rawFile.contents.byteLength,
      minified: minFile.contents.byteLength,
      minGzip: gzipSync(minFile.contents, { level: 9 }).byteLength,
    },
    inputs: Object.fromEntries(inputs),
  };
}

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Writes `.gz` and `.br` beside every text asset, so the server (@fastify/static `preCompressed`) sends them
 * without compressing per request; a variant is kept only when it is smaller.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'coursecast-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => /\.(js|css|html|svg|json)$/.test(f));
      await Promise.all(
        files.map(async (file) => {
          const full = path.join(outDir, file);
          const raw = await readFile(full);
          if (raw.length < 1024) return;
          const gz = await gzipAsync(raw, { level: 9 });
          const br = await brotliAsync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
          if (gz.length < raw.length) await writeFile(`${full}.gz`, gz);
          if (br.length < raw.length) await writeFile(`${full}.br`, br);
        }),
      );
    },
  };
}

/** The pages, one HTML entry each; apps/server/src/web/web.routes.ts serves them at their routes. */
const PAGES = [
  'home',
  'dashboard',
  'course',
  'watch',
  'learn',
  'studio',
  'lti-bridge',
  'lti-picker',
  'lti-register',
];

// Vite reads its configuration from a default export: the one place the named-exports rule gives way.
export default defineConfig({
  // Assets live under /web/assets/ (hashed, cached for good); the pages themselves are served at their routes
  // (/dashboard/, /courses/:id, /watch/:id, /learn/:id) by apps/server/src/web/web.routes.ts, so every URL in them is
  // absolute.
  base: '/web/',
  // Workspace packages (the player SDK, semconv) are built from their TypeScript source; @coursecast/api is
  // imported for its types only, so no contract code reaches a bundle.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The watch page carries hls.js's full build (CMCD included): ~530 kB minified, 190 kB sent compressed.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      input: Object.fromEntries(
        PAGES.map((page) => [page, fileURLToPath(new URL(`./${page}.html`, import.meta.url))]),
      ),
    },
  },
  plugins: [precompress()],
  // `npm run dev -w apps/web` against a `coursecast serve` on the default port (pages at /web/<page>.html).
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/media': 'http://127.0.0.1:8080',
      '/v1': 'http://127.0.0.1:8080',
    },
  },
});

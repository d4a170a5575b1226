import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

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

// Vite reads its configuration from a default export: the one place the named-exports rule gives way.
export default defineConfig({
  // The server serves this build under /dashboard/ (apps/server/src/web/web.routes.ts).
  base: '/dashboard/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [precompress()],
  // `npm run dev -w apps/web` against a `coursecast serve` on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});

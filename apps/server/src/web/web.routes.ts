import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';

export interface WebRoutesOptions {
  /** The Vite build to serve; default: apps/web/dist beside this server package. */
  distDir?: string;
}

/** Hashed file names change with their content, so browsers may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
// The page loads only its own scripts and talks only to this server. Styles allow inline: uPlot sizes its
// legend and canvas through style attributes.
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** The server package's folder: the nearest one up from `from` whose package.json is @coursecast/server. */
export function serverPackageRoot(from = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ;) {
    const pkg = path.join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === '@coursecast/server'
    )
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no @coursecast/server package.json above ${from}`);
    dir = up;
  }
}

/** apps/web/dist, found from the server package, so it is the same from src/ (tsx, vitest) and from dist/. */
export function defaultWebDistDir(): string {
  return path.resolve(serverPackageRoot(), '..', 'web', 'dist');
}

/**
 * The web pages (the dashboard, built by Vite into apps/web/dist) at /dashboard/: public, since the data
 * behind them is the admin API's. The build is looked up per request, so building while the server runs works.
 */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, opts) => {
  const root = opts.distDir ?? defaultWebDistDir();
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) app.log.warn(`the dashboard is not built (no ${index}): run npm run build`);

  await app.register(fastifyStatic, {
    root,
    prefix: '/dashboard/',
    index: false,
    // Vite writes .br and .gz beside each asset: sent as they are, never compressed per request.
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, file) {
      const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
      res.setHeader('cache-control', hashed ? IMMUTABLE : 'no-cache');
      res.setHeader('vary', 'accept-encoding');
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });

  const page = async (_request: unknown, reply: FastifyReply): Promise<FastifyReply> => {
    if (!existsSync(index)) {
      throw new AppError(
        'web_not_built',
        `The dashboard is not built (${index} is missing): run \`npm run build\` in the repository`,
      );
    }
    return reply.headers(PAGE_HEADERS).sendFile('index.html');
  };
  app.get('/dashboard', page);
  app.get('/dashboard/', page);
};

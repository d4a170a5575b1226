import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export interface WebRoutesOptions {
  /** The Vite build to serve; default: apps/web/dist beside this server package. */
  distDir?: string;
  /** The content origin, which the learn page frames modules from (ADR 0010); default: none. */
  contentOrigin?: () => string;
  /** Origins that may frame the pages an LMS launch opens (the registered LTI platforms); default: none. */
  frameAncestors?: () => readonly string[];
}

/** Where Vite's build puts hashed assets, under its `base` (apps/web/vite.config.ts). */
export const WEB_ASSETS_PREFIX = '/web/assets/';

/** The pages of the web build (one HTML file each in apps/web/dist). */
export const WEB_PAGES = {
  home: 'home.html',
  studio: 'studio.html',
  dashboard: 'dashboard.html',
  course: 'course.html',
  watch: 'watch.html',
  learn: 'learn.html',
  ltiBridge: 'lti-bridge.html',
  ltiPicker: 'lti-picker.html',
  ltiRegister: 'lti-register.html',
} as const;
export type WebPage = keyof typeof WEB_PAGES;

/** Hashed file names change with their content, so browsers may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

// Every page loads only its own scripts and talks only to this server; each page widens only what it needs.
const STRICT_CSP: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
  'form-action': "'self'",
};
const csp = (extra: Record<string, string> = {}): string =>
  Object.entries({ ...STRICT_CSP, ...extra })
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join('; ');

/** The Content-Security-Policy of each page. */
export const PAGE_CSP: Record<WebPage, string> = {
  home: csp(),
  studio: csp(),
  // uPlot sizes its legend and canvas through style attributes.
  dashboard: csp({ 'style-src': "'self' 'unsafe-inline'" }),
  course: csp(),
  // MediaSource playback: the <video> plays a blob: URL of the MediaSource, and hls.js may run its transmuxer
  // in a worker (a same-origin script here; blob: for builds that inline it). hls.js gives each subtitles rendition
  // a <track> whose source is an empty `data:,WEBVTT` (its cues are added by script): data: media runs no code.
  watch: csp({ 'media-src': "'self' blob: data:", 'worker-src': "'self' blob:" }),
  // A module runs in a launch frame of the content origin (added per server by learnCsp); a document is shown
  // from a blob: URL of the bytes the page fetched (PDF viewer frame, or an image).
  learn: csp({ 'frame-src': "'self' blob:", 'img-src': "'self' data: blob:" }),
  // The LTI login and launch pass through it inside the LMS's frame: it only reads its fragment and moves on.
  ltiBridge: csp(),
  // The instructor's choice is form-posted to the platform's deep-linking return URL (added per platform).
  ltiPicker: csp(),
  // Opened by a platform not registered yet (in its frame or a window): framed by the platform it names only.
  ltiRegister: csp(),
};

/** The pages an LMS launch opens inside its frame. */
const LAUNCHED_PAGES: ReadonlySet<WebPage> = new Set([
  'watch',
  'learn',
  'ltiBridge',
  'ltiPicker',
  'ltiRegister',
]);

/** The learn page's policy on a server whose modules run on `contentOrigin`. */
export function learnCsp(contentOrigin: string): string {
  return csp({ 'frame-src': `'self' blob: ${contentOrigin}`, 'img-src': "'self' data: blob:" });
}

/** A page's policy on this server: its content origin, and the platforms that may frame launched pages. */
export function pageCsp(
  page: WebPage,
  contentOrigin: string | null,
  platforms: readonly string[],
  formTargets: readonly string[] = [],
): string {
  let policy = page === 'learn' && contentOrigin ? learnCsp(contentOrigin) : PAGE_CSP[page];
  if (LAUNCHED_PAGES.has(page) && platforms.length > 0) {
    policy = policy.replace("frame-ancestors 'none'", `frame-ancestors 'self' ${platforms.join(' ')}`);
  }
  if (page === 'ltiPicker') {
    const targets = [...new Set([...platforms, ...formTargets])];
    if (targets.length > 0)
      policy = policy.replace("form-action 'self'", `form-action 'self' ${targets.join(' ')}`);
  }
  return policy;
}

const pageHeaders = (
  page: WebPage,
  contentOrigin: string | null,
  platforms: readonly string[],
  formTargets: readonly string[],
) => ({
  // Revalidated on every load: a page names the current build's assets.
  'cache-control': 'no-cache',
  'content-security-policy': pageCsp(page, contentOrigin, platforms, formTargets),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
});

/** The origin of an http(s) URL, as a one-element list; none for anything else. */
function httpOrigins(url: string): string[] {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? [u.origin] : [];
  } catch {
    return [];
  }
}

/** Ids in page URLs: what the API's ids look like (no dots or slashes, so never a path). */
const PAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
 * The web pages (built by Vite into apps/web/dist): the dashboard at /dashboard/ (public, since the data behind
 * it is the admin API's), a course at /courses/:courseId and the player at /watch/:itemId (public, as the
 * catalog and playback routes they call), documents and modules at /learn/:itemId, and their hashed assets at /web/assets/. Each page is looked up per
 * request, so building while the server runs works.
 */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, opts) => {
  const root = opts.distDir ?? defaultWebDistDir();
  const dashboard = path.join(root, WEB_PAGES.dashboard);
  if (!existsSync(dashboard))
    app.log.warn(`the web pages are not built (no ${dashboard}): run npm run build`);

  await app.register(fastifyStatic, {
    // Only the assets folder: the pages are served by the routes below, with their headers.
    root: path.join(root, 'assets'),
    prefix: WEB_ASSETS_PREFIX,
    index: false,
    // Vite writes .br and .gz beside each asset: sent as they are, never compressed per request.
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, file) {
      const asset = file.startsWith(path.join(root, 'assets') + path.sep);
      res.setHeader('cache-control', asset ? IMMUTABLE : 'no-cache');
      res.setHeader('vary', 'accept-encoding');
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });

  const send = (
    page: WebPage,
    reply: FastifyReply,
    framedBy: readonly string[] = [],
    formTargets: readonly string[] = [],
  ): FastifyReply => {
    const file = WEB_PAGES[page];
    if (!existsSync(path.join(root, file))) {
      throw new AppError(
        'web_not_built',
        `The web pages are not built (${path.join(root, file)} is missing): run \`npm run build\` in the repository`,
      );
    }
    const platforms = framedBy.length > 0 ? framedBy : (opts.frameAncestors?.() ?? []);
    const headers = pageHeaders(page, opts.contentOrigin?.() ?? null, platforms, formTargets);
    return reply.headers(headers).sendFile(file, root);
  };
  const withId =
    (page: WebPage, param: string) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const id = (request.params as Record<string, string | undefined>)[param] ?? '';
      if (!PAGE_ID.test(id)) throw new AppError('not_found', `No page at ${request.url}`);
      return send(page, reply);
    };

  app.get('/', async (_request, reply) => send('home', reply));
  app.get('/studio', async (_request, reply) => send('studio', reply));
  app.get('/studio/', async (_request, reply) => send('studio', reply));
  app.get('/dashboard', async (_request, reply) => send('dashboard', reply));
  app.get('/dashboard/', async (_request, reply) => send('dashboard', reply));
  app.get('/courses/:courseId', withId('course', 'courseId'));
  app.get('/watch/:itemId', withId('watch', 'itemId'));
  app.get('/learn/:itemId', withId('learn', 'itemId'));
  app.get('/lti/bridge', async (_request, reply) => send('ltiBridge', reply));
  // The picker posts the signed choice to the platform's return URL: its origin rides in the query (a forged one
  // only makes the post fail: the page posts to the return URL of the server's signed answer).
  app.get('/lti/picker', async (request, reply) => {
    const back = (request.query as Record<string, unknown>)['return'];
    return send('ltiPicker', reply, [], typeof back === 'string' ? httpOrigins(back) : []);
  });
  app.get('/lti/register', async (request, reply) => {
    const config = (request.query as Record<string, unknown>)['openid_configuration'];
    return send('ltiRegister', reply, typeof config === 'string' ? httpOrigins(config) : []);
  });
};

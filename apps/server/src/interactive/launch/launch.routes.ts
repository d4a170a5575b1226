import { existsSync } from 'node:fs';
import type { LaunchActivity, ScormActivity } from '@coursecast/api';
import { readFile } from 'node:fs/promises';
import { ITEM_KINDS } from '@coursecast/semconv';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { mediaUrlPath } from '../../catalog/content-url.js';
import { linkedPath, MEDIA_LINK_PREFIX, type MediaLinks } from '../../catalog/media-links.js';
import { AppError } from '../../errors.js';
import type { CatalogStore } from '../../store/index.js';
import { parseInput } from '../../validation.js';
import { RUNTIME_PATH } from '../scorm/scorm-injector.js';
import { LAUNCH_SCRIPT_PATH, launchPageCsp, renderLaunchPage } from './launch-page.js';

export interface LaunchRoutesDeps {
  store: CatalogStore;
  /** The origins the learner's page may have (appOriginsOf). */
  appOrigins: () => string[];
  /** The origins that may frame the launch (the app's, and the LMSs that frame the app's learn page). */
  framers?: () => readonly string[];
  timeoutMs: number;
  /** The launch frame's script (player SDK build). */
  launchScriptFile: string;
  /** The SCORM runtime's page half (player SDK build), served for every package's copy. */
  runtimeFile: string;
  /** Enrolled access (ADR 0013): a launch needs the item version's signed link, and the package loads under it. */
  links?: MediaLinks | null;
}

const LaunchParams = z.object({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an item id') });
const LaunchQuery = z.object({
  parent: z.string().max(256),
  // W3C trace context: copied into the package's URL, so nothing else gets through.
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'a W3C traceparent')
    .optional(),
  /** The item version's signed link, under enrolled access (the learner's item answer carries it). */
  link: z.string().max(200).optional(),
});

/** A launch URL: the file's path, its query, the learner page's trace (so the package's first request joins it), its fragment. */
function launchUrlOf(path: string, parameters: string | null, traceparent: string | undefined): string {
  const params = parameters ?? '';
  const trace = traceparent ? `${params.includes('?') ? '&' : '?'}traceparent=${traceparent}` : '';
  const hash = params.indexOf('#');
  return hash === -1
    ? `${path}${params}${trace}`
    : `${path}${params.slice(0, hash)}${trace}${params.slice(hash)}`;
}

function launchableCount(a: ScormActivity): number {
  return (a.launch ? 1 : 0) + a.children.reduce((n, c) => n + launchableCount(c), 0);
}

/** The organization as the launch frame gets it: each leaf's launch as its URL on the content origin. */
function toLaunchActivity(
  a: ScormActivity,
  urlOf: (path: string, parameters: string | null) => string,
): LaunchActivity {
  const { launch, children, ...rest } = a;
  return {
    ...rest,
    url: launch ? urlOf(launch.path, launch.parameters) : null,
    children: children.map((c) => toLaunchActivity(c, urlOf)),
  };
}

/** The URL path of a package file: plain, or under the launch's signed link once it is checked for this version. */
function packagePaths(
  links: MediaLinks | null,
  itemId: string,
  version: string,
  link: string | undefined,
): (file: string) => string {
  if (links === null) return (file) => mediaUrlPath(itemId, version, file);
  if (link === undefined) {
    throw new AppError(
      'media_link_required',
      'A module opens from a course launch here: open it from the link in your course',
    );
  }
  const { link: checked } = links.open(`${link}/${itemId}/${version}/launch`);
  return (file) => linkedPath(checked, itemId, version, file);
}

/** Every package's copy of the page half, answered from the current build: old packages get today's. */
const RUNTIME_ROUTE = `/media/:itemId/:version/${RUNTIME_PATH}`;
const LINKED_RUNTIME_ROUTE = `${MEDIA_LINK_PREFIX}:link/:itemId/:version/${RUNTIME_PATH}`;

async function sendScript(reply: FastifyReply, file: string, what: string): Promise<FastifyReply> {
  if (!existsSync(file)) {
    throw new AppError('web_not_built', `${what} is not built (${file} is missing): run \`npm run build\``);
  }
  return reply
    .headers({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    })
    .send(await readFile(file));
}

/**
 * The content origin's own routes: `GET /launch/:itemId?parent=<app origin>`, the launch frame of a published
 * package (ADR 0010), its script, and the SCORM runtime's page half for every package.
 */
export const launchRoutes: FastifyPluginAsync<LaunchRoutesDeps> = async (app, deps) => {
  app.get(LAUNCH_SCRIPT_PATH, async (_request, reply) =>
    sendScript(reply, deps.launchScriptFile, 'The launch frame'),
  );
  // The same public script for every package, whatever link it was loaded under.
  for (const route of [RUNTIME_ROUTE, LINKED_RUNTIME_ROUTE]) {
    app.get(route, async (_request, reply) => sendScript(reply, deps.runtimeFile, 'The SCORM runtime'));
  }
  app.get('/launch/:itemId', async (request, reply) => {
    const { itemId } = parseInput(LaunchParams, request.params, 'path');
    const query = parseInput(LaunchQuery, request.query, 'query');
    const origins = deps.appOrigins();
    if (!origins.includes(query.parent)) {
      throw new AppError(
        'invalid_request',
        `parent ${JSON.stringify(query.parent)} is not an origin of this server's app (${origins.join(', ')})`,
      );
    }
    const item = await deps.store.getItem(itemId);
    if (!item) throw new AppError('item_not_found', `No such item: ${itemId}`);
    if (item.kind !== ITEM_KINDS.interactive || !item.sourceInfo || !item.mediaVersion) {
      throw new AppError('object_not_found', `item ${itemId} is not a published interactive package`);
    }
    const p = item.sourceInfo.package;
    const version = item.mediaVersion;
    const pathOf = packagePaths(deps.links ?? null, item.id, version, query.link);
    const urlOf = (path: string, parameters: string | null) =>
      launchUrlOf(pathOf(path.split('/').map(encodeURIComponent).join('/')), parameters, query.traceparent);
    const launchUrl = urlOf(p.launch, p.launchParameters);
    const organization = p.scorm?.organization;
    return reply
      .headers({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': launchPageCsp([...origins, ...(deps.framers?.() ?? [])]),
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .send(
        renderLaunchPage({
          packageType: p.type,
          launchUrl,
          title: p.title ?? item.title,
          appOrigin: query.parent,
          timeoutMs: deps.timeoutMs,
          initial: p.scorm?.launchData ?? {},
          organization:
            organization && launchableCount(organization) > 1 ? toLaunchActivity(organization, urlOf) : null,
        }),
      );
  });
};

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import { serverPackageRoot } from './web.routes.js';

/** Where the player SDK's single-file build is served, for pages of other sites (an LMS) to load. */
export const SDK_SCRIPT_PATH = '/sdk/coursecast-player-sdk.js';
/** Where the SCORM runtime (the script copied into every published SCORM package) is served. */
export const SCORM_RUNTIME_SCRIPT_PATH = '/sdk/coursecast-scorm-runtime.js';

export interface SdkRoutesOptions {
  /** The IIFE build; default: packages/player-sdk/dist beside this server package. */
  file?: string;
  /** The SCORM runtime build; default: defaultScormRuntimeFile(). */
  scormRuntimeFile?: string;
}

const sdkDist = (name: string): string =>
  path.resolve(serverPackageRoot(), '..', '..', 'packages', 'player-sdk', 'dist', name);

/** packages/player-sdk/dist/coursecast-player-sdk.iife.js, found from the server package. */
export function defaultSdkFile(): string {
  return sdkDist('coursecast-player-sdk.iife.js');
}

/** packages/player-sdk/dist/coursecast-scorm-runtime.js: the file the server copies into SCORM packages. */
export function defaultScormRuntimeFile(): string {
  return sdkDist('coursecast-scorm-runtime.js');
}

/** packages/player-sdk/dist/coursecast-launch-frame.js: the launch frame's script on the content origin. */
export function defaultLaunchFrameFile(): string {
  return sdkDist('coursecast-launch-frame.js');
}

function serveScript(app: FastifyInstance, url: string, file: string, what: string): void {
  app.get(url, async (_request, reply) => {
    if (!existsSync(file)) {
      throw new AppError('web_not_built', `${what} is not built (${file} is missing): run \`npm run build\``);
    }
    const [body, info] = await Promise.all([readFile(file), stat(file)]);
    return reply
      .headers({
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        'last-modified': info.mtime.toUTCString(),
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
        'x-content-type-options': 'nosniff',
      })
      .send(body);
  });
}

/**
 * The player SDK as one script (`<script src=".../sdk/coursecast-player-sdk.js">`, global `CoursecastPlayerSDK`),
 * and the SCORM runtime. Their names carry no hash, so browsers revalidate them after five minutes; any site
 * may load them.
 */
export const sdkRoutes: FastifyPluginAsync<SdkRoutesOptions> = async (app, opts) => {
  serveScript(app, SDK_SCRIPT_PATH, opts.file ?? defaultSdkFile(), 'The player SDK');
  serveScript(
    app,
    SCORM_RUNTIME_SCRIPT_PATH,
    opts.scormRuntimeFile ?? defaultScormRuntimeFile(),
    'The SCORM runtime',
  );
};

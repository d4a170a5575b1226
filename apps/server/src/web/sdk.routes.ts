import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import { serverPackageRoot } from './web.routes.js';

/** Where the player SDK's single-file build is served, for pages of other sites (an LMS) to load. */
export const SDK_SCRIPT_PATH = '/sdk/coursecast-player-sdk.js';

export interface SdkRoutesOptions {
  /** The IIFE build; default: packages/player-sdk/dist beside this server package. */
  file?: string;
}

/** packages/player-sdk/dist/coursecast-player-sdk.iife.js, found from the server package. */
export function defaultSdkFile(): string {
  return path.resolve(
    serverPackageRoot(),
    '..',
    '..',
    'packages',
    'player-sdk',
    'dist',
    'coursecast-player-sdk.iife.js',
  );
}

/**
 * The player SDK as one script (`<script src=".../sdk/coursecast-player-sdk.js">`, global `CoursecastPlayerSDK`).
 * Its name carries no hash, so browsers revalidate it after five minutes; any site may load it.
 */
export const sdkRoutes: FastifyPluginAsync<SdkRoutesOptions> = async (app, opts) => {
  const file = opts.file ?? defaultSdkFile();
  app.get(SDK_SCRIPT_PATH, async (_request, reply) => {
    if (!existsSync(file)) {
      throw new AppError(
        'web_not_built',
        `The player SDK is not built (${file} is missing): run \`npm run build\``,
      );
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
};

import type { Attrs } from './sdk-types.js';

export const SDK_NAME = '@coursecast/player-sdk';
/** Kept equal to package.json's version (a test checks). */
export const SDK_VERSION = '0.1.0';
/** The service name browser telemetry is stored under. */
export const PLAYER_SERVICE_NAME = 'coursecast-player';

/** The OTLP resource of everything the SDK sends (the server adds the user agent from the request). */
export function sdkResource(): Attrs {
  return {
    'service.name': PLAYER_SERVICE_NAME,
    'telemetry.sdk.name': SDK_NAME,
    'telemetry.sdk.language': 'webjs',
    'telemetry.sdk.version': SDK_VERSION,
  };
}

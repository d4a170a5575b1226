// The watch page's hls.js settings. Types only from hls.js, so this module (and its test) never loads the
// player itself.
import type { HlsConfig, LoaderResponse, RetryConfig } from 'hls.js';

/** Tries after the first, and the pause between them, for a playlist that is not there yet. */
export const MANIFEST_RETRIES = 3;
export const MANIFEST_RETRY_DELAY_MS = 500;

/**
 * hls.js's retry decision for the first playlist, widened to 404: a just-in-time session's playlist can
 * appear a moment after the playback answer names it, and hls.js gives up on any 4xx by default. 5xx and
 * timeouts are retried as hls.js would (its own `retry` verdict), within the same count.
 */
export function retryLatePlaylist(
  retryConfig: RetryConfig | null | undefined,
  retryCount: number,
  isTimeout: boolean,
  response: LoaderResponse | undefined,
  retry: boolean,
): boolean {
  if (!retryConfig || retryCount >= retryConfig.maxNumRetry) return false;
  const code = response?.code;
  return retry || isTimeout || code === 404 || (code !== undefined && code >= 500);
}

const lateRetry: RetryConfig = {
  maxNumRetry: MANIFEST_RETRIES,
  retryDelayMs: MANIFEST_RETRY_DELAY_MS,
  maxRetryDelayMs: MANIFEST_RETRY_DELAY_MS,
  // hls.js's `linear` backoff waits retryDelayMs every time (it multiplies by 1, not by the count).
  backoff: 'linear',
  shouldRetry: retryLatePlaylist,
};

export interface WatchHlsOptions {
  /** The item playing: CMCD's content id (`cid`). */
  itemId: string;
  /** hls.js's transmuxer worker script (a same-origin asset), or null to transmux on the main thread. */
  workerPath: string | null;
}

/** hls.js settings for the watch page. */
export function watchHlsConfig(options: WatchHlsOptions): Partial<HlsConfig> {
  return {
    // hls.js's ESM build has no inline (blob:) worker: it needs the worker script's URL to use one.
    enableWorker: options.workerPath !== null,
    workerPath: options.workerPath,
    // CMCD as request headers: same origin, so no preflight, and segment URLs (the cache keys) stay clean.
    cmcd: { useHeaders: true, ...(options.itemId ? { contentId: options.itemId } : {}) },
    // No rendition taller than the player shows (the ladder's ABR would otherwise fetch 1080p for a 360p box).
    capLevelToPlayerSize: true,
    manifestLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: Infinity,
        maxLoadTimeMs: 20_000,
        timeoutRetry: lateRetry,
        errorRetry: lateRetry,
      },
    },
  };
}

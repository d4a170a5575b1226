import type { RetryConfig } from 'hls.js';
import { describe, expect, it } from 'vitest';
import { MANIFEST_RETRIES, retryLatePlaylist, watchHlsConfig } from './hls-config.js';

describe('watchHlsConfig', () => {
  const config = watchHlsConfig({ itemId: 'itm_1', workerPath: '/web/assets/hls.worker-abc.js' });
  const policy = config.manifestLoadPolicy!.default;
  const retry = policy.errorRetry!;

  it('sends CMCD as headers with the item as content id, and runs the transmuxer in the given worker', () => {
    expect(config.cmcd).toEqual({ useHeaders: true, contentId: 'itm_1' });
    expect(config.enableWorker).toBe(true);
    expect(config.workerPath).toBe('/web/assets/hls.worker-abc.js');
    expect(watchHlsConfig({ itemId: 'x', workerPath: null }).enableWorker).toBe(false);
  });

  it('retries the first playlist 3 times, 500 ms apart, on 404, 5xx and timeouts, but not on 403', () => {
    expect(retry.maxNumRetry).toBe(MANIFEST_RETRIES);
    expect(retry.retryDelayMs).toBe(500);
    expect(retry.maxRetryDelayMs).toBe(500);
    expect(policy.timeoutRetry).toEqual(retry);
    const decide = (count: number, code: number | undefined, isTimeout = false, hlsSays = false) =>
      retry.shouldRetry!(
        retry,
        count,
        isTimeout,
        code === undefined ? undefined : { url: 'u', code },
        hlsSays,
      );
    expect(decide(0, 404)).toBe(true);
    expect(decide(2, 404)).toBe(true);
    expect(decide(3, 404)).toBe(false);
    expect(decide(0, 503)).toBe(true);
    expect(decide(0, undefined, true)).toBe(true);
    expect(decide(0, 403)).toBe(false);
    expect(decide(0, 410)).toBe(false);
    // hls.js's own verdict still counts (e.g. a network error while offline).
    expect(decide(0, 0, false, true)).toBe(true);
    expect(decide(3, 0, false, true)).toBe(false);
  });

  it('retries nothing without a retry config', () => {
    expect(retryLatePlaylist(null, 0, true, undefined, true)).toBe(false);
    const none: RetryConfig = { maxNumRetry: 0, retryDelayMs: 0, maxRetryDelayMs: 0 };
    expect(retryLatePlaylist(none, 0, false, { url: 'u', code: 404 }, false)).toBe(false);
  });
});

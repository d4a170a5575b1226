/** Where purge failures are reported. */
export interface PurgeLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Tells remote edges (`coursecast edge` nodes) to drop an item. Fire and forget with a short timeout: an
 * edge that misses a purge still stops serving the item once its short-lived playlists expire, and old
 * versions' segments are no longer reachable from any playlist the origin hands out.
 */
export function createPurgeNotifier(
  edgeUrls: readonly string[],
  adminToken: string,
  logger: PurgeLogger,
): (itemId: string) => void {
  return (itemId) => {
    for (const base of edgeUrls) {
      const url = `${base.replace(/\/$/, '')}/edge/purge`;
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ itemId }),
        signal: AbortSignal.timeout(2000),
      }).then(
        (res) => {
          if (!res.ok) logger.warn({ url, itemId, status: res.status }, 'edge purge refused');
        },
        (err: unknown) => logger.warn({ url, itemId, err: String(err) }, 'edge purge failed'),
      );
    }
  };
}

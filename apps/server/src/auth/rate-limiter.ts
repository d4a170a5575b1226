/** Settings of the per-client limit (from config). */
export interface RateLimitOptions {
  /** Sustained requests per second per client. */
  perSecond: number;
  /** Requests a client may make at once above the sustained rate. */
  burst: number;
  /** Clients remembered; the least recently seen is forgotten first (bounded memory under a flood). */
  maxClients: number;
  now?: () => number;
}

/** A token bucket per client key. */
export interface RateLimiter {
  /**
   * Takes `cost` tokens (default 1); null when allowed, else the seconds until there are enough. A cost above
   * the burst is allowed from a full bucket and leaves it in debt, so one large request is never refused forever.
   */
  take(client: string, cost?: number): number | null;
}

/** Creates a limiter. A forgotten client starts again with a full bucket, so `maxClients` should be generous. */
export function createRateLimiter(o: RateLimitOptions): RateLimiter {
  const now = o.now ?? Date.now;
  // Map order is insertion order: re-inserting on use keeps the least recently seen client first.
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(client, cost = 1) {
      const t = now();
      const b = buckets.get(client) ?? { tokens: o.burst, at: t };
      buckets.delete(client);
      b.tokens = Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
      b.at = t;
      buckets.set(client, b);
      if (buckets.size > o.maxClients) buckets.delete(buckets.keys().next().value as string);
      const need = Math.min(cost, o.burst);
      if (b.tokens >= need) {
        b.tokens -= cost;
        return null;
      }
      return Math.max(1, Math.ceil((need - b.tokens) / o.perSecond));
    },
  };
}

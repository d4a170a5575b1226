/** Settings of the forwarder (from config). */
export interface ForwarderOptions {
  /** `<endpoint>/v1/<signal>` receives each relayed request. */
  endpoint: string;
  headers: Record<string, string>;
  /** Requests waiting or in flight above which new ones are dropped (and counted). */
  maxQueued: number;
  /** Bytes waiting or in flight above which new ones are dropped. */
  maxQueuedBytes: number;
  concurrency: number;
  timeoutMs: number;
  /** Told of every request that was not relayed: `queue_full`, `http_<status>` or `network`. */
  onDrop(reason: string): void;
  fetch?: typeof fetch;
}

/** Relays accepted player telemetry to an OTLP collector, so Grafana-style stacks see what the dashboards see. */
export interface OtlpForwarder {
  /** Queues one request's decoded body for relay; never waits, never throws. */
  forward(signal: 'logs' | 'traces' | 'metrics', contentType: string, body: Buffer): void;
  /** Waits for what is queued (shutdown), at most `ms`. */
  drain(ms: number): Promise<void>;
}

/**
 * Creates the forwarder. Bounded and asynchronous: a slow or dead collector costs dropped relays (counted),
 * never memory or a slower ingest. Bodies go as received after decompression, in the sender's encoding.
 */
export function createOtlpForwarder(o: ForwarderOptions): OtlpForwarder {
  const doFetch = o.fetch ?? fetch;
  const base = o.endpoint.replace(/\/$/, '');
  const queue: { url: string; contentType: string; body: Buffer }[] = [];
  let bytes = 0;
  let active = 0;
  let idle: (() => void)[] = [];

  function pump(): void {
    while (active < o.concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      doFetch(job.url, {
        method: 'POST',
        headers: { ...o.headers, 'content-type': job.contentType },
        body: job.body,
        signal: AbortSignal.timeout(o.timeoutMs),
      })
        .then(
          async (res) => {
            await res.arrayBuffer().catch(() => undefined);
            if (!res.ok) o.onDrop(`http_${res.status}`);
          },
          () => o.onDrop('network'),
        )
        .finally(() => {
          active--;
          bytes -= job.body.length;
          pump();
          if (active === 0 && queue.length === 0) {
            const waiting = idle;
            idle = [];
            for (const w of waiting) w();
          }
        });
    }
  }

  return {
    forward(signal, contentType, body) {
      if (queue.length + active >= o.maxQueued || bytes + body.length > o.maxQueuedBytes) {
        o.onDrop('queue_full');
        return;
      }
      bytes += body.length;
      queue.push({ url: `${base}/v1/${signal}`, contentType, body });
      pump();
    },
    drain(ms) {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

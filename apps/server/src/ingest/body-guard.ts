import { AppError } from '../errors.js';

/** Settings of the guard (from config). */
export interface BodyGuardOptions {
  /** Requests one client may have in flight (body being read, or being stored) at once. */
  maxInFlightPerClient: number;
  /** Bytes of request bodies the node holds at once, counted from the declared length (or the body limit). */
  maxBodyMemoryBytes: number;
  /** Longest a body may take to arrive; a slower or stalled one has its connection closed. */
  bodyTimeoutMs: number;
  /** The largest body a request may declare (its reservation when it declares none). */
  maxBodyBytes: number;
}

/** One admitted request: call `received` once its body is read, `release` once it is answered or gone. */
export interface BodyTicket {
  received(): void;
  release(): void;
}

/** Bounds request bodies per client and per node, and how long one may take to arrive. */
export interface BodyGuard {
  /**
   * Admits a request before its body is read, or throws: 429 when the client has too many in flight, 503 when
   * the node holds too much body memory. `abort` is called when the body is too slow (it closes the connection).
   */
  admit(client: string, declaredBytes: number | null, abort: () => void): BodyTicket;
  /** Requests and reserved bytes in flight (tests, and the abuse bench). */
  inFlight(): { requests: number; bytes: number };
}

/**
 * Creates the guard. A stalled body holds a reservation, never more: each client may stall at most
 * `maxInFlightPerClient` of them, the node at most `maxBodyMemoryBytes`, and none longer than the timeout; every
 * reservation is returned when its request ends, however it ends.
 */
export function createBodyGuard(o: BodyGuardOptions): BodyGuard {
  const perClient = new Map<string, number>();
  let requests = 0;
  let bytes = 0;
  return {
    admit(client, declaredBytes, abort) {
      const mine = perClient.get(client) ?? 0;
      if (mine >= o.maxInFlightPerClient) {
        throw new AppError(
          'rate_limited',
          `${client} already has ${o.maxInFlightPerClient} telemetry requests in flight`,
          { retryAfterSeconds: 1 },
        );
      }
      const reserve = Math.min(o.maxBodyBytes, declaredBytes ?? o.maxBodyBytes);
      if (bytes + reserve > o.maxBodyMemoryBytes) {
        throw new AppError(
          'ingest_overloaded',
          'the node holds as many telemetry bodies as it may; retry later',
          {
            retryAfterSeconds: 1,
          },
        );
      }
      perClient.set(client, mine + 1);
      requests += 1;
      bytes += reserve;
      let timer: NodeJS.Timeout | null = setTimeout(() => {
        timer = null;
        abort();
      }, o.bodyTimeoutMs);
      timer.unref();
      let released = false;
      return {
        received() {
          if (timer) clearTimeout(timer);
          timer = null;
        },
        release() {
          if (released) return;
          released = true;
          if (timer) clearTimeout(timer);
          timer = null;
          const left = (perClient.get(client) ?? 1) - 1;
          if (left > 0) perClient.set(client, left);
          else perClient.delete(client);
          requests -= 1;
          bytes -= reserve;
        },
      };
    },
    inFlight: () => ({ requests, bytes }),
  };
}

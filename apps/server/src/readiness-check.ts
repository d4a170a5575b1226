import {
  READINESS_CHECK_NAMES,
  type ReadinessCheck as CheckResult,
  type ReadinessResponse,
} from '@coursecast/api';
import type { StoreHealth, StoreHealthSource } from './store/store-health.js';

/** A store readiness looks at, under the name it reports it by (READINESS_CHECK_NAMES). */
export interface NamedStore {
  name: string;
  store: Pick<StoreHealthSource, 'health'>;
}

/** What createReadinessCheck needs, handed in by the composition root. */
export interface ReadinessCheckDeps {
  /** The stores that must be able to write (the catalog, the telemetry store). */
  stores: readonly NamedStore[];
  /** The volume they write to. */
  dataDir: string;
  /** Free bytes on the volume of `dir` (statfs; tests fake a full disk with it). */
  freeBytes(dir: string): Promise<number>;
  /** Below this many free bytes the server is not ready (a checkpoint would fail). */
  minFreeBytes: number;
}

/** Answers whether the server can take work that writes: `GET /healthz/ready`. */
export interface ReadinessCheck {
  check(): Promise<ReadinessResponse>;
}

/** A readiness check over the stores' health and the data volume's free space; cheap enough for every probe. */
export function createReadinessCheck(d: ReadinessCheckDeps): ReadinessCheck {
  async function volume(): Promise<CheckResult> {
    const name = READINESS_CHECK_NAMES.dataVolume;
    try {
      const free = await d.freeBytes(d.dataDir);
      return { name, ready: free >= d.minFreeBytes, detail: `${free} bytes free, floor ${d.minFreeBytes}` };
    } catch (err) {
      // The route is public: the reason goes to the logs' side (the caller's), never a path to strangers.
      void err;
      return { name, ready: false, detail: 'cannot read the free space of the data volume' };
    }
  }
  return {
    async check() {
      const checks = [...d.stores.map((s) => storeCheck(s.name, s.store.health())), await volume()];
      const notReady = checks.filter((c) => !c.ready).map((c) => c.name);
      return { status: notReady.length === 0 ? 'ready' : 'not_ready', notReady, checks };
    },
  };
}

/** Readiness of a process that writes nothing (a standalone edge): ready whenever it answers. */
export function alwaysReady(): ReadinessCheck {
  return { check: async () => ({ status: 'ready', notReady: [], checks: [] }) };
}

/**
 * A store's readiness in words a stranger may read (the route is public): its state and since when, never the
 * database's error text, which names files; that is logged when the outage starts (main.ts).
 */
function storeCheck(name: string, h: StoreHealth): CheckResult {
  if (h.state === 'open') return { name, ready: true, detail: null };
  if (h.state === 'closed') return { name, ready: false, detail: 'closed' };
  const attempts = h.failedAttempts > 0 ? `; ${h.failedAttempts} reopen attempts failed` : '';
  return { name, ready: false, detail: `reopening since ${h.since} after a fatal error${attempts}` };
}

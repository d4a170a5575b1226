import type {
  HlsLevel,
  HlsLike,
  HlsLoader,
  HlsLoaderCallbacks,
  HlsLoaderClass,
  HlsLoaderContext,
  HlsLoaderStats,
} from '../src/hls-types.js';

type Listener = (event: string, data: unknown) => void;

/** The parts of an hls.js instance the SDK touches; `emit` plays hls.js firing an event. */
export class FakeHls {
  /** hls.js keeps its version on the class (`Hls.version`). */
  static readonly version = '1.7.4';
  config: HlsLike['config'];
  levels: HlsLevel[] = [
    { bitrate: 800_000, height: 360 },
    { bitrate: 2_800_000, height: 720 },
    { bitrate: 5_000_000, height: 1080 },
  ];
  autoLevelEnabled = true;
  bandwidthEstimate: number | undefined = 4_200_000;
  sessionId = 'hls-own-session';
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(config: Partial<HlsLike['config']> = {}) {
    this.config = { loader: fakeLoader(), ...config };
  }

  on(event: string, listener: Listener): void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
  }

  off(event: string, listener: Listener): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit(event: string, data: unknown): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(event, data);
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** This fake as the type the SDK takes. */
  get like(): HlsLike {
    return this;
  }
}

/** Loader stats as hls.js fills them (page-clock ms). */
export function loaderStats(o: Partial<HlsLoaderStats> = {}): HlsLoaderStats {
  return {
    aborted: false,
    loaded: 0,
    total: 0,
    retry: 0,
    loading: { start: 0, first: 0, end: 0 },
    ...o,
  };
}

/** An XMLHttpRequest as hls.js' XhrLoader hands it over as networkDetails. */
export function xhr(status: number, headers: Record<string, string> = {}) {
  return { status, getResponseHeader: (name: string) => headers[name.toLowerCase()] ?? null };
}

/** An inner loader that records each load and answers only when the test says so. */
export class FakeLoader implements HlsLoader {
  context: HlsLoaderContext | null = null;
  stats: HlsLoaderStats = loaderStats();
  callbacks: HlsLoaderCallbacks | null = null;
  destroyed = false;

  constructor(readonly made: FakeLoader[]) {
    made.push(this);
  }

  load(context: HlsLoaderContext, _config: unknown, callbacks: HlsLoaderCallbacks): void {
    this.context = context;
    this.callbacks = callbacks;
  }

  abort(): void {
    this.stats.aborted = true;
    this.callbacks?.onAbort?.(this.stats, this.context!, null);
  }

  destroy(): void {
    this.destroyed = true;
  }

  succeed(stats: Partial<HlsLoaderStats> = {}, details: unknown = xhr(200)): void {
    this.stats = loaderStats(stats);
    this.callbacks!.onSuccess({ url: this.context!.url, data: '' }, this.stats, this.context!, details);
  }

  fail(code: number, details: unknown = xhr(code)): void {
    this.callbacks!.onError({ code, text: `HTTP ${code}` }, this.context!, details, this.stats);
  }

  timeout(): void {
    this.callbacks!.onTimeout(this.stats, this.context!, null);
  }
}

/** A loader class over FakeLoader; every instance lands in `made`. */
export function fakeLoader(made: FakeLoader[] = []): HlsLoaderClass {
  return class extends FakeLoader {
    constructor() {
      super(made);
    }
  };
}

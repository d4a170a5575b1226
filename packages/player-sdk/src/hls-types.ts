// The parts of hls.js (1.5+) the SDK touches, typed structurally so the SDK neither bundles nor pins hls.js.

/** hls.js LoaderStats (timings are performance.now() ms). */
export interface HlsLoaderStats {
  aborted: boolean;
  loaded: number;
  total: number;
  retry: number;
  bwEstimate?: number;
  loading: { start: number; first: number; end: number };
}

/** hls.js LoaderContext (the fields the SDK reads or sets). */
export interface HlsLoaderContext {
  url: string;
  type?: string;
  responseType?: string;
  headers?: Record<string, string>;
  frag?: { type?: string; sn?: number | 'initSegment'; level?: number; duration?: number };
}

export interface HlsLoaderCallbacks {
  onSuccess(
    response: unknown,
    stats: HlsLoaderStats,
    context: HlsLoaderContext,
    networkDetails: unknown,
  ): void;
  onError(
    error: { code: number; text: string },
    context: HlsLoaderContext,
    networkDetails: unknown,
    stats: HlsLoaderStats,
  ): void;
  onTimeout(stats: HlsLoaderStats, context: HlsLoaderContext, networkDetails: unknown): void;
  onAbort?(stats: HlsLoaderStats, context: HlsLoaderContext, networkDetails: unknown): void;
  onProgress?(...args: unknown[]): void;
}

/** An hls.js Loader instance. */
export interface HlsLoader {
  context: HlsLoaderContext | null;
  stats: HlsLoaderStats;
  load(context: HlsLoaderContext, config: unknown, callbacks: HlsLoaderCallbacks): void;
  abort(): void;
  destroy(): void;
  getCacheAge?(): number | null;
  getResponseHeader?(name: string): string | null;
}

export type HlsLoaderClass = new (config: never) => HlsLoader;

export interface HlsLevel {
  bitrate: number;
  height?: number;
  width?: number;
  name?: string;
}

/** An hls.js instance. */
export interface HlsLike {
  // `never` parameters: hls.js' own typed `on<E>()` is assignable to these; the SDK casts at its calls.
  on(event: never, listener: never): void;
  off(event: never, listener: never): void;
  config: {
    loader: HlsLoaderClass;
    pLoader?: HlsLoaderClass;
    fLoader?: HlsLoaderClass;
    cmcd?: { sessionId?: string } | undefined;
  };
  levels: HlsLevel[];
  bandwidthEstimate?: number;
  sessionId?: string;
  media?: HTMLMediaElement | null;
}

import type { HlsLike } from './hls-types.js';
import type { Transport } from './sdk-types.js';

/** What is playing; sent on every event of the view. */
export interface ContentMetadata {
  courseId?: string;
  itemId?: string;
  /** How the server delivers it (`vod`, `direct`, `remux`, `transcode`: the playback plan's mode). */
  planMode?: string;
  /** Extra attributes (scalars) for every event of the view, e.g. `{ 'content.title': 'Lecture 1' }`. */
  attributes?: Record<string, string | number | boolean>;
}

/** Options of `monitor()`. Only `content` is required. */
export interface MonitorOptions {
  /** The hls.js instance playing into the video, if any; attach before `loadSource` to trace every request. */
  hls?: HlsLike;
  content: ContentMetadata;
  /** OTLP/HTTP logs URL; default `/v1/logs` on the page's origin. Spans go to the sibling `/v1/traces`. */
  endpoint?: string;
  /** OTLP/HTTP traces URL; default: `endpoint` with `/v1/logs` replaced by `/v1/traces`. */
  tracesEndpoint?: string;
  /** Share of viewers measured, 0..1 (default 1); fixed per viewer, so a viewer's views are all in or all out. */
  sampleRate?: number;
  /** Measure nothing when the browser sends Do Not Track or Global Privacy Control (default false). */
  respectDoNotTrack?: boolean;
  /** Where the random viewer id is kept (default localStorage; `null`: this page only). Never a cookie. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** A viewer id of the caller's own (e.g. a pseudonymous learner id); default: random, kept in `storage`. */
  viewerId?: string;
  /** Heartbeat period, ms (default 10 000). */
  heartbeatMs?: number;
  /** Batch flush period, ms (default 5000). */
  flushMs?: number;
  /** A paused or idle view ends after this long, ms (default 1 h, as Mux). */
  inactivityMs?: number;
  /** Add `traceparent` to every request hls.js makes, one span per request (default true). */
  traceRequests?: boolean;
  /** Player name and version, sent as attributes (default hls.js's version or `html5`). */
  playerName?: string;
  playerVersion?: string;
  /** Replace the transport (tests, or an app with its own OTLP pipeline). */
  transport?: Transport;
}

/** What `monitor()` returns. */
export interface MonitorHandle {
  /** The current view's id, or null before the first play intent. */
  readonly viewId: string | null;
  /** This page's playback session id (also hls.js's CMCD `sid`). */
  readonly sessionId: string;
  readonly viewerId: string;
  /** False when this viewer is sampled out or Do Not Track applies: nothing is sent. */
  readonly measured: boolean;
  /** Ends the current view (`source_change`) and sets what plays next; the next play intent starts a view. */
  changeSource(content: ContentMetadata): void;
  /** Ends the view (`destroy`), sends what is queued, removes every listener. Idempotent. */
  destroy(): void;
  /** Delivery figures and the count of errors caught inside the SDK. */
  stats(): { sent: number; dropped: number; retried: number; queued: number; sdkErrors: number };
}

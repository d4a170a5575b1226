import type { Meter } from '@opentelemetry/api';
import {
  ATTR_BROWSER_FAMILY,
  ATTR_BUFFERING_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_CONTENT_QUALITY,
  ATTR_CONTENT_SOURCE_CODEC,
  ATTR_CONTENT_SOURCE_CONTAINER,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_HLS_PLAN_MODE,
  ATTR_ERROR_CODE,
  ATTR_INGEST_FORWARD_REASON,
  ATTR_INGEST_OUTCOME,
  ATTR_INGEST_REASON,
  ATTR_INGEST_SIGNAL,
  ATTR_INGEST_TABLE,
  ATTR_STARTUP_MS,
  ATTR_VIEW_OUTCOME,
  ATTR_WATCH_MS,
  BUFFERING_PHASES,
  METRIC_CONTENT_PLAYBACK_ERRORS,
  METRIC_CONTENT_REBUFFER_DURATION,
  METRIC_CONTENT_REBUFFERS,
  METRIC_CONTENT_VIDEO_STARTUP,
  METRIC_CONTENT_VIEWS,
  METRIC_CONTENT_WATCH_DURATION,
  METRIC_INGEST_COMMIT_DURATION,
  METRIC_INGEST_FORWARD_DROPPED,
  METRIC_INGEST_RECORDS,
  METRIC_INGEST_REFUSED,
  METRIC_INGEST_STORE_PRUNED,
  METRIC_INGEST_STORE_USED,
  PLAYBACK_EVENTS,
  ATTR_DOCUMENT_FORMAT,
  ATTR_LOAD_DURATION_MS,
  ATTR_LOAD_OUTCOME,
  ATTR_PACKAGE_TYPE,
  DOCUMENT_FORMATS_VALUES,
  LOAD_OUTCOMES,
  METRIC_CONTENT_DOCUMENT_LOAD_DURATION,
  METRIC_CONTENT_DOCUMENT_LOADS,
  METRIC_CONTENT_INTERACTIVE_LOAD_DURATION,
  METRIC_CONTENT_INTERACTIVE_LOADS,
  PACKAGE_TYPES,
} from '@coursecast/semconv';
import type { EndedView } from '../views/view-refresher.js';
import type { EventRow } from '../store/telemetry-rows.js';
import { createCounter, createHistogram, createObservableGauge } from '../instrumentation/instruments.js';

/** The ingest's own metrics, and the playback metrics derived from stored browser events. */
export interface IngestInstruments {
  records(signal: string, outcome: string, count: number, reason?: string): void;
  /** A request refused whole, with its error code. */
  refused(signal: string, status: number, code: string): void;
  /** One group commit into `table`. */
  commit(table: string, ms: number): void;
  /** Stored events → startup, rebuffer, watch time, error and module/document load metrics (bounded attributes only). */
  events(rows: readonly EventRow[]): void;
  viewsEnded(views: readonly EndedView[]): void;
  /** A relay to the OTLP endpoint that did not happen. */
  forwardDropped(reason: string): void;
  /** Rows the store's quota deleted, per table. */
  pruned(byTable: Readonly<Record<string, number>>): void;
  /** Reports the store's used bytes at each collection. */
  observeStoreUsed(read: () => number): void;
}

// Players send these as free text; metric attributes must stay bounded, so anything else is `other`.
const ERROR_TYPES = new Set(['networkError', 'mediaError', 'keySystemError', 'muxError', 'otherError']);
const quality = (v: unknown): string =>
  typeof v === 'string' && /^\d{3,4}p$/.test(v) ? v : v === 'audio' ? 'audio' : 'other';
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const MAX_VIEWS_TRACKED = 50_000;
const PACKAGE_TYPE_VALUES = new Set<unknown>(Object.values(PACKAGE_TYPES));
const DOCUMENT_FORMAT_VALUES = new Set<unknown>(Object.values(DOCUMENT_FORMATS_VALUES));
const bounded = (v: unknown, allowed: Set<unknown>): string =>
  allowed.has(v) ? String(v) : v === undefined ? 'unknown' : 'other';

/** Creates the instruments on a meter. */
export function createIngestInstruments(meter: Meter): IngestInstruments {
  const records = createCounter(meter, METRIC_INGEST_RECORDS);
  const refused = createCounter(meter, METRIC_INGEST_REFUSED);
  const commit = createHistogram(meter, METRIC_INGEST_COMMIT_DURATION);
  const views = createCounter(meter, METRIC_CONTENT_VIEWS);
  const startup = createHistogram(meter, METRIC_CONTENT_VIDEO_STARTUP);
  const rebufferDuration = createCounter(meter, METRIC_CONTENT_REBUFFER_DURATION);
  const rebuffers = createCounter(meter, METRIC_CONTENT_REBUFFERS);
  const watch = createCounter(meter, METRIC_CONTENT_WATCH_DURATION);
  const errors = createCounter(meter, METRIC_CONTENT_PLAYBACK_ERRORS);
  const forwardDropped = createCounter(meter, METRIC_INGEST_FORWARD_DROPPED);
  const pruned = createCounter(meter, METRIC_INGEST_STORE_PRUNED);
  const moduleLoads = createCounter(meter, METRIC_CONTENT_INTERACTIVE_LOADS);
  const moduleLoadTime = createHistogram(meter, METRIC_CONTENT_INTERACTIVE_LOAD_DURATION);
  const documentLoads = createCounter(meter, METRIC_CONTENT_DOCUMENT_LOADS);
  const documentLoadTime = createHistogram(meter, METRIC_CONTENT_DOCUMENT_LOAD_DURATION);
  // Heartbeats carry cumulative watch time; the counter needs deltas, so the last value per view is kept.
  const lastWatch = new Map<string, number>();

  return {
    records(signal, outcome, count, reason) {
      if (count <= 0) return;
      records.add(count, {
        [ATTR_INGEST_SIGNAL]: signal,
        [ATTR_INGEST_OUTCOME]: outcome,
        ...(reason ? { [ATTR_INGEST_REASON]: reason } : {}),
      });
    },
    refused(signal, status, code) {
      refused.add(1, {
        [ATTR_INGEST_SIGNAL]: signal,
        'http.response.status_code': status,
        [ATTR_ERROR_CODE]: code,
      });
    },
    commit(table, ms) {
      commit.record(ms / 1000, { [ATTR_INGEST_TABLE]: table });
    },
    events(rows) {
      for (const r of rows) {
        const base = {
          [ATTR_BROWSER_FAMILY]: r.browser ?? 'unknown',
          [ATTR_HLS_PLAN_MODE]: r.plan ?? 'unknown',
        };
        const a = r.attrs;
        switch (r.name) {
          case PLAYBACK_EVENTS.videoStartup: {
            const ms = num(a[ATTR_STARTUP_MS]);
            if (ms !== null) startup.record(ms / 1000, base);
            break;
          }
          case PLAYBACK_EVENTS.buffering: {
            const ms = num(a[ATTR_BUFFERING_MS]);
            if (a[ATTR_BUFFERING_PHASE] !== BUFFERING_PHASES.end || ms === null) break;
            const attrs = { ...base, [ATTR_CONTENT_QUALITY]: quality(a[ATTR_CONTENT_QUALITY]) };
            rebuffers.add(1, attrs);
            rebufferDuration.add(ms / 1000, attrs);
            break;
          }
          case PLAYBACK_EVENTS.heartbeat:
          case PLAYBACK_EVENTS.viewEnd: {
            const total = num(a[ATTR_WATCH_MS]);
            if (total === null || r.viewId === null) break;
            const before = lastWatch.get(r.viewId) ?? 0;
            lastWatch.delete(r.viewId);
            if (r.name === PLAYBACK_EVENTS.heartbeat) lastWatch.set(r.viewId, Math.max(before, total));
            if (lastWatch.size > MAX_VIEWS_TRACKED) lastWatch.delete(lastWatch.keys().next().value as string);
            if (total > before) watch.add((total - before) / 1000, base);
            break;
          }
          case PLAYBACK_EVENTS.loadInteractive:
          case PLAYBACK_EVENTS.documentLoad: {
            const isModule = r.name === PLAYBACK_EVENTS.loadInteractive;
            const attrs = {
              ...(isModule
                ? { [ATTR_PACKAGE_TYPE]: bounded(a[ATTR_PACKAGE_TYPE], PACKAGE_TYPE_VALUES) }
                : { [ATTR_DOCUMENT_FORMAT]: bounded(a[ATTR_DOCUMENT_FORMAT], DOCUMENT_FORMAT_VALUES) }),
              // A load the page gave up on carries the error's class.
              [ATTR_LOAD_OUTCOME]:
                a[ATTR_ERROR_TYPE] === undefined ? LOAD_OUTCOMES.success : LOAD_OUTCOMES.failed,
              [ATTR_BROWSER_FAMILY]: base[ATTR_BROWSER_FAMILY],
            };
            (isModule ? moduleLoads : documentLoads).add(1, attrs);
            const ms = num(a[ATTR_LOAD_DURATION_MS]);
            if (ms !== null) (isModule ? moduleLoadTime : documentLoadTime).record(ms / 1000, attrs);
            break;
          }
          case PLAYBACK_EVENTS.playbackError: {
            const type = String(a[ATTR_ERROR_TYPE]);
            errors.add(1, {
              ...base,
              [ATTR_ERROR_TYPE]: ERROR_TYPES.has(type) ? type : 'other',
              [ATTR_ERROR_FATAL]: a[ATTR_ERROR_FATAL] === true,
            });
            break;
          }
        }
      }
    },
    pruned(byTable) {
      for (const [table, n] of Object.entries(byTable))
        if (n > 0) pruned.add(n, { [ATTR_INGEST_TABLE]: table });
    },
    observeStoreUsed(read) {
      createObservableGauge(meter, METRIC_INGEST_STORE_USED).addCallback((r) => r.observe(read()));
    },
    forwardDropped(reason) {
      forwardDropped.add(1, { [ATTR_INGEST_FORWARD_REASON]: reason });
    },
    viewsEnded(ended) {
      for (const v of ended) {
        views.add(1, {
          [ATTR_VIEW_OUTCOME]: v.outcome,
          [ATTR_BROWSER_FAMILY]: v.browser ?? 'unknown',
          [ATTR_CONTENT_SOURCE_CODEC]: v.codec ?? 'unknown',
          [ATTR_CONTENT_SOURCE_CONTAINER]: v.container ?? 'unknown',
          [ATTR_HLS_PLAN_MODE]: v.plan ?? 'unknown',
        });
      }
    },
  };
}

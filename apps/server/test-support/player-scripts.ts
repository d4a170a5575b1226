// What players and course pages send, as scripts: the events of one view (startup, rebuffers, errors,
// heartbeats, the end) and of module and document loads. For tests that feed the ingest service directly.
import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_DOCUMENT_FORMAT,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_DURATION_MS,
  ATTR_MODULE_ID,
  ATTR_PACKAGE_TYPE,
  PLAYBACK_EVENTS as E,
} from '@coursecast/semconv';
import type { EventRecord } from '../src/ingest/event-mapper.js';

/** One view as a test describes it. */
export interface ViewScript {
  id: string;
  itemId: string;
  plan: 'vod' | 'transcode';
  /** null: no first frame. */
  startupMs: number | null;
  rebuffersMs?: number[];
  fatalBeforeStart?: boolean;
  recoveredError?: boolean;
  watchMs: number;
}

/** The events a player sends for one view, in its order, each with the view id and its sequence number. */
export function viewEvents(v: ViewScript, startMs: number): EventRecord[] {
  const out: EventRecord[] = [];
  const add = (name: string, attrs: Record<string, unknown> = {}): void => {
    const seq = out.length;
    out.push({
      timeMs: startMs + seq * 500,
      eventName: name,
      attributes: {
        'content.view.id': v.id,
        'content.view.seq': seq,
        'content.item_id': v.itemId,
        'hls.plan.mode': v.plan,
        'content.quality': '720p',
        ...attrs,
      },
      traceId: null,
      spanId: null,
    });
  };
  add(E.viewStart);
  if (v.fatalBeforeStart) add(E.playbackError, { 'error.type': 'networkError', 'content.error.fatal': true });
  if (v.startupMs !== null) add(E.videoStartup, { 'content.startup.duration_ms': v.startupMs });
  if (v.recoveredError) add(E.playbackError, { 'error.type': 'mediaError', 'content.error.fatal': false });
  for (const ms of v.rebuffersMs ?? []) {
    add(E.buffering, { 'content.buffering.phase': 'start' });
    add(E.buffering, { 'content.buffering.phase': 'end', 'content.buffering.duration_ms': ms });
  }
  const stallMs = (v.rebuffersMs ?? []).reduce((a, b) => a + b, 0);
  const playingMs = v.startupMs === null ? 0 : Math.max(0, v.watchMs - v.startupMs - stallMs);
  const cumulative = (share: number) => ({
    'content.view.watch_ms': Math.round(v.watchMs * share),
    'content.view.playing_ms': Math.round(playingMs * share),
    'content.view.stall_ms': Math.round(stallMs * share),
  });
  if (v.startupMs !== null) add(E.heartbeat, cumulative(0.5));
  add(E.viewEnd, { 'content.view.end_reason': 'pagehide', ...cumulative(1) });
  return out;
}

/** One module or document load as a test describes it. */
export interface LoadScript {
  kind: 'module' | 'document';
  /** Package type for a module, format for a document. */
  type: string;
  ms: number;
  /** The error class of a load the page gave up on. */
  error?: string;
}

/** The events launch and viewer pages send for their loads: no view id (they are not view events). */
export function loadEvents(loads: readonly LoadScript[], round: number, startMs: number): EventRecord[] {
  return loads.map((l, i) => ({
    timeMs: startMs + i * 500,
    eventName: l.kind === 'module' ? E.loadInteractive : E.documentLoad,
    attributes: {
      [ATTR_MODULE_ID]: `itm_r${round}_${l.kind}_${i}`,
      [ATTR_CONTENT_COURSE_ID]: 'crs_material',
      [l.kind === 'module' ? ATTR_PACKAGE_TYPE : ATTR_DOCUMENT_FORMAT]: l.type,
      [ATTR_LOAD_DURATION_MS]: l.ms,
      ...(l.error ? { [ATTR_ERROR_TYPE]: l.error } : {}),
    },
    traceId: null,
    spanId: null,
  }));
}

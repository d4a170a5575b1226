import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import type { EventRow } from '../src/store/telemetry-rows.js';

/** An `events` row as the ingest stores it, every column null but what the test names. */
export function eventRow(fields: Partial<EventRow> & Pick<EventRow, 'viewId'>): EventRow {
  const now = Date.now();
  return {
    time: now,
    receivedAt: now,
    name: E.request,
    source: 'otlp',
    seq: 0,
    viewerId: null,
    sessionId: null,
    courseId: null,
    itemId: null,
    traceId: null,
    spanId: null,
    browser: null,
    browserMajor: null,
    os: null,
    device: null,
    codec: null,
    container: null,
    plan: null,
    service: null,
    durationMs: null,
    watchMs: null,
    playingMs: null,
    label: null,
    fatal: null,
    attrs: {},
    ...fields,
  };
}

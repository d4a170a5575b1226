import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventColumns } from '../ingest/event-columns.js';
import type { EventRow } from '../store/telemetry-rows.js';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.js';
import { createViewRefresher } from './view-refresher.js';

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const HOUR = 3_600_000;
let store: TelemetryStore;
beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
});
afterAll(() => store.close());

function ev(
  view: string,
  seq: number,
  atMs: number,
  name: string,
  attrs: Record<string, unknown> = {},
): EventRow {
  return {
    time: T0 + atMs,
    receivedAt: T0 + atMs + 5,
    name,
    source: 'otlp',
    viewId: view,
    seq,
    viewerId: 'viewer',
    sessionId: null,
    courseId: 'crs_1',
    itemId: 'itm_1',
    traceId: null,
    spanId: null,
    browser: 'chrome',
    browserMajor: '156',
    os: 'linux',
    device: 'desktop',
    codec: 'hevc',
    container: 'matroska',
    plan: 'transcode',
    service: 'player',
    ...eventColumns(name, attrs),
    attrs: { 'content.view.id': view, 'content.view.seq': seq, ...attrs },
  };
}

describe('views derived from raw events', () => {
  it('computes startup, rebuffering, watch time and the outcome of each view, counting re-sent events once', async () => {
    const bufferEnd = ev('v1', 3, 9000, E.buffering, {
      'content.buffering.phase': 'end',
      'content.buffering.duration_ms': 1200,
    });
    await store.events.commit([
      ev('v1', 0, 0, E.viewStart),
      ev('v1', 1, 500, E.videoStartup, { 'content.startup.duration_ms': 500 }),
      ev('v1', 2, 7800, E.buffering, { 'content.buffering.phase': 'start' }),
      bufferEnd,
      { ...bufferEnd, receivedAt: bufferEnd.receivedAt + 1000 },
      ev('v1', 4, 20_000, E.heartbeat, {
        'content.view.playing_ms': 18_000,
        'content.view.stall_ms': 1200,
        'content.view.watch_ms': 20_000,
      }),
      ev('v1', 5, 21_000, E.qualitySwitch, { 'content.quality_to': '720p' }),
      ev('v2', 0, 0, E.viewStart),
      ev('v2', 1, 900, E.playbackError, { 'error.type': 'networkError', 'content.error.fatal': true }),
      ev('v3', 0, 0, E.viewStart),
      ev('v3', 1, 800, E.videoStartup, { 'content.startup.duration_ms': 800 }),
      ev('v3', 2, 4000, E.playbackError, { 'error.type': 'mediaError', 'content.error.fatal': false }),
      ev('v3', 3, 5000, E.playbackError, { 'error.type': 'mediaError', 'content.error.fatal': true }),
      ev('v4', 0, 0, E.viewStart),
      ev('v4', 1, 3000, E.viewEnd, { 'content.view.end_reason': 'pagehide' }),
      ev('v5', 0, 0, E.viewStart),
    ]);
    let now = T0 + 60_000;
    const ended: string[] = [];
    const refresher = createViewRefresher({
      db: store.db,
      inactiveMs: HOUR,
      now: () => now,
      onEnded: (views) => ended.push(...views.map((v) => v.outcome)),
    });
    refresher.markDirty(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(await refresher.refresh()).toBe(5);
    const rows = await store.db.all(
      `SELECT view_id, outcome, startup_ms, rebuffer_count, rebuffer_ms, watch_ms, playing_ms, quality_switches,
              error_count, fatal_error, ended, end_reason, event_count, browser, codec, plan
       FROM views ORDER BY view_id`,
    );
    const by: Record<string, unknown> = Object.fromEntries(rows.map((r) => [String(r['view_id']), r]));
    expect(by['v1']).toMatchObject({
      outcome: 'played',
      startup_ms: 500,
      rebuffer_count: 1,
      rebuffer_ms: 1200,
      watch_ms: 20_000,
      playing_ms: 18_000,
      quality_switches: 1,
      event_count: 6,
      browser: 'chrome',
      codec: 'hevc',
      plan: 'transcode',
    });
    expect(by['v2']).toMatchObject({
      outcome: 'failed_before_start',
      fatal_error: 'networkError',
      startup_ms: null,
    });
    expect(by['v3']).toMatchObject({
      outcome: 'failed_during_play',
      error_count: 2,
      fatal_error: 'mediaError',
    });
    expect(by['v4']).toMatchObject({ outcome: 'exited_before_start', ended: true, end_reason: 'pagehide' });
    expect(by['v5']).toMatchObject({ outcome: 'pending', ended: false });
    // Only v4 has ended (view_end); the others are still live.
    expect(ended).toEqual(['exited_before_start']);

    // An hour later without events, the pending view has exited before start.
    now = T0 + 2 * HOUR;
    expect(await refresher.refresh()).toBe(1);
    const v5 = await store.db.all(`SELECT outcome, ended FROM views WHERE view_id = 'v5'`);
    expect(v5[0]).toMatchObject({ outcome: 'exited_before_start', ended: true });
    expect(ended).toEqual(['exited_before_start', 'exited_before_start']);

    // Everything can be derived again from raw events, with the same figures as the incremental path.
    refresher.markDirty(['v1', 'v2', 'v3', 'v4', 'v5']);
    await refresher.refresh();
    // v1-v3 end now (an hour without events): each view is counted once, v4 and v5 not again.
    expect(ended.slice(2).sort()).toEqual(['failed_before_start', 'failed_during_play', 'played']);
    const before = await store.db.all('SELECT * FROM views ORDER BY view_id');
    expect(await refresher.rebuildAll()).toBe(5);
    expect(await store.db.all('SELECT * FROM views ORDER BY view_id')).toEqual(before);
  });

  it('keeps the early events of a long view, and derives at start-up what a previous process left', async () => {
    const long = [
      ev('long', 0, -3 * HOUR, E.viewStart),
      ev('long', 1, -3 * HOUR + 500, E.videoStartup, { 'content.startup.duration_ms': 500 }),
    ];
    await store.events.commit(long);
    let now = T0 - 3 * HOUR + 60_000;
    const refresher = createViewRefresher({ db: store.db, inactiveMs: HOUR, now: () => now });
    refresher.markDirty(['long']);
    await refresher.refresh();
    // Three hours later the view is still going: its new events must be derived with its first ones.
    now = T0;
    await store.events.commit([
      ev('long', 2, -1000, E.buffering, {
        'content.buffering.phase': 'end',
        'content.buffering.duration_ms': 700,
      }),
    ]);
    refresher.markDirty(['long']);
    await refresher.refresh();
    const row = await store.db.all(
      `SELECT startup_ms, rebuffer_count, event_count FROM views WHERE view_id = 'long'`,
    );
    expect(row[0]).toMatchObject({ startup_ms: 500, rebuffer_count: 1, event_count: 3 });

    // A new process: events of a view nobody derived yet are found and derived at the first refresh.
    await store.events.commit([
      ev('orphan', 0, -5000, E.viewStart),
      ev('orphan', 1, -4000, E.viewEnd, { 'content.view.end_reason': 'pagehide' }),
    ]);
    const restarted = createViewRefresher({ db: store.db, inactiveMs: HOUR, now: () => now });
    expect(await restarted.catchUp()).toBeGreaterThanOrEqual(1);
    await restarted.refresh();
    const orphan = await store.db.all(`SELECT outcome FROM views WHERE view_id = 'orphan'`);
    expect(orphan[0]).toMatchObject({ outcome: 'exited_before_start' });
  });
});

import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_DOCUMENT_FORMAT,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_PROBLEM,
  ATTR_LOAD_DURATION_MS,
  ATTR_MODULE_ID,
  ATTR_PACKAGE_TYPE,
  ATTR_SCORM_ATTEMPT_ID,
  ATTR_SCORM_CALL,
  ATTR_SCORM_COMPLETION_STATUS,
  ATTR_SCORM_SCORE_SCALED,
  ATTR_SCORM_SESSION_TIME_S,
  ATTR_SCORM_SUCCESS_STATUS,
  ATTR_SCORM_VERSION,
  ATTR_TOTAL_SIZE_KB,
  PLAYBACK_EVENTS as E,
} from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapEventRecords, type EventRecord, type RecordContext } from '../ingest/event-mapper.js';
import type { UserAgentInfo } from '../ingest/user-agent.js';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.js';
import type { ContentLoadsData } from '@coursecast/api';
import { contentLoads } from './content-queries.js';
import { resolveQuery, type DashboardQuery } from './dashboard-query.js';

const T = Date.UTC(2026, 10, 21, 12);
const MIN = 60_000;
const HOUR = 60 * MIN;
const FIREFOX: UserAgentInfo = { browser: 'firefox', browserMajor: '140', os: 'linux', device: 'desktop' };
const CHROME: UserAgentInfo = { browser: 'chrome', browserMajor: '156', os: 'linux', device: 'desktop' };
const LIMITS = {
  maxAttributes: 64,
  maxAttributeLength: 1024,
  maxFutureMs: 300_000,
  maxPastMs: 86_400_000,
  maxSpanEvents: 128,
  maxNameLength: 256,
  storeUnknownEvents: false,
};

let store: TelemetryStore;

const rec = (name: string, timeMs: number, attributes: Record<string, unknown>): EventRecord => ({
  timeMs,
  eventName: name,
  attributes,
  traceId: null,
  spanId: null,
});

/** A module load: package type, duration, size, and the error when it failed. */
function moduleLoad(t: number, item: string, type: string, ms: number, kb?: number, error?: string) {
  return rec(E.loadInteractive, t, {
    [ATTR_MODULE_ID]: item,
    [ATTR_CONTENT_COURSE_ID]: item === 'mod_c' ? 'crs_b' : 'crs_a',
    [ATTR_PACKAGE_TYPE]: type,
    [ATTR_LOAD_DURATION_MS]: ms,
    ...(kb !== undefined && { [ATTR_TOTAL_SIZE_KB]: kb }),
    ...(error !== undefined && { [ATTR_ERROR_TYPE]: error }),
  });
}

function documentLoad(t: number, item: string, format: string, ms: number, kb?: number, error?: string) {
  return rec(E.documentLoad, t, {
    [ATTR_MODULE_ID]: item,
    [ATTR_CONTENT_COURSE_ID]: 'crs_a',
    [ATTR_DOCUMENT_FORMAT]: format,
    [ATTR_LOAD_DURATION_MS]: ms,
    ...(kb !== undefined && { [ATTR_TOTAL_SIZE_KB]: kb }),
    ...(error !== undefined && { [ATTR_ERROR_TYPE]: error }),
  });
}

interface Status {
  completion?: string;
  success?: string;
  score?: number;
  session?: number;
}

/** A SCORM call of one attempt, with the status the package reported at that moment. */
function scorm(t: number, attempt: string | null, call: string, s: Status = {}, version = '2004') {
  return rec(E.scormCall, t, {
    [ATTR_MODULE_ID]: version === '1.2' ? 'mod_b' : 'mod_a',
    [ATTR_CONTENT_COURSE_ID]: attempt === 'Z' ? 'crs_b' : 'crs_a',
    [ATTR_SCORM_CALL]: call,
    [ATTR_SCORM_VERSION]: version,
    ...(attempt !== null && { [ATTR_SCORM_ATTEMPT_ID]: attempt }),
    [ATTR_SCORM_COMPLETION_STATUS]: s.completion ?? 'incomplete',
    [ATTR_SCORM_SUCCESS_STATUS]: s.success ?? 'unknown',
    ...(s.score !== undefined && { [ATTR_SCORM_SCORE_SCALED]: s.score }),
    ...(s.session !== undefined && { [ATTR_SCORM_SESSION_TIME_S]: s.session }),
  });
}

/** Stores records through the ingest's own mapping (schemas, typed columns), then the store's appender. */
async function ingest(records: EventRecord[], ua: UserAgentInfo): Promise<void> {
  const ctx: RecordContext = { receivedAt: T + 3 * HOUR, source: 'otlp', service: 'learn', ua };
  const mapped = mapEventRecords(records, ctx, LIMITS);
  expect(mapped.rejectedBy).toEqual({});
  await store.events.commit(mapped.rows);
}

const S = 1000;
const t0 = T - 30 * MIN;
const done = { completion: 'completed', success: 'passed' };

beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
  await ingest(
    [
      // Modules: four successful SCORM 2004 loads and a timed-out one, one SCORM 1.2, two HTML5.
      moduleLoad(t0, 'mod_a', 'scorm_2004', 100, 10),
      moduleLoad(t0 + S, 'mod_a', 'scorm_2004', 200, 20),
      moduleLoad(t0 + 2 * S, 'mod_a', 'scorm_2004', 300, 30),
      moduleLoad(t0 + 3 * S, 'mod_a', 'scorm_2004', 400, 40),
      moduleLoad(t0 + 4 * S, 'mod_a', 'scorm_2004', 60_000, 5, 'timeout'),
      moduleLoad(t0 + 5 * S, 'mod_b', 'scorm_12', 1000, 50),
      moduleLoad(t0 + 6 * S, 'mod_c', 'html5', 50, 8),
      moduleLoad(t0 + 7 * S, 'mod_d', 'html5', 20),
      // Documents: two PDFs, a PNG that failed; one PDF load long before the range.
      documentLoad(t0 + 8 * S, 'doc_a', 'pdf', 500, 100),
      documentLoad(t0 + 9 * S, 'doc_a', 'pdf', 700, 300),
      documentLoad(t0 + 10 * S, 'doc_b', 'png', 2000, 1, 'NetworkError'),
      documentLoad(T - 2 * HOUR, 'doc_a', 'pdf', 99_999, 7),
      // SCORM 2004 attempts. A1: initialize, commit, finish, completed and passed.
      scorm(t0, 'A1', 'initialize'),
      scorm(t0 + S, 'A1', 'commit', { ...done, score: 0.8, session: 60 }),
      scorm(t0 + 2 * S, 'A1', 'finish', { ...done, score: 0.9, session: 120 }),
      // A2: never finished; its score is left out of the average, its session time is not.
      scorm(t0, 'A2', 'initialize'),
      scorm(t0 + S, 'A2', 'commit', { score: 0.5, session: 30 }),
      // A3: completed at the commit, then finished saying incomplete and failed: its latest status counts.
      scorm(t0, 'A3', 'initialize'),
      scorm(t0 + S, 'A3', 'commit', done),
      scorm(t0 + 2 * S, 'A3', 'finish', {
        completion: 'incomplete',
        success: 'failed',
        score: 0.3,
        session: 200,
      }),
      // A4: three calls in one millisecond, the finish stored neither first nor last: the call order breaks
      // the tie, not the storage order.
      scorm(t0 + 5 * S, 'A4', 'initialize'),
      scorm(t0 + 5 * S, 'A4', 'finish', { ...done, score: 0.6, session: 10 }),
      scorm(t0 + 5 * S, 'A4', 'commit'),
      // Y: started in the range, finished after it: still finished.
      scorm(T + 30 * MIN, 'Y', 'initialize'),
      scorm(T + 2 * HOUR, 'Y', 'finish', { ...done, score: 1, session: 300 }),
      // X: started before the range, finished in it: not an attempt of this range.
      scorm(T - 2 * HOUR, 'X', 'initialize'),
      scorm(T - 10 * MIN, 'X', 'finish', { ...done, score: 0.1, session: 5 }),
      // Z: another course.
      scorm(t0, 'Z', 'initialize'),
      scorm(t0 + S, 'Z', 'finish', { ...done, score: 0.2, session: 40 }),
      // A call without an attempt id is no attempt.
      scorm(t0, null, 'initialize'),
      // SCORM 1.2: B1 finished, completed but failed.
      scorm(t0, 'B1', 'initialize', {}, '1.2'),
      scorm(
        t0 + S,
        'B1',
        'finish',
        { completion: 'completed', success: 'failed', score: 0.4, session: 50 },
        '1.2',
      ),
    ],
    FIREFOX,
  );
  await ingest([documentLoad(t0 + 11 * S, 'doc_c', 'jpeg', 250, 12)], CHROME);
});
afterAll(() => store.close());

function query(o: { from?: number; to?: number; course?: string; item?: string; browser?: string } = {}) {
  const q = resolveQuery({ from: T - HOUR, to: T + HOUR, ...o }, T);
  if (typeof q === 'string') throw new Error(q);
  return q;
}
const run = (q: DashboardQuery): Promise<ContentLoadsData> => contentLoads(store.reader, q);
/** Quantiles and means are interpolated in doubles: equal to the last few bits. */
const near = (v: number) => expect.closeTo(v, 9) as unknown as number;

describe('the content-loads panel', () => {
  it('counts loads, failures and success per kind and type, with load time quantiles of successful loads', async () => {
    const { loads } = await run(query());
    expect(loads).toEqual([
      {
        kind: 'module',
        type: 'scorm_2004',
        loads: 5,
        failed: 1,
        success_rate: 0.8,
        // quantile_cont over 100, 200, 300, 400 (the timed-out load left out).
        load_p50_ms: 250,
        load_p95_ms: near(385),
        size_p50_kb: 25,
      },
      // Sizes are optional: mod_d sent none, so the median is mod_c's alone.
      {
        kind: 'module',
        type: 'html5',
        loads: 2,
        failed: 0,
        success_rate: 1,
        load_p50_ms: 35,
        load_p95_ms: near(48.5),
        size_p50_kb: 8,
      },
      {
        kind: 'module',
        type: 'scorm_12',
        loads: 1,
        failed: 0,
        success_rate: 1,
        load_p50_ms: 1000,
        load_p95_ms: 1000,
        size_p50_kb: 50,
      },
      {
        kind: 'document',
        type: 'pdf',
        loads: 2,
        failed: 0,
        success_rate: 1,
        load_p50_ms: 600,
        load_p95_ms: near(690),
        size_p50_kb: 200,
      },
      {
        kind: 'document',
        type: 'jpeg',
        loads: 1,
        failed: 0,
        success_rate: 1,
        load_p50_ms: 250,
        load_p95_ms: 250,
        size_p50_kb: 12,
      },
      {
        kind: 'document',
        type: 'png',
        loads: 1,
        failed: 1,
        success_rate: 0,
        load_p50_ms: null,
        load_p95_ms: null,
        size_p50_kb: null,
      },
    ]);
  });

  it('counts SCORM attempts by version: finished, completed and passed by their latest status', async () => {
    const { scorm } = await run(query());
    expect(scorm).toEqual([
      {
        version: '1.2',
        attempts: 1,
        finished: 1,
        completed: 1,
        passed: 0,
        score_avg: near(0.4),
        session_time_p50_s: 50,
      },
      {
        // A1, A2, A3, A4, Y, Z; not X (started before the range), not the call without an attempt id.
        version: '2004',
        attempts: 6,
        // A2 has an initialize and a commit but no finish.
        finished: 5,
        // A1, A4, Y, Z; A3 finished incomplete after a completed commit.
        completed: 4,
        passed: 4,
        // Finished attempts only: (0.9 + 0.3 + 0.6 + 1 + 0.2) / 5.
        score_avg: near(0.6),
        // 10, 30, 40, 120, 200, 300.
        session_time_p50_s: 80,
      },
    ]);
  });

  it('lists the five slowest items by p95 of successful loads (items that never loaded are left out)', async () => {
    const { slowest } = await run(query());
    expect(slowest).toEqual([
      { item_id: 'mod_b', kind: 'module', type: 'scorm_12', loads: 1, failed: 0, load_p95_ms: 1000 },
      { item_id: 'doc_a', kind: 'document', type: 'pdf', loads: 2, failed: 0, load_p95_ms: near(690) },
      { item_id: 'mod_a', kind: 'module', type: 'scorm_2004', loads: 5, failed: 1, load_p95_ms: near(385) },
      { item_id: 'doc_c', kind: 'document', type: 'jpeg', loads: 1, failed: 0, load_p95_ms: 250 },
      { item_id: 'mod_c', kind: 'module', type: 'html5', loads: 1, failed: 0, load_p95_ms: 50 },
    ]);
  });

  it('applies the course, item and browser filters', async () => {
    const course = await run(query({ course: 'crs_a' }));
    expect(course.loads.find((r) => r.type === 'html5')).toMatchObject({ loads: 1, load_p50_ms: 20 });
    expect(course.slowest.map((r) => r.item_id)).not.toContain('mod_c');
    expect(course.scorm.find((r) => r.version === '2004')).toEqual({
      version: '2004',
      attempts: 5,
      finished: 4,
      completed: 3,
      passed: 3,
      score_avg: near(0.7),
      session_time_p50_s: 120,
    });
    expect(await run(query({ course: 'crs_none' }))).toEqual({
      loads: [],
      scorm: [],
      slowest: [],
      failures: [],
    });

    const item = await run(query({ item: 'mod_a' }));
    expect(item.loads.map((r) => [r.kind, r.type, r.loads])).toEqual([['module', 'scorm_2004', 5]]);
    expect(item.scorm.map((r) => [r.version, r.attempts])).toEqual([['2004', 6]]);
    expect(item.slowest.map((r) => r.item_id)).toEqual(['mod_a']);

    const chrome = await run(query({ browser: 'chrome' }));
    expect(chrome.loads.map((r) => [r.kind, r.type, r.loads])).toEqual([['document', 'jpeg', 1]]);
    expect(chrome.scorm).toEqual([]);
    // Video-only filters do not apply to course material, so they leave it as it is.
    const coded = resolveQuery({ from: T - HOUR, to: T + HOUR, codec: 'h264', plan: 'vod' }, T);
    if (typeof coded === 'string') throw new Error(coded);
    expect((await run(coded)).loads).toHaveLength(6);
  });

  it('honours the time range: loads by their time, attempts by their initialize', async () => {
    const early = await run(query({ from: T - 3 * HOUR, to: T - 90 * MIN }));
    expect(early.loads).toEqual([
      {
        kind: 'document',
        type: 'pdf',
        loads: 1,
        failed: 0,
        success_rate: 1,
        load_p50_ms: 99_999,
        load_p95_ms: 99_999,
        size_p50_kb: 7,
      },
    ]);
    // X started in this range; its finish, after the range, still counts.
    expect(early.scorm).toEqual([
      {
        version: '2004',
        attempts: 1,
        finished: 1,
        completed: 1,
        passed: 1,
        score_avg: near(0.1),
        session_time_p50_s: 5,
      },
    ]);
    // `to` is exclusive, and an attempt needs its initialize inside the range.
    const none = await run(query({ from: T + 31 * MIN, to: T + 3 * HOUR }));
    expect(none).toEqual({ loads: [], scorm: [], slowest: [], failures: [] });
  });

  it('names why modules failed to start: loads and modules per reason, with the latest problem reported', async () => {
    // Hours before the other rows, so none of theirs is in this range.
    const later = T - 5 * HOUR;
    const failed = (t: number, item: string, reason: string, problem?: string) => {
      const r = moduleLoad(t, item, 'scorm_12', 4000, undefined, reason);
      if (problem !== undefined) r.attributes[ATTR_LOAD_PROBLEM] = problem;
      return r;
    };
    await ingest(
      [
        failed(later, 'mod_f1', 'script_error', 'ReferenceError: $ is not defined (index.html:3)'),
        failed(later + S, 'mod_f1', 'script_error', 'TypeError: x is null (app.js:9)'),
        failed(later + 2 * S, 'mod_f2', 'script_error'),
        failed(later + 3 * S, 'mod_f3', 'api_not_found'),
        moduleLoad(later + 4 * S, 'mod_f4', 'scorm_12', 300),
      ],
      CHROME,
    );
    const { failures } = await run(query({ from: later - 30 * MIN, to: later + 30 * MIN }));
    expect(failures).toEqual([
      { reason: 'script_error', loads: 3, items: 2, last_problem: 'TypeError: x is null (app.js:9)' },
      { reason: 'api_not_found', loads: 1, items: 1, last_problem: null },
    ]);
    expect((await run(query())).failures).toEqual([
      { reason: 'timeout', loads: 1, items: 1, last_problem: null },
    ]);
  });
});

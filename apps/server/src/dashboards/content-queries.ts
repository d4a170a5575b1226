import {
  ATTR_DOCUMENT_FORMAT,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_PROBLEM,
  ATTR_MODULE_ID,
  ATTR_PACKAGE_TYPE,
  ATTR_SCORM_ATTEMPT_ID,
  ATTR_SCORM_COMPLETION_STATUS,
  ATTR_SCORM_SCORE_SCALED,
  ATTR_SCORM_SESSION_TIME_S,
  ATTR_SCORM_SUCCESS_STATUS,
  ATTR_SCORM_VERSION,
  ATTR_TOTAL_SIZE_KB,
  PLAYBACK_EVENTS as E,
  SCORM_CALLS,
  SCORM_COMPLETION_STATUSES,
  SCORM_SUCCESS_STATUSES,
} from '@coursecast/semconv';
import {
  LOAD_KINDS,
  type ContentLoadsData,
  type LoadFailureRow,
  type LoadGroupRow,
  type LoadKind,
  type ScormVersionRow,
  type SlowItemRow,
} from '@coursecast/api';
import type { SqlParam, SqlReader } from '../store/duckdb-database.js';
import type { DashboardQuery } from './dashboard-query.js';

// Course material panel: document and module loads, and SCORM attempts, read straight from the raw browser
// events (no derived table: these events are few next to playback's, and each stands alone). The formulas are
// in docs/metrics.md ("Documents and interactive modules"); the SQL below is their only implementation.

/** How many items the slowest list shows. */
export const SLOWEST_ITEMS = 5;

/** An attribute of the event's JSON as text (keys are semconv constants, never input). */
const text = (key: string): string => `json_extract_string(attrs, '$."${key.replace(/'/g, "''")}"')`;
/** An attribute as a number; null when missing or not a number. */
const number = (key: string): string =>
  `TRY_CAST(json_extract(attrs, '$."${key.replace(/'/g, "''")}"') AS DOUBLE)`;

const MODULE_ID = text(ATTR_MODULE_ID);

/** Binds `v` as the next positional parameter and returns its placeholder. */
function bind(params: SqlParam[], v: SqlParam): string {
  params.push(v);
  return `$${params.length}`;
}

/**
 * The filters that apply to these events: course (its own column), item (the module or document id, which
 * these events carry as `content.module_id`, not `content.item_id`) and browser. Codec, container, plan and
 * cache describe video only, so they are ignored here rather than emptying the panel.
 */
function filterSql(q: DashboardQuery, params: SqlParam[]): string {
  const parts: string[] = [];
  const { course, item, browser } = q.filters;
  if (course !== undefined) parts.push(`course_id = ${bind(params, course)}`);
  if (item !== undefined) parts.push(`${MODULE_ID} = ${bind(params, item)}`);
  if (browser !== undefined) parts.push(`browser = ${bind(params, browser)}`);
  return parts.map((p) => ` AND ${p}`).join('');
}

/** The loads in range as one row each: kind, type, item, failed, load time and size. */
function loadsCte(q: DashboardQuery): { sql: string; params: SqlParam[] } {
  const params: SqlParam[] = [];
  const from = bind(params, q.fromMs);
  const to = bind(params, q.toMs);
  const mod = bind(params, E.loadInteractive);
  const doc = bind(params, E.documentLoad);
  const sql = `l AS (
    SELECT CASE WHEN name = ${mod} THEN '${LOAD_KINDS.module}' ELSE '${LOAD_KINDS.document}' END AS kind,
      coalesce(CASE WHEN name = ${mod} THEN ${text(ATTR_PACKAGE_TYPE)} ELSE ${text(ATTR_DOCUMENT_FORMAT)} END,
        'unknown') AS type,
      ${MODULE_ID} AS item_id,
      ${text(ATTR_ERROR_TYPE)} IS NOT NULL AS failed,
      duration_ms,
      ${number(ATTR_TOTAL_SIZE_KB)} AS size_kb
    FROM events
    WHERE name IN (${mod}, ${doc}) AND epoch_ms(time) >= ${from} AND epoch_ms(time) < ${to}${filterSql(q, params)})`;
  return { sql, params };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string => String(v);

/** Loads, failures, success rate, load-time p50/p95 and median size, per kind and type. */
export async function loadsByType(db: SqlReader, q: DashboardQuery): Promise<LoadGroupRow[]> {
  const l = loadsCte(q);
  const rows = await db.all(
    `WITH ${l.sql}
     SELECT kind, type, count(*)::INTEGER AS loads, count(*) FILTER (WHERE failed)::INTEGER AS failed,
       quantile_cont(duration_ms, 0.5) FILTER (WHERE NOT failed) AS load_p50_ms,
       quantile_cont(duration_ms, 0.95) FILTER (WHERE NOT failed) AS load_p95_ms,
       median(size_kb) FILTER (WHERE NOT failed) AS size_p50_kb
     FROM l GROUP BY 1, 2 ORDER BY kind DESC, loads DESC, type LIMIT 50`,
    l.params,
  );
  return rows.map((r) => {
    const loads = Number(r['loads']);
    const failed = Number(r['failed']);
    return {
      kind: str(r['kind']) as LoadKind,
      type: str(r['type']),
      loads,
      failed,
      success_rate: loads > 0 ? (loads - failed) / loads : null,
      load_p50_ms: num(r['load_p50_ms']),
      load_p95_ms: num(r['load_p95_ms']),
      size_p50_kb: num(r['size_p50_kb']),
    };
  });
}

/** The documents and modules with the highest p95 load time (of successful loads), slowest first. */
export async function slowestItems(db: SqlReader, q: DashboardQuery): Promise<SlowItemRow[]> {
  const l = loadsCte(q);
  const rows = await db.all(
    `WITH ${l.sql}, s AS (
       SELECT item_id, kind, type, count(*)::INTEGER AS loads, count(*) FILTER (WHERE failed)::INTEGER AS failed,
         quantile_cont(duration_ms, 0.95) FILTER (WHERE NOT failed) AS load_p95_ms
       FROM l WHERE item_id IS NOT NULL GROUP BY 1, 2, 3)
     SELECT * FROM s WHERE load_p95_ms IS NOT NULL ORDER BY load_p95_ms DESC, item_id LIMIT ${SLOWEST_ITEMS}`,
    l.params,
  );
  return rows.map((r) => ({
    item_id: str(r['item_id']),
    kind: str(r['kind']) as LoadKind,
    type: str(r['type']),
    loads: Number(r['loads']),
    failed: Number(r['failed']),
    load_p95_ms: num(r['load_p95_ms']),
  }));
}

/**
 * SCORM attempts by version. An attempt belongs to the range when its initialize does (as a view belongs to
 * its start), and all its later calls count, so an attempt finished after `to` is still finished. "Latest"
 * is by event time, ties broken initialize < commit < finish (calls a few µs apart share a millisecond).
 */
export async function scormAttempts(db: SqlReader, q: DashboardQuery): Promise<ScormVersionRow[]> {
  const params: SqlParam[] = [];
  const from = bind(params, q.fromMs);
  const to = bind(params, q.toMs);
  const name = bind(params, E.scormCall);
  const C = SCORM_CALLS;
  const rows = await db.all(
    `WITH c AS (
       SELECT ${text(ATTR_SCORM_ATTEMPT_ID)} AS attempt_id, ${text(ATTR_SCORM_VERSION)} AS version, label AS call,
         epoch_ms(time) AS t,
         epoch_ms(time) * 4 + CASE label WHEN '${C.initialize}' THEN 0 WHEN '${C.commit}' THEN 1 ELSE 2 END AS ord,
         ${text(ATTR_SCORM_COMPLETION_STATUS)} AS completion, ${text(ATTR_SCORM_SUCCESS_STATUS)} AS success,
         ${number(ATTR_SCORM_SCORE_SCALED)} AS score, ${number(ATTR_SCORM_SESSION_TIME_S)} AS session_s
       FROM events WHERE name = ${name} AND epoch_ms(time) >= ${from}${filterSql(q, params)}),
     a AS (
       SELECT attempt_id, arg_min(version, ord) AS version,
         min(t) FILTER (WHERE call = '${C.initialize}') AS started,
         bool_or(call = '${C.finish}') AS finished,
         arg_max(completion, ord) FILTER (WHERE completion IS NOT NULL) AS completion,
         arg_max(success, ord) FILTER (WHERE success IS NOT NULL) AS success,
         arg_max(score, ord) FILTER (WHERE score IS NOT NULL) AS score,
         arg_max(session_s, ord) FILTER (WHERE session_s IS NOT NULL) AS session_s
       FROM c WHERE attempt_id IS NOT NULL GROUP BY 1)
     SELECT version, count(*)::INTEGER AS attempts, count(*) FILTER (WHERE finished)::INTEGER AS finished,
       count(*) FILTER (WHERE completion = '${SCORM_COMPLETION_STATUSES.completed}')::INTEGER AS completed,
       count(*) FILTER (WHERE success = '${SCORM_SUCCESS_STATUSES.passed}')::INTEGER AS passed,
       avg(score) FILTER (WHERE finished) AS score_avg, median(session_s) AS session_time_p50_s
     FROM a WHERE started IS NOT NULL AND started < ${to} GROUP BY 1 ORDER BY 1`,
    params,
  );
  return rows.map((r) => ({
    version: str(r['version']),
    attempts: Number(r['attempts']),
    finished: Number(r['finished']),
    completed: Number(r['completed']),
    passed: Number(r['passed']),
    score_avg: num(r['score_avg']),
    session_time_p50_s: num(r['session_time_p50_s']),
  }));
}

/** Most failure reasons listed: `error.type` is the browser's word, so its variety is bounded here. */
const FAILURE_REASONS = 20;

/** Failed module loads by reason, with how many modules and the latest problem the package reported. */
export async function loadFailures(db: SqlReader, q: DashboardQuery): Promise<LoadFailureRow[]> {
  const params: SqlParam[] = [];
  const from = bind(params, q.fromMs);
  const to = bind(params, q.toMs);
  const mod = bind(params, E.loadInteractive);
  const rows = await db.all(
    `SELECT ${text(ATTR_ERROR_TYPE)} AS reason, count(*)::INTEGER AS loads,
       count(DISTINCT ${MODULE_ID})::INTEGER AS items,
       arg_max(left(${text(ATTR_LOAD_PROBLEM)}, 256), time) FILTER (WHERE ${text(ATTR_LOAD_PROBLEM)} IS NOT NULL)
         AS last_problem
     FROM events
     WHERE name = ${mod} AND ${text(ATTR_ERROR_TYPE)} IS NOT NULL
       AND epoch_ms(time) >= ${from} AND epoch_ms(time) < ${to}${filterSql(q, params)}
     GROUP BY 1 ORDER BY loads DESC, reason LIMIT ${FAILURE_REASONS}`,
    params,
  );
  return rows.map((r) => ({
    reason: str(r['reason']),
    loads: Number(r['loads']),
    items: Number(r['items']),
    last_problem:
      r['last_problem'] === null || r['last_problem'] === undefined ? null : str(r['last_problem']),
  }));
}

/** The `content-loads` panel: loads by type, SCORM attempts by version, the slowest items, failures by reason. */
export async function contentLoads(db: SqlReader, q: DashboardQuery): Promise<ContentLoadsData> {
  // One after the other: the reader runs one statement at a time anyway.
  const loads = await loadsByType(db, q);
  const scorm = await scormAttempts(db, q);
  const slowest = await slowestItems(db, q);
  const failures = await loadFailures(db, q);
  return { loads, scorm, slowest, failures };
}

import type { ItemPatch, JobPatch } from './catalog-store.js';
import type { SqlParam } from './duckdb-database.js';
import { nullableNumberParam, nullableTimestampParam, numberParam, timestampParam } from './duckdb-values.js';

/** How each patchable field maps to a column and a bound value. */
export type PatchSpec<P> = {
  readonly [K in keyof Required<P>]: {
    readonly column: string;
    readonly encode: (value: Exclude<P[K], undefined>) => SqlParam;
  };
};

/**
 * `column = $n` assignments for the fields of `patch` that are set, appending their values to `params`.
 * Only the spec's columns can appear, so a patch carrying unexpected keys (say, a spread request body)
 * can't reach the SQL.
 */
export function setAssignments<P extends object>(patch: P, spec: PatchSpec<P>, params: SqlParam[]): string[] {
  const assignments: string[] = [];
  for (const key of Object.keys(spec) as (keyof P)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    const { column, encode } = spec[key];
    params.push(encode(value as Exclude<P[keyof P], undefined>));
    assignments.push(`${column} = $${params.length}`);
  }
  return assignments;
}

/**
 * Progress as stored: within 0..100. Encoders' estimates overshoot near the end (ffmpeg reports
 * 100.4%), and a display value isn't worth failing the write over.
 */
export function progressParam(value: number): number {
  return Math.min(100, Math.max(0, numberParam(value, 'progress')));
}

/** The columns behind ItemPatch. */
export const ITEM_PATCH: PatchSpec<ItemPatch> = {
  status: { column: 'status', encode: (v) => v },
  error: { column: 'error', encode: (v) => v },
  posterFile: { column: 'poster_file', encode: (v) => v },
  mediaVersion: { column: 'media_version', encode: (v) => v },
  title: { column: 'title', encode: (v) => v },
  durationSeconds: { column: 'duration_seconds', encode: (v) => nullableNumberParam(v, 'durationSeconds') },
};

/** The columns behind JobPatch. */
export const JOB_PATCH: PatchSpec<JobPatch> = {
  state: { column: 'state', encode: (v) => v },
  progress: { column: 'progress', encode: progressParam },
  speed: { column: 'speed', encode: (v) => nullableNumberParam(v, 'speed') },
  etaSeconds: { column: 'eta_seconds', encode: (v) => nullableNumberParam(v, 'etaSeconds') },
  attempts: { column: 'attempts', encode: (v) => numberParam(v, 'attempts') },
  error: { column: 'error', encode: (v) => v },
  errorType: { column: 'error_type', encode: (v) => v },
  runAfter: { column: 'run_after', encode: (v) => timestampParam(v, 'runAfter') },
  startedAt: { column: 'started_at', encode: (v) => nullableTimestampParam(v, 'startedAt') },
  finishedAt: { column: 'finished_at', encode: (v) => nullableTimestampParam(v, 'finishedAt') },
};

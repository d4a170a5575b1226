import { JOB_STATES, TRANSCODE_ERROR_TYPES, type JobState } from '@coursecast/semconv';
import { StoreError, type CatalogStore, type JobFilter } from './catalog-store.js';
import { JOB_COLUMNS, jobFromRow } from './duckdb-catalog-rows.js';
import {
  INSERT_JOB,
  insertRendition,
  patchItem,
  renamedConflict,
  selectJob,
  type Stamp,
} from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam, SqlRow } from './duckdb-database.js';
import { JOB_PATCH, setAssignments } from './duckdb-patches.js';
import { numberParam, timestampParam } from './duckdb-values.js';

/** The catalog store's job operations, the end of a transcode (renditions published) included. */
export type JobOperations = Pick<
  CatalogStore,
  | 'createJob'
  | 'completeTranscode'
  | 'getJob'
  | 'listJobs'
  | 'updateJob'
  | 'claimNextJob'
  | 'requeueInterruptedJobs'
  | 'countJobsByState'
>;

/** The job operations of the embedded catalog store, on its database; `now` is the store's clock. */
export function duckDbJobOperations(db: DuckDbDatabase, stamp: Stamp, now: () => Date): JobOperations {
  return {
    async createJob(job) {
      let busy: StoreError | null = null;
      const params: SqlParam[] = [job.id, job.itemId, numberParam(job.maxAttempts, 'maxAttempts'), stamp()];
      try {
        return await db.transaction(async (tx) => {
          const item = await tx.all('SELECT id FROM items WHERE id = $1', [job.itemId]);
          if (item.length === 0) throw new StoreError('not_found', `no item with id ${job.itemId}`);
          const active = await tx.all(
            "SELECT id FROM jobs WHERE item_id = $1 AND state IN ('queued', 'running')",
            [job.itemId],
          );
          if (active.length > 0) {
            busy = new StoreError(
              'conflict',
              `item ${job.itemId} already has job ${String(active[0]!['id'])} queued or running`,
            );
            throw busy;
          }
          const rows = await tx.all(INSERT_JOB, params);
          return jobFromRow(rows[0]!);
        });
      } catch (err) {
        // Our own conflict passes as it is; any other is the job id clashing.
        if (err === busy) throw err;
        throw renamedConflict(err, `job ${job.id} already exists`);
      }
    },

    async completeTranscode(jobId, renditions, patch) {
      const names = new Set(renditions.map((r) => r.name));
      if (names.size !== renditions.length) {
        throw new StoreError('invalid', `job ${jobId}: rendition names must be unique`);
      }
      await db.transaction(async (tx) => {
        const job = await selectJob(tx, jobId);
        if (!job) throw new StoreError('not_found', `no job with id ${jobId}`);
        const stray = renditions.find((r) => r.itemId !== job.itemId);
        if (stray) {
          throw new StoreError(
            'invalid',
            `rendition ${stray.name} is for item ${stray.itemId}, not ${job.itemId}`,
          );
        }
        const item = await patchItem(tx, stamp, job.itemId, patch);
        if (!item) throw new StoreError('not_found', `no item with id ${job.itemId} (job ${jobId})`);
        await tx.all('DELETE FROM renditions WHERE item_id = $1', [job.itemId]);
        for (const rendition of renditions) await insertRendition(tx, rendition);
        const at = stamp();
        await tx.all(
          "UPDATE jobs SET state = 'succeeded', progress = 100, eta_seconds = NULL, finished_at = $1, " +
            'updated_at = $1 WHERE id = $2',
          [at, jobId],
        );
      });
    },

    async getJob(id) {
      return selectJob(db, id);
    },

    async listJobs(filter: JobFilter = {}) {
      const params: SqlParam[] = [];
      const sql = jobListSql(filter, params);
      return (await db.all(sql, params)).map(jobFromRow);
    },

    async updateJob(id, patch) {
      const params: SqlParam[] = [];
      const assignments = setAssignments(patch, JOB_PATCH, params);
      params.push(stamp(), id);
      const sql =
        `UPDATE jobs SET ${[...assignments, `updated_at = $${params.length - 1}`].join(', ')} ` +
        `WHERE id = $${params.length} RETURNING ${JOB_COLUMNS}`;
      const rows = await db.all(sql, params);
      return rows[0] ? jobFromRow(rows[0]) : null;
    },

    async claimNextJob(at = now()) {
      // One statement, and the queue runs nothing beside it, so two claims can't take the same job.
      // Oldest by creation, so a job re-queued after a restart or a retry keeps its place in line.
      const rows = await db.all(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = $1, finished_at = NULL, ` +
          `error = NULL, error_type = NULL, updated_at = $2 ` +
          `WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= $1 ` +
          `ORDER BY created_at, seq LIMIT 1) RETURNING ${JOB_COLUMNS}`,
        [timestampParam(at, 'now'), stamp()],
      );
      return rows[0] ? jobFromRow(rows[0]) : null;
    },

    async requeueInterruptedJobs() {
      // The interrupted attempt counts (claimNextJob added it), so a job that crashes the server each time
      // runs out of attempts: it fails, saying how often it was interrupted, instead of looping forever.
      const at = stamp();
      const byCreation = (rows: SqlRow[]) =>
        // RETURNING has no order; seq is creation order.
        rows.sort((x, y) => Number(x['seq']) - Number(y['seq'])).map(jobFromRow);
      return db.transaction(async (tx) => {
        const failed = await tx.all(
          "UPDATE jobs SET state = 'failed', interruptions = coalesce(interruptions, 0) + 1, " +
            "error = 'interrupted ' || (coalesce(interruptions, 0) + 1) || ' time(s) by a restart of the " +
            "server; its ' || attempts || ' attempt(s) are spent', error_type = $2, finished_at = $1, " +
            `speed = NULL, eta_seconds = NULL, updated_at = $1 WHERE state = 'running' AND attempts >= max_attempts ` +
            `RETURNING ${JOB_COLUMNS}, seq`,
          [at, TRANSCODE_ERROR_TYPES.interrupted],
        );
        const requeued = await tx.all(
          "UPDATE jobs SET state = 'queued', interruptions = coalesce(interruptions, 0) + 1, run_after = $1, " +
            'progress = 0, speed = NULL, eta_seconds = NULL, ' +
            `updated_at = $1 WHERE state = 'running' RETURNING ${JOB_COLUMNS}, seq`,
          [at],
        );
        return { requeued: byCreation(requeued), failed: byCreation(failed) };
      });
    },

    async countJobsByState() {
      const counts = Object.fromEntries(Object.values(JOB_STATES).map((s) => [s, 0])) as Record<
        JobState,
        number
      >;
      const rows = await db.all('SELECT state, count(*) AS n FROM jobs GROUP BY state');
      for (const row of rows) {
        const state = row['state'] as JobState;
        if (state in counts) counts[state] = Number(row['n']);
      }
      return counts;
    },
  };
}

/** The SELECT of listJobs, newest first; its parameters are pushed onto `params`. */
function jobListSql(filter: JobFilter, params: SqlParam[]): string {
  const where: string[] = [];
  if (filter.state !== undefined) {
    params.push(filter.state);
    where.push(`state = $${params.length}`);
  }
  if (filter.itemId !== undefined) {
    params.push(filter.itemId);
    where.push(`item_id = $${params.length}`);
  }
  let sql = `SELECT ${JOB_COLUMNS} FROM jobs`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY created_at DESC, seq DESC';
  if (filter.limit !== undefined) {
    if (!Number.isSafeInteger(filter.limit) || filter.limit < 1) {
      throw new StoreError('invalid', `limit must be a positive integer, got ${filter.limit}`);
    }
    params.push(filter.limit);
    sql += ` LIMIT $${params.length}`;
  }
  return sql;
}

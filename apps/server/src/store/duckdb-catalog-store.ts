import { JOB_STATES, type JobState } from '@coursecast/semconv';
import {
  StoreError,
  type CatalogStore,
  type Course,
  type Item,
  type ItemPatch,
  type Job,
  type JobFilter,
  type NewCourse,
  type NewItem,
  type NewJob,
  type Rendition,
} from './catalog-store.js';
import {
  COURSE_COLUMNS,
  ITEM_COLUMNS,
  JOB_COLUMNS,
  RENDITION_COLUMNS,
  courseFromRow,
  itemFromRow,
  jobFromRow,
  renditionFromRow,
} from './duckdb-catalog-rows.js';
import { openDuckDbDatabase, type SqlParam, type SqlSession } from './duckdb-database.js';
import { ITEM_PATCH, JOB_PATCH, setAssignments } from './duckdb-patches.js';
import { jsonParam, nullableNumberParam, numberParam, timestampParam } from './duckdb-values.js';
import { applyMigrations, CATALOG_MIGRATIONS, type Migration } from './migrations.js';

/** Options for openDuckDbCatalogStore. */
export interface DuckDbCatalogStoreOptions {
  /** The database file (its directory is created), or ':memory:' for a throw-away store. */
  path: string;
  /** The clock for createdAt/updatedAt/runAfter stamps; tests pin it. */
  now?: () => Date;
  /** Replaces the catalog's migrations; for tests of the migration runner. */
  migrations?: readonly Migration[];
}

/**
 * Opens the embedded catalog store, applying pending migrations. Rejects with StoreError 'corrupt' for a
 * file that isn't a DuckDB database, 'locked' when it is in use, 'migration_failed' if the schema can't
 * be brought up to date.
 */
export async function openDuckDbCatalogStore(options: DuckDbCatalogStoreOptions): Promise<CatalogStore> {
  const now = options.now ?? (() => new Date());
  const db = await openDuckDbDatabase(options.path);
  try {
    await applyMigrations(db, options.migrations ?? CATALOG_MIGRATIONS, now);
  } catch (err) {
    await db.close();
    throw err;
  }
  const stamp = () => timestampParam(now());

  async function selectJob(session: SqlSession, id: string): Promise<Job | null> {
    const rows = await session.all(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return rows[0] ? jobFromRow(rows[0]) : null;
  }

  async function selectItem(session: SqlSession, id: string): Promise<Item | null> {
    const rows = await session.all(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1`, [id]);
    return rows[0] ? itemFromRow(rows[0]) : null;
  }

  async function patchItem(session: SqlSession, id: string, patch: ItemPatch): Promise<Item | null> {
    const params: SqlParam[] = [];
    const assignments = setAssignments(patch, ITEM_PATCH, params);
    params.push(stamp(), id);
    const sql =
      `UPDATE items SET ${[...assignments, `updated_at = $${params.length - 1}`].join(', ')} ` +
      `WHERE id = $${params.length} RETURNING ${ITEM_COLUMNS}`;
    const rows = await session.all(sql, params);
    return rows[0] ? itemFromRow(rows[0]) : null;
  }

  async function insertRendition(session: SqlSession, r: Rendition): Promise<void> {
    await session.all(
      `INSERT INTO renditions (${RENDITION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        r.itemId,
        r.name,
        numberParam(r.width, 'width'),
        numberParam(r.height, 'height'),
        numberParam(r.averageBitrate, 'averageBitrate'),
        numberParam(r.peakBitrate, 'peakBitrate'),
        r.codecs,
        r.mode,
        r.playlist,
        numberParam(r.segmentCount, 'segmentCount'),
        numberParam(r.bytes, 'bytes'),
      ],
    );
  }

  return {
    async createCourse(course: NewCourse): Promise<Course> {
      try {
        const rows = await db.all(
          `INSERT INTO courses (id, title, description, created_at) VALUES ($1, $2, $3, $4) ` +
            `RETURNING ${COURSE_COLUMNS}`,
          [course.id, course.title, course.description, stamp()],
        );
        return courseFromRow(rows[0]!);
      } catch (err) {
        throw renamedConflict(err, `course ${course.id} already exists`);
      }
    },

    async listCourses() {
      const rows = await db.all(`SELECT ${COURSE_COLUMNS} FROM courses ORDER BY created_at DESC, seq DESC`);
      return rows.map(courseFromRow);
    },

    async getCourse(id) {
      const rows = await db.all(`SELECT ${COURSE_COLUMNS} FROM courses WHERE id = $1`, [id]);
      return rows[0] ? courseFromRow(rows[0]) : null;
    },

    async createItemWithJob(item: NewItem, job: NewJob) {
      if (job.itemId !== item.id) {
        throw new StoreError('invalid', `job ${job.id} is for item ${job.itemId}, not ${item.id}`);
      }
      const at = stamp();
      const jobParams: SqlParam[] = [job.id, job.itemId, numberParam(job.maxAttempts, 'maxAttempts'), at];
      const insert = itemInsert(item, 'processing', null, at);
      try {
        return await db.transaction(async (tx) => {
          const created = await insert(tx);
          const jobs = await tx.all(
            `INSERT INTO jobs (id, item_id, kind, state, progress, attempts, max_attempts, run_after, ` +
              `created_at, updated_at) VALUES ($1, $2, 'transcode', 'queued', 0, 0, $3, $4, $4, $4) ` +
              `RETURNING ${JOB_COLUMNS}`,
            jobParams,
          );
          return { item: created, job: jobFromRow(jobs[0]!) };
        });
      } catch (err) {
        throw renamedConflict(err, `item ${item.id} or job ${job.id} already exists`);
      }
    },

    async createReadyItem(item) {
      const insert = itemInsert(item, 'ready', item.mediaVersion, stamp());
      try {
        return await db.transaction(insert);
      } catch (err) {
        throw renamedConflict(err, `item ${item.id} already exists`);
      }
    },

    async getItem(id) {
      return selectItem(db, id);
    },

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
          const rows = await tx.all(
            `INSERT INTO jobs (id, item_id, kind, state, progress, attempts, max_attempts, run_after, ` +
              `created_at, updated_at) VALUES ($1, $2, 'transcode', 'queued', 0, 0, $3, $4, $4, $4) ` +
              `RETURNING ${JOB_COLUMNS}`,
            params,
          );
          return jobFromRow(rows[0]!);
        });
      } catch (err) {
        // Our own conflict passes as it is; any other is the job id clashing.
        if (err === busy) throw err;
        throw renamedConflict(err, `job ${job.id} already exists`);
      }
    },

    async listItems(courseId) {
      const rows = await db.all(
        `SELECT ${ITEM_COLUMNS} FROM items WHERE course_id = $1 ORDER BY created_at, seq`,
        [courseId],
      );
      return rows.map(itemFromRow);
    },

    async updateItem(id, patch) {
      return patchItem(db, id, patch);
    },

    async deleteItem(id) {
      return db.transaction(async (tx) => {
        await tx.all('DELETE FROM renditions WHERE item_id = $1', [id]);
        await tx.all('DELETE FROM jobs WHERE item_id = $1', [id]);
        const deleted = await tx.all('DELETE FROM items WHERE id = $1 RETURNING id', [id]);
        return deleted.length > 0;
      });
    },

    async listRenditions(itemId) {
      const rows = await db.all(
        `SELECT ${RENDITION_COLUMNS} FROM renditions WHERE item_id = $1 ` +
          'ORDER BY height DESC, average_bitrate DESC, name',
        [itemId],
      );
      return rows.map(renditionFromRow);
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
        const item = await patchItem(tx, job.itemId, patch);
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
      // The interrupted attempt still counts, so a job that crashes the server each time runs out of
      // attempts instead of looping forever.
      const at = stamp();
      const rows = await db.all(
        "UPDATE jobs SET state = 'queued', run_after = $1, progress = 0, speed = NULL, eta_seconds = NULL, " +
          `updated_at = $1 WHERE state = 'running' RETURNING ${JOB_COLUMNS}, seq`,
        [at],
      );
      // RETURNING has no order; seq is creation order.
      return rows.sort((a, b) => Number(a['seq']) - Number(b['seq'])).map(jobFromRow);
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

    async close() {
      await db.close();
    },
  };
}

/** A 'conflict' StoreError with a message naming the entity; any other error unchanged. */
function renamedConflict(err: unknown, message: string): unknown {
  if (err instanceof StoreError && err.code === 'conflict')
    return new StoreError('conflict', message, { cause: err });
  return err;
}

/**
 * The insert of a new item, as a step of a transaction: its parameters are checked now (so a bad value is
 * 'invalid' before anything runs), and the step answers 'not_found' when the course is missing.
 */
function itemInsert(
  item: NewItem,
  status: 'processing' | 'ready',
  mediaVersion: string | null,
  at: SqlParam,
): (tx: SqlSession) => Promise<Item> {
  const params: SqlParam[] = [
    item.id,
    item.courseId,
    item.kind,
    item.title,
    status,
    item.sourceFile,
    nullableNumberParam(item.sourceBytes, 'sourceBytes'),
    jsonParam(item.sourceInfo, 'sourceInfo'),
    nullableNumberParam(item.durationSeconds, 'durationSeconds'),
    at,
    mediaVersion,
  ];
  return async (tx) => {
    const course = await tx.all('SELECT id FROM courses WHERE id = $1', [item.courseId]);
    if (course.length === 0) throw new StoreError('not_found', `no course with id ${item.courseId}`);
    const rows = await tx.all(
      `INSERT INTO items (id, course_id, kind, title, status, source_file, source_bytes, source_info, ` +
        `duration_seconds, created_at, updated_at, media_version) ` +
        `VALUES ($1, $2, $3, $4, $5, $6, $7, $8::JSON, $9, $10, $10, $11) RETURNING ${ITEM_COLUMNS}`,
      params,
    );
    return itemFromRow(rows[0]!);
  };
}

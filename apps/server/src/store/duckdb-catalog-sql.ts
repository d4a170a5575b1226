import {
  StoreError,
  type Item,
  type ItemPatch,
  type Job,
  type NewItem,
  type Rendition,
} from './catalog-store.js';
import {
  ITEM_COLUMNS,
  JOB_COLUMNS,
  RENDITION_COLUMNS,
  itemFromRow,
  jobFromRow,
} from './duckdb-catalog-rows.js';
import type { SqlParam, SqlSession } from './duckdb-database.js';
import { ITEM_PATCH, setAssignments } from './duckdb-patches.js';
import { jsonParam, nullableNumberParam, numberParam } from './duckdb-values.js';

// Statements more than one group of catalog operations (courses, items, jobs) runs.

/** The clock of a catalog store as a statement parameter (createdAt/updatedAt/runAfter stamps). */
export type Stamp = () => SqlParam;

/** Inserts a queued transcode job; parameters: id, item id, max attempts, the stamp. */
export const INSERT_JOB =
  `INSERT INTO jobs (id, item_id, kind, state, progress, attempts, max_attempts, run_after, ` +
  `created_at, updated_at) VALUES ($1, $2, 'transcode', 'queued', 0, 0, $3, $4, $4, $4) ` +
  `RETURNING ${JOB_COLUMNS}`;

/** A 'conflict' StoreError with a message naming the entity; any other error unchanged. */
export function renamedConflict(err: unknown, message: string): unknown {
  if (err instanceof StoreError && err.code === 'conflict')
    return new StoreError('conflict', message, { cause: err });
  return err;
}

/** The job with this id, or null. */
export async function selectJob(session: SqlSession, id: string): Promise<Job | null> {
  const rows = await session.all(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
  return rows[0] ? jobFromRow(rows[0]) : null;
}

/** The item with this id, or null. */
export async function selectItem(session: SqlSession, id: string): Promise<Item | null> {
  const rows = await session.all(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1`, [id]);
  return rows[0] ? itemFromRow(rows[0]) : null;
}

/** Applies a patch to an item, stamping updated_at; null when there is no such item. */
export async function patchItem(
  session: SqlSession,
  stamp: Stamp,
  id: string,
  patch: ItemPatch,
): Promise<Item | null> {
  const params: SqlParam[] = [];
  const assignments = setAssignments(patch, ITEM_PATCH, params);
  params.push(stamp(), id);
  const sql =
    `UPDATE items SET ${[...assignments, `updated_at = $${params.length - 1}`].join(', ')} ` +
    `WHERE id = $${params.length} RETURNING ${ITEM_COLUMNS}`;
  const rows = await session.all(sql, params);
  return rows[0] ? itemFromRow(rows[0]) : null;
}

/** Inserts one rendition row. */
export async function insertRendition(session: SqlSession, r: Rendition): Promise<void> {
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

/**
 * The insert of a new item, as a step of a transaction: its parameters are checked now (so a bad value is
 * 'invalid' before anything runs), and the step answers 'not_found' when the course is missing.
 */
export function itemInsert(
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

import { StoreError, type CatalogStore, type NewItem, type NewJob } from './catalog-store.js';
import {
  ITEM_COLUMNS,
  RENDITION_COLUMNS,
  itemFromRow,
  jobFromRow,
  renditionFromRow,
} from './duckdb-catalog-rows.js';
import {
  INSERT_JOB,
  itemInsert,
  patchItem,
  renamedConflict,
  selectItem,
  type Stamp,
} from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam } from './duckdb-database.js';
import { numberParam } from './duckdb-values.js';

/** The catalog store's item and rendition operations. */
export type ItemOperations = Pick<
  CatalogStore,
  | 'createItemWithJob'
  | 'createReadyItem'
  | 'getItem'
  | 'listItems'
  | 'updateItem'
  | 'deleteItem'
  | 'listRenditions'
>;

/** The item and rendition operations of the embedded catalog store, on its database. */
export function duckDbItemOperations(db: DuckDbDatabase, stamp: Stamp): ItemOperations {
  return {
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
          const jobs = await tx.all(INSERT_JOB, jobParams);
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

    async listItems(courseId) {
      const rows = await db.all(
        `SELECT ${ITEM_COLUMNS} FROM items WHERE course_id = $1 ORDER BY created_at, seq`,
        [courseId],
      );
      return rows.map(itemFromRow);
    },

    async updateItem(id, patch) {
      return patchItem(db, stamp, id, patch);
    },

    async deleteItem(id) {
      return db.transaction(async (tx) => {
        await tx.all('DELETE FROM renditions WHERE item_id = $1', [id]);
        await tx.all('DELETE FROM jobs WHERE item_id = $1', [id]);
        await tx.all('DELETE FROM caption_tracks WHERE item_id = $1', [id]);
        await tx.all('DELETE FROM live_lectures WHERE item_id = $1', [id]);
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
  };
}

import type { LiveLadderPlan } from '@coursecast/media';
import { StoreError } from './catalog-store.js';
import type { LiveLecture, LivePatch, LiveRunRecord, LiveState, LiveStore } from './live-store.js';
import { insertRendition, itemInsert, patchItem, renamedConflict, type Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam, SqlRow, SqlSession } from './duckdb-database.js';
import {
  jsonParam,
  nullableTimestampParam,
  readNullableString,
  readNullableTimestamp,
  readOneOf,
  readString,
  readTimestamp,
} from './duckdb-values.js';

const COLUMNS =
  'item_id, stream_key, srt_passphrase, state, scheduled_at, started_at, ended_at, end_reason, error, plan, runs, ' +
  'created_at, updated_at';
const STATES: readonly LiveState[] = ['scheduled', 'live', 'reconnecting', 'ended', 'failed'];

function parsed<T>(row: SqlRow, column: string): T | null {
  const raw = row[column];
  if (raw === null || raw === undefined) return null;
  return JSON.parse(String(raw)) as T;
}

function liveFromRow(row: SqlRow): LiveLecture {
  return {
    itemId: readString(row, 'item_id'),
    streamKey: readString(row, 'stream_key'),
    srtPassphrase: readString(row, 'srt_passphrase'),
    state: readOneOf(row, 'state', STATES),
    scheduledAt: readNullableTimestamp(row, 'scheduled_at'),
    startedAt: readNullableTimestamp(row, 'started_at'),
    endedAt: readNullableTimestamp(row, 'ended_at'),
    endReason: readNullableString(row, 'end_reason'),
    error: readNullableString(row, 'error'),
    plan: parsed<LiveLadderPlan>(row, 'plan'),
    runs: parsed<LiveRunRecord[]>(row, 'runs') ?? [],
    createdAt: readTimestamp(row, 'created_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}

const TIMESTAMPS = new Set(['scheduledAt', 'startedAt', 'endedAt']);
const COLUMN_OF: Record<keyof LivePatch, string> = {
  streamKey: 'stream_key',
  srtPassphrase: 'srt_passphrase',
  state: 'state',
  scheduledAt: 'scheduled_at',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  endReason: 'end_reason',
  error: 'error',
  plan: 'plan',
  runs: 'runs',
};

async function patchLive(
  tx: SqlSession,
  stamp: Stamp,
  itemId: string,
  patch: LivePatch,
): Promise<LiveLecture | null> {
  const params: SqlParam[] = [];
  const sets: string[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof LivePatch, unknown][]) {
    if (value === undefined) continue;
    let param: SqlParam;
    if (TIMESTAMPS.has(key)) param = nullableTimestampParam(value as string | null, key);
    else if (key === 'plan' || key === 'runs') param = jsonParam(value, key);
    else param = value as string | null;
    params.push(param);
    sets.push(`${COLUMN_OF[key]} = $${params.length}`);
  }
  params.push(stamp());
  sets.push(`updated_at = $${params.length}`);
  params.push(itemId);
  const rows = await tx.all(
    `UPDATE live_lectures SET ${sets.join(', ')} WHERE item_id = $${params.length} RETURNING ${COLUMNS}`,
    params,
  );
  return rows[0] ? liveFromRow(rows[0]) : null;
}

/** The live-lecture operations of the embedded catalog store, on its database. */
export function duckDbLiveOperations(db: DuckDbDatabase, stamp: Stamp): LiveStore {
  return {
    async createLiveItem(item, live) {
      if (live.itemId !== item.id)
        throw new StoreError('invalid', `live lecture ${live.itemId} is not item ${item.id}`);
      const at = stamp();
      const insert = itemInsert(item, 'processing', item.mediaVersion, at);
      try {
        return await db.transaction(async (tx) => {
          const created = await insert(tx);
          const rows = await tx.all(
            `INSERT INTO live_lectures (${COLUMNS}) VALUES ($1, $2, $3, 'scheduled', $4, NULL, NULL, NULL, NULL, NULL, '[]', $5, $5) RETURNING ${COLUMNS}`,
            [
              live.itemId,
              live.streamKey,
              live.srtPassphrase,
              nullableTimestampParam(live.scheduledAt, 'scheduledAt'),
              at,
            ],
          );
          return { item: created, live: liveFromRow(rows[0]!) };
        });
      } catch (err) {
        throw renamedConflict(err, `item ${item.id} already exists`);
      }
    },

    async getLiveLecture(itemId) {
      const rows = await db.all(`SELECT ${COLUMNS} FROM live_lectures WHERE item_id = $1`, [itemId]);
      return rows[0] ? liveFromRow(rows[0]) : null;
    },

    async listLiveLectures(states) {
      const where = states ? `WHERE state IN (${states.map((_, i) => `$${i + 1}`).join(', ')})` : '';
      if (states && states.length === 0) return [];
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM live_lectures ${where} ORDER BY created_at, item_id`,
        [...(states ?? [])],
      );
      return rows.map(liveFromRow);
    },

    async updateLiveLecture(itemId, patch) {
      return db.transaction((tx) => patchLive(tx, stamp, itemId, patch));
    },

    async finishLiveLecture(itemId, patch, renditions, item) {
      return db.transaction(async (tx) => {
        const live = await patchLive(tx, stamp, itemId, patch);
        if (!live) throw new StoreError('not_found', `no live lecture ${itemId}`);
        await tx.all('DELETE FROM renditions WHERE item_id = $1', [itemId]);
        for (const r of renditions) await insertRendition(tx, r);
        const patched = await patchItem(tx, stamp, itemId, item);
        if (!patched) throw new StoreError('not_found', `no item ${itemId}`);
        return live;
      });
    },
  };
}

import type { CaptionKind } from '@coursecast/media';
import type { CaptionOrigin, CaptionPublish, CaptionStore, CaptionTrack } from './caption-store.js';
import { StoreError } from './catalog-store.js';
import { patchItem, selectItem, type Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlRow, SqlSession } from './duckdb-database.js';
import { readNullableNumber, readNumber, readString, readTimestamp } from './duckdb-values.js';

const COLUMNS =
  'id, item_id, language, kind, label, forced, origin, stream_index, file, cue_count, bytes, created_at, updated_at';

function trackFromRow(row: SqlRow): CaptionTrack {
  return {
    id: readString(row, 'id'),
    itemId: readString(row, 'item_id'),
    language: readString(row, 'language'),
    kind: readString(row, 'kind') as CaptionKind,
    label: readString(row, 'label'),
    forced: row['forced'] === true,
    origin: readString(row, 'origin') as CaptionOrigin,
    streamIndex: readNullableNumber(row, 'stream_index'),
    file: readString(row, 'file'),
    cueCount: readNumber(row, 'cue_count'),
    bytes: readNumber(row, 'bytes'),
    createdAt: readTimestamp(row, 'created_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}

/** Checks the item is still on the version the change was built on, then moves it to the new one. */
async function moveVersion(
  tx: SqlSession,
  stamp: Stamp,
  itemId: string,
  publish: CaptionPublish | null,
): Promise<void> {
  const item = await selectItem(tx, itemId);
  if (!item) throw new StoreError('not_found', `no item ${itemId}`);
  if (!publish) return;
  if (item.mediaVersion !== publish.from) {
    throw new StoreError(
      'conflict',
      `item ${itemId} moved to version ${item.mediaVersion ?? 'none'} while its captions were published on ${publish.from}`,
    );
  }
  await patchItem(tx, stamp, itemId, { mediaVersion: publish.to, posterFile: publish.posterFile });
}

/** The caption-track operations of the embedded catalog store, on its database. */
export function duckDbCaptionOperations(db: DuckDbDatabase, stamp: Stamp): CaptionStore {
  return {
    async listCaptionTracks(itemId) {
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM caption_tracks WHERE item_id = $1 ORDER BY created_at, id`,
        [itemId],
      );
      return rows.map(trackFromRow);
    },

    async saveCaptionTrack(t, publish) {
      const at = stamp();
      return db.transaction(async (tx) => {
        await moveVersion(tx, stamp, t.itemId, publish);
        const clash = await tx.all(
          'SELECT id FROM caption_tracks WHERE item_id = $1 AND label = $2 AND id <> $3',
          [t.itemId, t.label, t.id],
        );
        if (clash.length > 0) {
          throw new StoreError('conflict', `item ${t.itemId} already has a track labelled "${t.label}"`);
        }
        const existing = await tx.all('SELECT item_id FROM caption_tracks WHERE id = $1', [t.id]);
        if (existing[0] && readString(existing[0], 'item_id') !== t.itemId) {
          throw new StoreError('conflict', `track ${t.id} belongs to another item`);
        }
        const params = [
          t.id,
          t.itemId,
          t.language,
          t.kind,
          t.label,
          t.forced,
          t.origin,
          t.streamIndex,
          t.file,
          t.cueCount,
          t.bytes,
          at,
        ];
        const rows = existing[0]
          ? await tx.all(
              'UPDATE caption_tracks SET language = $3, kind = $4, label = $5, forced = $6, origin = $7, ' +
                'stream_index = $8, file = $9, cue_count = $10, bytes = $11, updated_at = $12 ' +
                `WHERE id = $1 AND item_id = $2 RETURNING ${COLUMNS}`,
              params,
            )
          : await tx.all(
              `INSERT INTO caption_tracks (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ` +
                `RETURNING ${COLUMNS}`,
              params,
            );
        return trackFromRow(rows[0]!);
      });
    },

    async deleteCaptionTrack(itemId, trackId, publish) {
      return db.transaction(async (tx) => {
        const gone = await tx.all('DELETE FROM caption_tracks WHERE id = $1 AND item_id = $2 RETURNING id', [
          trackId,
          itemId,
        ]);
        if (gone.length === 0) return false;
        await moveVersion(tx, stamp, itemId, publish);
        return true;
      });
    },

    async publishCaptions(itemId, publish) {
      await db.transaction((tx) => moveVersion(tx, stamp, itemId, publish));
    },

    async captionCoverage(limit) {
      const has = 'EXISTS (SELECT 1 FROM caption_tracks c WHERE c.item_id = i.id)';
      const ready = "i.kind = 'video' AND i.status = 'ready'";
      const rows = await db.all(
        `SELECT count(*) FILTER (WHERE ${has}) AS captioned, count(*) FILTER (WHERE NOT ${has}) AS uncaptioned ` +
          `FROM items i WHERE ${ready}`,
      );
      const missing = await db.all(
        `SELECT i.id, i.course_id, i.title FROM items i WHERE ${ready} AND NOT ${has} ORDER BY i.created_at, i.id LIMIT $1`,
        [limit],
      );
      const row = rows[0]!;
      return {
        captioned: readNumber(row, 'captioned'),
        uncaptioned: readNumber(row, 'uncaptioned'),
        missing: missing.map((m) => ({
          itemId: readString(m, 'id'),
          courseId: readString(m, 'course_id'),
          title: readString(m, 'title'),
        })),
      };
    },
  };
}

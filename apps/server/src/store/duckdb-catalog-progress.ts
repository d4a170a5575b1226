import type { Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam, SqlRow } from './duckdb-database.js';
import {
  readNullableString,
  readNullableTimestamp,
  readNumber,
  readString,
  readTimestamp,
  timestampParam,
} from './duckdb-values.js';
import type {
  LectureProgress,
  OutboxScore,
  ProgressStore,
  ScoreBody,
  ScoreState,
  WatchedRanges,
} from './progress-store.js';

const PROGRESS_COLUMNS =
  'learner_id, item_id, position_seconds, watched, watched_seconds, duration_seconds, completed_at, updated_at';
const SCORE_COLUMNS =
  'id, platform_id, learner_id, item_id, lineitem_url, lineitems_url, resource_link_id, label, user_id, score, ' +
  'state, attempts, next_attempt_at, last_error, created_at, sent_at';

function progressFromRow(row: SqlRow): LectureProgress {
  return {
    learnerId: readString(row, 'learner_id'),
    itemId: readString(row, 'item_id'),
    positionSeconds: readNumber(row, 'position_seconds'),
    watched: JSON.parse(readString(row, 'watched')) as WatchedRanges,
    watchedSeconds: readNumber(row, 'watched_seconds'),
    durationSeconds: readNumber(row, 'duration_seconds'),
    completedAt: readNullableTimestamp(row, 'completed_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}

function scoreFromRow(row: SqlRow): OutboxScore {
  return {
    id: readString(row, 'id'),
    platformId: readString(row, 'platform_id'),
    learnerId: readString(row, 'learner_id'),
    itemId: readString(row, 'item_id'),
    lineitemUrl: readNullableString(row, 'lineitem_url'),
    lineitemsUrl: readNullableString(row, 'lineitems_url'),
    resourceLinkId: readNullableString(row, 'resource_link_id'),
    label: readString(row, 'label'),
    userId: readString(row, 'user_id'),
    score: JSON.parse(readString(row, 'score')) as ScoreBody,
    state: readString(row, 'state') as ScoreState,
    attempts: readNumber(row, 'attempts'),
    nextAttemptAt: readTimestamp(row, 'next_attempt_at'),
    lastError: readNullableString(row, 'last_error'),
    createdAt: readTimestamp(row, 'created_at'),
    sentAt: readNullableTimestamp(row, 'sent_at'),
  };
}

/** The progress and outbox operations of the embedded catalog store, on its database. */
export function duckDbProgressOperations(db: DuckDbDatabase, stamp: Stamp): ProgressStore {
  return {
    async getLectureProgress(learnerId, itemId) {
      const rows = await db.all(
        `SELECT ${PROGRESS_COLUMNS} FROM lecture_progress WHERE learner_id = $1 AND item_id = $2`,
        [learnerId, itemId],
      );
      return rows[0] ? progressFromRow(rows[0]) : null;
    },

    async saveLectureProgress(p, score) {
      const at = stamp();
      return db.transaction(async (tx) => {
        const rows = await tx.all(
          `INSERT INTO lecture_progress (${PROGRESS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ` +
            'ON CONFLICT (learner_id, item_id) DO UPDATE SET position_seconds = excluded.position_seconds, ' +
            'watched = excluded.watched, watched_seconds = excluded.watched_seconds, ' +
            'duration_seconds = excluded.duration_seconds, completed_at = excluded.completed_at, ' +
            `updated_at = excluded.updated_at RETURNING ${PROGRESS_COLUMNS}`,
          [
            p.learnerId,
            p.itemId,
            p.positionSeconds,
            JSON.stringify(p.watched),
            p.watchedSeconds,
            p.durationSeconds,
            p.completedAt === null ? null : timestampParam(p.completedAt, 'completedAt'),
            at,
          ],
        );
        if (score) {
          const t = score.target;
          // A newer score supersedes one still waiting: the gradebook only needs the latest.
          await tx.all(
            "DELETE FROM score_outbox WHERE learner_id = $1 AND item_id = $2 AND platform_id = $3 AND state = 'pending'",
            [t.learnerId, t.itemId, t.platformId],
          );
          const params: SqlParam[] = [
            score.id,
            t.platformId,
            t.learnerId,
            t.itemId,
            t.lineitemUrl,
            t.lineitemsUrl,
            t.resourceLinkId,
            t.label,
            t.userId,
            JSON.stringify(score.body),
            at,
          ];
          await tx.all(
            `INSERT INTO score_outbox (${SCORE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ` +
              "'pending', 0, $11, NULL, $11, NULL)",
            params,
          );
        }
        return progressFromRow(rows[0]!);
      });
    },

    async listItemProgress(itemId) {
      const rows = await db.all(
        `SELECT ${PROGRESS_COLUMNS} FROM lecture_progress WHERE item_id = $1 ORDER BY updated_at DESC, learner_id`,
        [itemId],
      );
      return rows.map(progressFromRow);
    },

    async dueScores(now, limit) {
      const rows = await db.all(
        `SELECT ${SCORE_COLUMNS} FROM score_outbox WHERE state = 'pending' AND next_attempt_at <= $1 ` +
          'ORDER BY next_attempt_at, created_at LIMIT $2',
        [timestampParam(now, 'now'), limit],
      );
      return rows.map(scoreFromRow);
    },

    async settleScore(id, outcome) {
      const at = stamp();
      if (outcome.state === 'sent') {
        await db.all(
          "UPDATE score_outbox SET state = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL WHERE id = $1",
          [id, at],
        );
      } else if (outcome.state === 'pending') {
        await db.all(
          'UPDATE score_outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1',
          [id, timestampParam(outcome.nextAttemptAt, 'nextAttemptAt'), outcome.error],
        );
      } else {
        await db.all(
          "UPDATE score_outbox SET state = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1",
          [id, outcome.error],
        );
      }
    },

    async countScores(state) {
      const rows = await db.all('SELECT count(*) AS n FROM score_outbox WHERE state = $1', [state]);
      return readNumber(rows[0]!, 'n');
    },

    async listScores(limit, state) {
      const rows = await db.all(
        `SELECT ${SCORE_COLUMNS} FROM score_outbox ${state ? 'WHERE state = $2' : ''} ` +
          'ORDER BY created_at DESC, id LIMIT $1',
        state ? [limit, state] : [limit],
      );
      return rows.map(scoreFromRow);
    },
  };
}

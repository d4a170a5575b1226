import type { Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam, SqlRow, SqlSession } from './duckdb-database.js';
import {
  readNullableNumber,
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
  ScoreTarget,
  ScormAttempt,
  WatchedRanges,
} from './progress-store.js';

const PROGRESS_COLUMNS =
  'learner_id, item_id, position_seconds, watched, watched_seconds, duration_seconds, completed_at, updated_at';
const SCORE_COLUMNS =
  'id, platform_id, learner_id, item_id, lineitem_url, lineitems_url, resource_link_id, label, user_id, score, ' +
  'state, attempts, next_attempt_at, last_error, created_at, sent_at';

const ATTEMPT_COLUMNS =
  'learner_id, item_id, attempt, cmi, exit_mode, total_time_seconds, completion_status, success_status, ' +
  'score_scaled, finished, created_at, updated_at';

function attemptFromRow(row: SqlRow): ScormAttempt {
  return {
    learnerId: readString(row, 'learner_id'),
    itemId: readString(row, 'item_id'),
    attempt: readNumber(row, 'attempt'),
    cmi: JSON.parse(readString(row, 'cmi')) as Record<string, string>,
    exitMode: readString(row, 'exit_mode'),
    totalTimeSeconds: readNumber(row, 'total_time_seconds'),
    completionStatus: readString(row, 'completion_status'),
    successStatus: readString(row, 'success_status'),
    scoreScaled: readNullableNumber(row, 'score_scaled'),
    finished: row['finished'] === true,
    createdAt: readTimestamp(row, 'created_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}

/** Queues a score in `tx`, replacing a pending one of the same learner, item and platform (it supersedes it). */
async function queueScore(
  tx: SqlSession,
  score: { id: string; target: ScoreTarget; body: ScoreBody },
  at: SqlParam,
): Promise<void> {
  const t = score.target;
  await tx.all(
    "DELETE FROM score_outbox WHERE learner_id = $1 AND item_id = $2 AND platform_id = $3 AND state = 'pending'",
    [t.learnerId, t.itemId, t.platformId],
  );
  await tx.all(
    `INSERT INTO score_outbox (${SCORE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ` +
      "'pending', 0, $11, NULL, $11, NULL)",
    [
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
    ],
  );
}

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
        if (score) await queueScore(tx, score, at);
        return progressFromRow(rows[0]!);
      });
    },

    async latestScormAttempt(learnerId, itemId) {
      const rows = await db.all(
        `SELECT ${ATTEMPT_COLUMNS} FROM scorm_attempts WHERE learner_id = $1 AND item_id = $2 ` +
          'ORDER BY attempt DESC LIMIT 1',
        [learnerId, itemId],
      );
      return rows[0] ? attemptFromRow(rows[0]) : null;
    },

    async saveScormAttempt(a, score) {
      const at = stamp();
      return db.transaction(async (tx) => {
        const rows = await tx.all(
          `INSERT INTO scorm_attempts (${ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ` +
            'ON CONFLICT (learner_id, item_id, attempt) DO UPDATE SET cmi = excluded.cmi, ' +
            'exit_mode = excluded.exit_mode, total_time_seconds = excluded.total_time_seconds, ' +
            'completion_status = excluded.completion_status, success_status = excluded.success_status, ' +
            'score_scaled = excluded.score_scaled, finished = excluded.finished, updated_at = excluded.updated_at ' +
            `RETURNING ${ATTEMPT_COLUMNS}`,
          [
            a.learnerId,
            a.itemId,
            a.attempt,
            JSON.stringify(a.cmi),
            a.exitMode,
            a.totalTimeSeconds,
            a.completionStatus,
            a.successStatus,
            a.scoreScaled,
            a.finished,
            at,
          ],
        );
        if (score) await queueScore(tx, score, at);
        return attemptFromRow(rows[0]!);
      });
    },

    async listItemScormAttempts(itemId) {
      const rows = await db.all(
        `SELECT ${ATTEMPT_COLUMNS} FROM scorm_attempts a WHERE item_id = $1 AND attempt = ` +
          '(SELECT max(attempt) FROM scorm_attempts b WHERE b.learner_id = a.learner_id AND b.item_id = a.item_id) ' +
          'ORDER BY updated_at DESC, learner_id',
        [itemId],
      );
      return rows.map(attemptFromRow);
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

    async listItemScores(itemId) {
      const rows = await db.all(
        `SELECT ${SCORE_COLUMNS} FROM score_outbox WHERE item_id = $1 ORDER BY created_at DESC, id`,
        [itemId],
      );
      return rows.map(scoreFromRow);
    },

    async purgeLearnerData(before) {
      const cutoff = timestampParam(before, 'before');
      return db.transaction(async (tx) => {
        const progress = await tx.all(
          'DELETE FROM lecture_progress WHERE updated_at < $1 RETURNING learner_id',
          [cutoff],
        );
        const attempts = await tx.all(
          'DELETE FROM scorm_attempts WHERE updated_at < $1 RETURNING learner_id',
          [cutoff],
        );
        const scores = await tx.all(
          "DELETE FROM score_outbox WHERE state <> 'pending' AND created_at < $1 RETURNING id",
          [cutoff],
        );
        const learners = await tx.all(
          'DELETE FROM learners WHERE created_at < $1 ' +
            'AND id NOT IN (SELECT learner_id FROM lecture_progress) ' +
            'AND id NOT IN (SELECT learner_id FROM scorm_attempts) ' +
            'AND id NOT IN (SELECT learner_id FROM score_outbox) RETURNING id',
          [cutoff],
        );
        return {
          progress: progress.length,
          attempts: attempts.length,
          scores: scores.length,
          learners: learners.length,
        };
      });
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

import type { Learner, LtiStore } from './lti-store.js';
import type { Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlRow } from './duckdb-database.js';
import { readNullableString, readString, readTimestamp, timestampParam } from './duckdb-values.js';

/** The catalog store's launch nonces, learners and server secrets. */
export type LearnerOperations = Pick<
  LtiStore,
  'useLtiNonce' | 'upsertLearner' | 'getLearner' | 'listItemLearners' | 'serverSecret'
>;

const LEARNER_COLUMNS = 'id, issuer, deployment_id, subject, name, email, created_at';

function learnerFromRow(row: SqlRow): Learner {
  return {
    id: readString(row, 'id'),
    issuer: readString(row, 'issuer'),
    deploymentId: readString(row, 'deployment_id'),
    subject: readString(row, 'subject'),
    name: readNullableString(row, 'name'),
    email: readNullableString(row, 'email'),
    createdAt: readTimestamp(row, 'created_at'),
  };
}

/** The learner operations of the embedded catalog store, on its database. */
export function duckDbLearnerOperations(db: DuckDbDatabase, stamp: Stamp): LearnerOperations {
  return {
    async useLtiNonce(issuer, nonce, expiresAt) {
      return db.transaction(async (tx) => {
        await tx.all('DELETE FROM lti_nonces WHERE expires_at < $1', [stamp()]);
        const rows = await tx.all(
          'INSERT INTO lti_nonces (issuer, nonce, expires_at) VALUES ($1, $2, $3) ' +
            'ON CONFLICT DO NOTHING RETURNING nonce',
          [issuer, nonce, timestampParam(expiresAt, 'expiresAt')],
        );
        return rows.length === 1;
      });
    },

    async upsertLearner(l) {
      const rows = await db.all(
        `INSERT INTO learners (${LEARNER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ` +
          'ON CONFLICT (issuer, deployment_id, subject) DO UPDATE SET name = excluded.name, email = excluded.email ' +
          `RETURNING ${LEARNER_COLUMNS}`,
        [l.id, l.issuer, l.deploymentId, l.subject, l.name, l.email, stamp()],
      );
      return learnerFromRow(rows[0]!);
    },

    async getLearner(id) {
      const rows = await db.all(`SELECT ${LEARNER_COLUMNS} FROM learners WHERE id = $1`, [id]);
      return rows[0] ? learnerFromRow(rows[0]) : null;
    },

    async listItemLearners(itemId) {
      const rows = await db.all(
        `SELECT ${LEARNER_COLUMNS} FROM learners WHERE id IN (` +
          'SELECT learner_id FROM lecture_progress WHERE item_id = $1 ' +
          'UNION SELECT learner_id FROM scorm_attempts WHERE item_id = $1) ORDER BY created_at, id',
        [itemId],
      );
      return rows.map(learnerFromRow);
    },

    async serverSecret(name, make) {
      await db.all(
        'INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [name, make(), stamp()],
      );
      const rows = await db.all('SELECT secret FROM server_secrets WHERE name = $1', [name]);
      return readString(rows[0]!, 'secret');
    },
  };
}

import type { CatalogStore, ToolKey } from './catalog-store.js';
import type { Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlRow } from './duckdb-database.js';
import { readNullableTimestamp, readString, readTimestamp } from './duckdb-values.js';

/** The catalog store's LTI operations. */
export type LtiOperations = Pick<CatalogStore, 'listToolKeys' | 'rotateToolKey' | 'dropRetiredToolKeys'>;

const KEY_COLUMNS = 'kid, private_jwk, public_jwk, created_at, retired_at';

function keyFromRow(row: SqlRow): ToolKey {
  return {
    kid: readString(row, 'kid'),
    privateJwk: readString(row, 'private_jwk'),
    publicJwk: readString(row, 'public_jwk'),
    createdAt: readTimestamp(row, 'created_at'),
    retiredAt: readNullableTimestamp(row, 'retired_at'),
  };
}

/** The LTI operations of the embedded catalog store, on its database. */
export function duckDbLtiOperations(db: DuckDbDatabase, stamp: Stamp): LtiOperations {
  return {
    async listToolKeys() {
      const rows = await db.all(`SELECT ${KEY_COLUMNS} FROM lti_tool_keys ORDER BY created_at DESC, kid`);
      return rows.map(keyFromRow);
    },

    async rotateToolKey(key) {
      const at = stamp();
      return db.transaction(async (tx) => {
        await tx.all('UPDATE lti_tool_keys SET retired_at = $1 WHERE retired_at IS NULL', [at]);
        const rows = await tx.all(
          `INSERT INTO lti_tool_keys (kid, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4) ` +
            `RETURNING ${KEY_COLUMNS}`,
          [key.kid, key.privateJwk, key.publicJwk, at],
        );
        return keyFromRow(rows[0]!);
      });
    },

    async dropRetiredToolKeys(before) {
      const rows = await db.all(
        'DELETE FROM lti_tool_keys WHERE retired_at IS NOT NULL AND retired_at < $1::TIMESTAMPTZ RETURNING kid',
        [before],
      );
      return rows.length;
    },
  };
}

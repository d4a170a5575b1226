import type { LtiPlatform, LtiPlatformPatch, LtiStore, ToolKey } from './lti-store.js';
import { setAssignments, type PatchSpec } from './duckdb-patches.js';
import { renamedConflict, type Stamp } from './duckdb-catalog-sql.js';
import type { DuckDbDatabase, SqlParam, SqlRow } from './duckdb-database.js';
import { readNullableString, readNullableTimestamp, readString, readTimestamp } from './duckdb-values.js';

/** The catalog store's LTI keys and platforms. */
export type LtiPlatformOperations = Pick<
  LtiStore,
  | 'listToolKeys'
  | 'rotateToolKey'
  | 'dropRetiredToolKeys'
  | 'createLtiPlatform'
  | 'listLtiPlatforms'
  | 'getLtiPlatform'
  | 'findLtiPlatforms'
  | 'updateLtiPlatform'
  | 'deleteLtiPlatform'
>;

const KEY_COLUMNS = 'kid, private_jwk, public_jwk, created_at, retired_at';
const PLATFORM_COLUMNS =
  'id, issuer, client_id, name, auth_login_url, token_url, jwks_url, token_audience, deployment_ids, created_at';

function keyFromRow(row: SqlRow): ToolKey {
  return {
    kid: readString(row, 'kid'),
    privateJwk: readString(row, 'private_jwk'),
    publicJwk: readString(row, 'public_jwk'),
    createdAt: readTimestamp(row, 'created_at'),
    retiredAt: readNullableTimestamp(row, 'retired_at'),
  };
}

function platformFromRow(row: SqlRow): LtiPlatform {
  const deployments = JSON.parse(readString(row, 'deployment_ids')) as unknown;
  return {
    id: readString(row, 'id'),
    issuer: readString(row, 'issuer'),
    clientId: readString(row, 'client_id'),
    name: readString(row, 'name'),
    authLoginUrl: readString(row, 'auth_login_url'),
    tokenUrl: readString(row, 'token_url'),
    jwksUrl: readString(row, 'jwks_url'),
    tokenAudience: readNullableString(row, 'token_audience'),
    deploymentIds: Array.isArray(deployments) ? deployments.map(String) : [],
    createdAt: readTimestamp(row, 'created_at'),
  };
}

/** The columns behind LtiPlatformPatch. */
const PLATFORM_PATCH: PatchSpec<LtiPlatformPatch> = {
  name: { column: 'name', encode: (v) => v },
  authLoginUrl: { column: 'auth_login_url', encode: (v) => v },
  tokenUrl: { column: 'token_url', encode: (v) => v },
  jwksUrl: { column: 'jwks_url', encode: (v) => v },
  tokenAudience: { column: 'token_audience', encode: (v) => v },
  deploymentIds: { column: 'deployment_ids', encode: (v) => JSON.stringify(v) },
};

/** The LTI key and platform operations of the embedded catalog store, on its database. */
export function duckDbLtiOperations(db: DuckDbDatabase, stamp: Stamp): LtiPlatformOperations {
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

    async createLtiPlatform(p) {
      try {
        const rows = await db.all(
          `INSERT INTO lti_platforms (${PLATFORM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ` +
            `RETURNING ${PLATFORM_COLUMNS}`,
          [
            p.id,
            p.issuer,
            p.clientId,
            p.name,
            p.authLoginUrl,
            p.tokenUrl,
            p.jwksUrl,
            p.tokenAudience,
            JSON.stringify(p.deploymentIds),
            stamp(),
          ],
        );
        return platformFromRow(rows[0]!);
      } catch (err) {
        throw renamedConflict(
          err,
          `the platform ${p.issuer} with client id ${p.clientId} is registered already`,
        );
      }
    },

    async listLtiPlatforms() {
      const rows = await db.all(`SELECT ${PLATFORM_COLUMNS} FROM lti_platforms ORDER BY created_at, id`);
      return rows.map(platformFromRow);
    },

    async getLtiPlatform(id) {
      const rows = await db.all(`SELECT ${PLATFORM_COLUMNS} FROM lti_platforms WHERE id = $1`, [id]);
      return rows[0] ? platformFromRow(rows[0]) : null;
    },

    async findLtiPlatforms(issuer) {
      const rows = await db.all(
        `SELECT ${PLATFORM_COLUMNS} FROM lti_platforms WHERE issuer = $1 ORDER BY created_at, id`,
        [issuer],
      );
      return rows.map(platformFromRow);
    },

    async updateLtiPlatform(id, patch) {
      const params: SqlParam[] = [id];
      const sets = setAssignments(patch, PLATFORM_PATCH, params);
      if (sets.length === 0) return this.getLtiPlatform(id);
      const rows = await db.all(
        `UPDATE lti_platforms SET ${sets.join(', ')} WHERE id = $1 RETURNING ${PLATFORM_COLUMNS}`,
        params,
      );
      return rows[0] ? platformFromRow(rows[0]) : null;
    },

    async deleteLtiPlatform(id) {
      const rows = await db.all('DELETE FROM lti_platforms WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },
  };
}

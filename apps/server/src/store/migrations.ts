import { StoreError } from './catalog-store.js';
import type { DuckDbDatabase } from './duckdb-database.js';
import { timestampParam } from './duckdb-values.js';
import { migration0001Catalog } from './migrations/0001-catalog.js';
import { migration0002MediaVersion } from './migrations/0002-media-version.js';
import { migration0003JobInterruptions } from './migrations/0003-job-interruptions.js';
import { migration0004CourseListing } from './migrations/0004-course-listing.js';
import { migration0005LtiToolKeys } from './migrations/0005-lti-tool-keys.js';
import { migration0006LtiPlatforms } from './migrations/0006-lti-platforms.js';
import { migration0007LearnerProgress } from './migrations/0007-learner-progress.js';
import { migration0008ScormAttempts } from './migrations/0008-scorm-attempts.js';
import { migration0009CaptionTracks } from './migrations/0009-caption-tracks.js';
import { migration0010LiveLectures } from './migrations/0010-live-lectures.js';

/** One schema change. SQL lives in TypeScript constants so the build has nothing to copy. */
export interface Migration {
  /** Positive, unique, applied in increasing order. */
  readonly version: number;
  /** Kebab-case, e.g. 'catalog'; `0001-catalog` is how errors and logs name it. */
  readonly name: string;
  /** One or more statements, no parameters. */
  readonly sql: string;
}

/** The catalog's migrations, in order. Append only. */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  migration0001Catalog,
  migration0002MediaVersion,
  migration0003JobInterruptions,
  migration0004CourseListing,
  migration0005LtiToolKeys,
  migration0006LtiPlatforms,
  migration0007LearnerProgress,
  migration0008ScormAttempts,
  migration0009CaptionTracks,
  migration0010LiveLectures,
];

/** `0001-catalog`: how a migration is named in errors, logs and file names. */
export function migrationLabel(m: Pick<Migration, 'version' | 'name'>): string {
  return `${String(m.version).padStart(4, '0')}-${m.name}`;
}

const CREATE_LEDGER = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL
)`;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, and returns
 * the labels it applied. A failing migration is rolled back and rejects with StoreError 'migration_failed'
 * naming it; a database migrated by a newer build rejects with 'invalid' rather than be misread.
 */
export async function applyMigrations(
  db: DuckDbDatabase,
  migrations: readonly Migration[] = CATALOG_MIGRATIONS,
  now: () => Date = () => new Date(),
): Promise<string[]> {
  assertWellFormed(migrations);
  await db.exec(CREATE_LEDGER);
  const rows = await db.all('SELECT version FROM schema_migrations ORDER BY version');
  const applied = new Set(rows.map((r) => Number(r['version'])));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new StoreError(
      'invalid',
      `${db.path} has schema version(s) ${unknown.join(', ')} that this build does not know; ` +
        'it was written by a newer coursecast',
    );
  }
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const label = migrationLabel(migration);
    try {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.all('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          timestampParam(now()),
        ]);
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreError('migration_failed', `migration ${label} failed and was rolled back: ${reason}`, {
        cause: err,
      });
    }
    done.push(label);
  }
  // Schema changes go straight into the database file: DuckDB 1.5 cannot replay an ALTER TABLE from its
  // WAL after a crash ("GetDefaultDatabase with no default database set"), which would brick the store.
  if (done.length > 0) await db.exec('CHECKPOINT');
  return done;
}

function assertWellFormed(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isSafeInteger(m.version) || m.version <= previous) {
      throw new StoreError(
        'invalid',
        `migration ${migrationLabel(m)} is out of order or not a positive integer`,
      );
    }
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.name)) {
      throw new StoreError('invalid', `migration ${migrationLabel(m)} needs a kebab-case name`);
    }
    previous = m.version;
  }
}

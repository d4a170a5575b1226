import type { CatalogStore } from './catalog-store.js';
import { duckDbCaptionOperations } from './duckdb-catalog-captions.js';
import { duckDbCourseOperations } from './duckdb-catalog-courses.js';
import { duckDbLearnerOperations } from './duckdb-catalog-learners.js';
import { duckDbProgressOperations } from './duckdb-catalog-progress.js';
import { duckDbLtiOperations } from './duckdb-catalog-lti.js';
import { duckDbItemOperations } from './duckdb-catalog-items.js';
import { duckDbJobOperations } from './duckdb-catalog-jobs.js';
import { duckDbLiveOperations } from './duckdb-catalog-live.js';
import { openDuckDbDatabase, type ReopenPolicy } from './duckdb-database.js';
import { timestampParam } from './duckdb-values.js';
import { applyMigrations, CATALOG_MIGRATIONS, type Migration } from './migrations.js';

/** Options for openDuckDbCatalogStore. */
export interface DuckDbCatalogStoreOptions {
  /** The database file (its directory is created), or ':memory:' for a throw-away store. */
  path: string;
  /** The clock for createdAt/updatedAt/runAfter stamps; tests pin it. */
  now?: () => Date;
  /** Replaces the catalog's migrations; for tests of the migration runner. */
  migrations?: readonly Migration[];
  /** How reopen attempts after a fatal database error are spaced (tests shorten it). */
  reopen?: Partial<ReopenPolicy>;
}

/**
 * Opens the embedded catalog store, applying pending migrations. Rejects with StoreError 'corrupt' for a
 * file that isn't a DuckDB database, 'locked' when it is in use, 'migration_failed' if the schema can't
 * be brought up to date. After a fatal database error (a full disk) it reopens by itself; its calls reject
 * with StoreError 'unavailable' meanwhile.
 */
export async function openDuckDbCatalogStore(options: DuckDbCatalogStoreOptions): Promise<CatalogStore> {
  const now = options.now ?? (() => new Date());
  const db = await openDuckDbDatabase(options.path, options.reopen ? { reopen: options.reopen } : {});
  try {
    await applyMigrations(db, options.migrations ?? CATALOG_MIGRATIONS, now);
  } catch (err) {
    await db.close();
    throw err;
  }
  const stamp = () => timestampParam(now());
  return {
    ...duckDbCourseOperations(db, stamp),
    ...duckDbItemOperations(db, stamp),
    ...duckDbJobOperations(db, stamp, now),
    ...duckDbLtiOperations(db, stamp),
    ...duckDbLearnerOperations(db, stamp),
    ...duckDbProgressOperations(db, stamp),
    ...duckDbCaptionOperations(db, stamp),
    ...duckDbLiveOperations(db, stamp),
    health: () => db.health(),
    onHealthChange: (listener) => db.onHealthChange(listener),
    async close() {
      await db.close();
    },
  };
}

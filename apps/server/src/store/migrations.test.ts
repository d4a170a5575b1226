import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDbCatalogStore } from './duckdb-catalog-store.js';
import { openDuckDbDatabase, type DuckDbDatabase } from './duckdb-database.js';
import { applyMigrations, CATALOG_MIGRATIONS, migrationLabel, type Migration } from './migrations.js';

// Past every real migration, so the list can grow without touching these tests.
const broken: Migration = {
  version: 90,
  name: 'broken',
  sql: 'CREATE TABLE half_done (a INTEGER); INSERT INTO half_done VALUES (1); SELECT * FROM no_such_table;',
};

const APPLIED = [
  [1, 'catalog'],
  [2, 'media-version'],
  [3, 'job-interruptions'],
  [4, 'course-listing'],
  [5, 'lti-tool-keys'],
  [6, 'lti-platforms'],
  [7, 'learner-progress'],
  [8, 'scorm-attempts'],
  [9, 'caption-tracks'],
  [10, 'live-lectures'],
];

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coursecast-migrations-'));
  file = path.join(dir, 'catalog.duckdb');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withDb<T>(work: (db: DuckDbDatabase) => Promise<T>): Promise<T> {
  const db = await openDuckDbDatabase(file);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function ledger(db: DuckDbDatabase): Promise<Array<[number, string]>> {
  const rows = await db.all('SELECT version, name FROM schema_migrations ORDER BY version');
  return rows.map((r) => [Number(r['version']), String(r['name'])]);
}

async function tableExists(db: DuckDbDatabase, name: string): Promise<boolean> {
  const rows = await db.all('SELECT 1 FROM duckdb_tables() WHERE table_name = $1', [name]);
  return rows.length > 0;
}

describe('applyMigrations', () => {
  it('applies each migration once, across re-opens', async () => {
    expect(await withDb((db) => applyMigrations(db))).toEqual([
      '0001-catalog',
      '0002-media-version',
      '0003-job-interruptions',
      '0004-course-listing',
      '0005-lti-tool-keys',
      '0006-lti-platforms',
      '0007-learner-progress',
      '0008-scorm-attempts',
      '0009-caption-tracks',
      '0010-live-lectures',
    ]);
    const firstAppliedAt = await withDb(async (db) => {
      expect(await ledger(db)).toEqual(APPLIED);
      return (await db.all('SELECT applied_at FROM schema_migrations'))[0]?.['applied_at']?.toString();
    });
    expect(await withDb((db) => applyMigrations(db))).toEqual([]);
    await withDb(async (db) => {
      expect(await ledger(db)).toEqual(APPLIED);
      const again = (await db.all('SELECT applied_at FROM schema_migrations'))[0]?.['applied_at']?.toString();
      expect(again).toBe(firstAppliedAt);
      for (const table of ['courses', 'items', 'renditions', 'jobs'])
        expect(await tableExists(db, table)).toBe(true);
      const indexes = await db.all('SELECT index_name FROM duckdb_indexes() ORDER BY index_name');
      expect(indexes.map((r) => r['index_name'])).toEqual([
        'items_course_id_idx',
        'jobs_item_id_idx',
        'jobs_state_run_after_idx',
        'renditions_item_id_idx',
      ]);
    });
  });

  it('rolls back a failing migration and names it, keeping the ones before', async () => {
    await withDb(async (db) => {
      const failure = applyMigrations(db, [...CATALOG_MIGRATIONS, broken]);
      await expect(failure).rejects.toMatchObject({
        name: 'StoreError',
        code: 'migration_failed',
        message: expect.stringMatching(
          /migration 0090-broken failed and was rolled back: .*no_such_table/s,
        ) as unknown,
      });
      expect(await ledger(db)).toEqual(APPLIED);
      expect(await tableExists(db, 'half_done')).toBe(false);
      expect(await tableExists(db, 'courses')).toBe(true);
    });
    // Fixed in a later build: the same version now applies.
    const fixed: Migration = { ...broken, sql: 'CREATE TABLE half_done (a INTEGER);' };
    expect(await withDb((db) => applyMigrations(db, [...CATALOG_MIGRATIONS, fixed]))).toEqual([
      '0090-broken',
    ]);
  });

  it('refuses a database migrated by a newer build', async () => {
    const next: Migration = { version: 91, name: 'next', sql: 'CREATE TABLE later (a INTEGER);' };
    await withDb((db) => applyMigrations(db, [...CATALOG_MIGRATIONS, next]));
    await expect(withDb((db) => applyMigrations(db))).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('schema version(s) 91') as unknown,
    });
  });

  it('rejects a malformed migration list before touching the database', async () => {
    const db = await openDuckDbDatabase(':memory:');
    try {
      const dup = [...CATALOG_MIGRATIONS, { ...broken, version: 1 }];
      await expect(applyMigrations(db, dup)).rejects.toMatchObject({ code: 'invalid' });
      await expect(applyMigrations(db, [{ version: 1, name: 'Bad Name', sql: '' }])).rejects.toMatchObject({
        code: 'invalid',
      });
      expect(await tableExists(db, 'schema_migrations')).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('labels migrations like their files', () => {
    expect(migrationLabel({ version: 1, name: 'catalog' })).toBe('0001-catalog');
    expect(migrationLabel({ version: 12, name: 'job-priority' })).toBe('0012-job-priority');
  });

  it('makes a store that fails to migrate release its file', async () => {
    await expect(
      openDuckDbCatalogStore({ path: file, migrations: [...CATALOG_MIGRATIONS, broken] }),
    ).rejects.toMatchObject({ code: 'migration_failed' });
    const store = await openDuckDbCatalogStore({ path: file });
    await store.close();
  });
});

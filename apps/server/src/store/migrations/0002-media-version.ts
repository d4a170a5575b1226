import type { Migration } from '../migrations.js';

// Published renditions live in a directory per version (the job that produced them), so their URLs
// change when an item is re-transcoded and segments can be cached as immutable. NULL: nothing published.
// DuckDB 1.5 cannot replay an ALTER TABLE from its WAL, so applyMigrations checkpoints right after applying.
export const migration0002MediaVersion: Migration = {
  version: 2,
  name: 'media-version',
  sql: `ALTER TABLE items ADD COLUMN media_version VARCHAR`,
};

import type { Migration } from '../migrations.js';

// Each view's caption use (issue 20), from the SDK's track-usage events: the time played with captions showing and
// the language last shown (`off`). NULL where the page reported none (an older page, or no tracks entry), so a
// share of watch time with captions counts only the views that could tell.
export const telemetryMigration0003: Migration = {
  version: 3,
  name: 'view-captions',
  sql: `
ALTER TABLE views ADD COLUMN captions_ms DOUBLE;
ALTER TABLE views ADD COLUMN captions_language VARCHAR;
`,
};

import type { Migration } from '../migrations.js';

// How many of a job's attempts a crash of the server cut short: start-up counts them, and a job whose every
// attempt is spent fails with the count instead of running again (a job that crashes the server each time
// would otherwise loop forever). DEFAULT fills the rows that exist.
export const migration0003JobInterruptions: Migration = {
  version: 3,
  name: 'job-interruptions',
  sql: `ALTER TABLE jobs ADD COLUMN interruptions INTEGER DEFAULT 0`,
};

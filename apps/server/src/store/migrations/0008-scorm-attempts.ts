import type { Migration } from '../migrations.js';

// What a learner's SCORM attempts leave behind, so a module resumes where the learner suspended it: every CMI
// value the package set (JSON, bounded by the runtime's limits), how the last session ended (`exit`), the time
// summed over the sessions, and the status and score the LMS gradebook gets.
export const migration0008ScormAttempts: Migration = {
  version: 8,
  name: 'scorm-attempts',
  sql: `
CREATE TABLE scorm_attempts (
  learner_id VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  attempt INTEGER NOT NULL,
  cmi VARCHAR NOT NULL,
  exit_mode VARCHAR NOT NULL,
  total_time_seconds DOUBLE NOT NULL,
  completion_status VARCHAR NOT NULL,
  success_status VARCHAR NOT NULL,
  score_scaled DOUBLE,
  finished BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (learner_id, item_id, attempt)
);`,
};

import type { Migration } from '../migrations.js';

// What learners did, kept for them and for their instructors: per learner and lecture the resume position and
// the seconds actually watched (merged ranges, JSON), and when the lecture was completed; and the outbox of
// scores for the LMS gradebooks (Assignment and Grade Services): a score is written here in the same transaction
// as the progress that earned it, and delivered (and retried) from here, so an LMS that is down gets it later.
export const migration0007LearnerProgress: Migration = {
  version: 7,
  name: 'learner-progress',
  sql: `
CREATE TABLE lecture_progress (
  learner_id VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  position_seconds DOUBLE NOT NULL,
  watched VARCHAR NOT NULL,
  watched_seconds INTEGER NOT NULL,
  duration_seconds DOUBLE NOT NULL,
  completed_at TIMESTAMPTZ,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (learner_id, item_id)
);
CREATE TABLE score_outbox (
  id VARCHAR PRIMARY KEY,
  platform_id VARCHAR NOT NULL,
  learner_id VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  lineitem_url VARCHAR,
  lineitems_url VARCHAR,
  resource_link_id VARCHAR,
  label VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  score VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL,
  last_error VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  sent_at TIMESTAMPTZ
);`,
};

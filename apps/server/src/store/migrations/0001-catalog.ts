import type { Migration } from '../migrations.js';

// A released migration is frozen: change the schema with a new numbered file, never by editing this one.
// That is also why the CHECK lists spell the values out instead of reading them from @coursecast/semconv:
// adding a job state there must come with a migration here.
//
// No FOREIGN KEYs: DuckDB can't cascade deletes, and it rejects an UPDATE of a referenced row in some
// cases even when the key is untouched. The store's transactions keep the relations instead:
// createItemWithJob checks the course, deleteItem removes the item's renditions and jobs with it,
// completeTranscode checks the job and its item.
//
// `seq` columns give a stable insertion order for rows created within the same millisecond.

const SQL = `
CREATE SEQUENCE courses_seq;
CREATE TABLE courses (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('courses_seq'),
  title VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE items_seq;
CREATE TABLE items (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('items_seq'),
  course_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('video', 'document', 'interactive')),
  title VARCHAR NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  source_file VARCHAR,
  source_bytes BIGINT CHECK (source_bytes >= 0),
  source_info JSON,
  duration_seconds DOUBLE CHECK (duration_seconds >= 0),
  poster_file VARCHAR,
  error VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX items_course_id_idx ON items (course_id);

CREATE TABLE renditions (
  item_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  average_bitrate DOUBLE NOT NULL,
  peak_bitrate DOUBLE NOT NULL,
  codecs VARCHAR NOT NULL,
  mode VARCHAR NOT NULL CHECK (mode IN ('copy', 'encode')),
  playlist VARCHAR NOT NULL,
  segment_count INTEGER NOT NULL,
  bytes BIGINT NOT NULL,
  PRIMARY KEY (item_id, name)
);
CREATE INDEX renditions_item_id_idx ON renditions (item_id);

CREATE SEQUENCE jobs_seq;
CREATE TABLE jobs (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('jobs_seq'),
  item_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('transcode')),
  state VARCHAR NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress DOUBLE NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  speed DOUBLE,
  eta_seconds DOUBLE,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  error VARCHAR,
  error_type VARCHAR,
  run_after TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ,
  finished_at TIMESTAMPTZ,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_state_run_after_idx ON jobs (state, run_after);
CREATE INDEX jobs_item_id_idx ON jobs (item_id);
`;

/** Courses, items, renditions and jobs. */
export const migration0001Catalog: Migration = { version: 1, name: 'catalog', sql: SQL };

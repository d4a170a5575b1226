import type { Migration } from '../migrations.js';

// The telemetry store: raw browser events, the server's (and players') spans and metric points, and views
// derived from the events. Its own DuckDB file, apart from the catalog: its checkpoints and retention
// deletes never stall a catalog write, and it can be dropped without touching courses.
// No constraints on the raw tables: the appender must never fail a batch (acks would be lost) because of
// one row; duplicates are dropped before the append, and again when views are derived.
export const telemetryMigration0001: Migration = {
  version: 1,
  name: 'telemetry',
  sql: `
CREATE TABLE events (
  time TIMESTAMP NOT NULL,
  received_at TIMESTAMP NOT NULL,
  name VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  view_id VARCHAR,
  seq INTEGER,
  viewer_id VARCHAR,
  session_id VARCHAR,
  course_id VARCHAR,
  item_id VARCHAR,
  trace_id VARCHAR,
  span_id VARCHAR,
  browser VARCHAR,
  browser_major VARCHAR,
  os VARCHAR,
  device VARCHAR,
  codec VARCHAR,
  container VARCHAR,
  plan VARCHAR,
  service VARCHAR,
  duration_ms DOUBLE,
  watch_ms DOUBLE,
  playing_ms DOUBLE,
  label VARCHAR,
  fatal BOOLEAN,
  attrs VARCHAR
);
CREATE TABLE spans (
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  parent_span_id VARCHAR,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  service VARCHAR NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  duration_ms DOUBLE NOT NULL,
  status VARCHAR NOT NULL,
  status_message VARCHAR,
  attrs VARCHAR,
  events VARCHAR
);
CREATE TABLE metric_points (
  time TIMESTAMP NOT NULL,
  start_time TIMESTAMP,
  service VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  unit VARCHAR,
  attrs VARCHAR,
  value DOUBLE,
  count BIGINT,
  sum DOUBLE,
  min DOUBLE,
  max DOUBLE,
  bounds DOUBLE[],
  buckets BIGINT[]
);
CREATE TABLE views (
  view_id VARCHAR PRIMARY KEY,
  viewer_id VARCHAR,
  session_id VARCHAR,
  course_id VARCHAR,
  item_id VARCHAR,
  browser VARCHAR,
  os VARCHAR,
  device VARCHAR,
  codec VARCHAR,
  container VARCHAR,
  plan VARCHAR,
  started_at TIMESTAMP NOT NULL,
  last_event_at TIMESTAMP NOT NULL,
  startup_ms DOUBLE,
  rebuffer_count INTEGER NOT NULL,
  rebuffer_ms DOUBLE NOT NULL,
  watch_ms DOUBLE NOT NULL,
  playing_ms DOUBLE NOT NULL,
  seek_count INTEGER NOT NULL,
  seek_ms DOUBLE NOT NULL,
  quality_switches INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  fatal_error VARCHAR,
  ended BOOLEAN NOT NULL,
  end_reason VARCHAR,
  outcome VARCHAR NOT NULL,
  event_count INTEGER NOT NULL,
  -- When the server first received an event of this view: a refresh reads events from here on only, so the
  -- scan skips (by zone maps, as events are appended in receive order) everything older.
  first_received_at TIMESTAMP NOT NULL
);
`,
};

import type { Migration } from '../migrations.js';

// Spans and metric points carry who produced them: the server itself (`server`) or a sender outside it
// (`received`), set by the server when it stores them, never by the sender. Server panels read only the
// former. Rows stored before this migration cannot be told apart (a forged row looked like the server's), so
// they are all `received`: the server panels start clean rather than keep what may have been forged.
// `received_at` is the server's clock when the row arrived: retention runs on it, so a row stamped in the
// future by its sender cannot outlive it. Old rows take their own time, capped at the migration's clock.
// `metric_instruments` fixes each received instrument's kind, unit and histogram layout at first sight, so a
// later point with other bounds is refused instead of replacing the layout.
export const telemetryMigration0002: Migration = {
  version: 2,
  name: 'received-telemetry',
  sql: `
ALTER TABLE spans ADD COLUMN origin VARCHAR DEFAULT 'received';
ALTER TABLE spans ADD COLUMN received_at TIMESTAMP;
UPDATE spans SET received_at = least(end_time, make_timestamp(epoch_us(get_current_timestamp())));
ALTER TABLE metric_points ADD COLUMN origin VARCHAR DEFAULT 'received';
ALTER TABLE metric_points ADD COLUMN received_at TIMESTAMP;
UPDATE metric_points SET received_at = least(time, make_timestamp(epoch_us(get_current_timestamp())));
CREATE TABLE metric_instruments (
  service VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  unit VARCHAR,
  bounds DOUBLE[],
  first_received_at TIMESTAMP NOT NULL,
  PRIMARY KEY (service, name)
);
`,
};

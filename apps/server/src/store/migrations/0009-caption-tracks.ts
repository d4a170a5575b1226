import type { Migration } from '../migrations.js';

// A lecture's caption and subtitle tracks: their language (BCP 47), kind and label, where they came from (an upload
// or a stream of the source) and the normalized WebVTT file they are kept in. A label names one track of an item: the store checks it in
// the writing transaction (no UNIQUE index, which DuckDB would check against the row being replaced).
export const migration0009CaptionTracks: Migration = {
  version: 9,
  name: 'caption-tracks',
  sql: `
CREATE TABLE caption_tracks (
  id VARCHAR PRIMARY KEY,
  item_id VARCHAR NOT NULL,
  language VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  forced BOOLEAN NOT NULL,
  origin VARCHAR NOT NULL,
  stream_index INTEGER,
  file VARCHAR NOT NULL,
  cue_count INTEGER NOT NULL,
  bytes BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);`,
};

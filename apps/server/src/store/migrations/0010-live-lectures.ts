import type { Migration } from '../migrations.js';

// A live lecture (issue 21): a video item whose ladder is filled by a publisher instead of a transcode. Its secrets
// (the RTMP stream key, the SRT passphrase) are the instructor's to see (admin only). The ladder is fixed at its
// first publish (`plan`); each publisher connection is a run (`runs`, in order), and the recording is the item's
// version (`items.media_version`) from the start, so its URLs never change when the lecture ends.
export const migration0010LiveLectures: Migration = {
  version: 10,
  name: 'live-lectures',
  sql: `
CREATE TABLE live_lectures (
  item_id VARCHAR PRIMARY KEY,
  stream_key VARCHAR NOT NULL,
  srt_passphrase VARCHAR NOT NULL,
  state VARCHAR NOT NULL CHECK (state IN ('scheduled', 'live', 'reconnecting', 'ended', 'failed')),
  scheduled_at TIMESTAMPTZ,
  started_at TIMESTAMPTZ,
  ended_at TIMESTAMPTZ,
  end_reason VARCHAR,
  error VARCHAR,
  plan JSON,
  runs JSON NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);`,
};

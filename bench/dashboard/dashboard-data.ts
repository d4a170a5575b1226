// Synthetic telemetry for bench/dashboard, generated inside DuckDB (seconds, not minutes, for 10M rows):
// views of 100 events each over `days` days, and the server's metric points and session spans over the same
// range at the real export interval. Distributions are plausible, not real: the bench measures query time.
import type { DuckDbDatabase } from '@coursecast/server/parts';

export interface SyntheticSize {
  views: number;
  eventsPerView: number;
  days: number;
  /** Seconds between metric points (the server's export interval). */
  pointIntervalS: number;
  sessions: number;
}

const pick = (list: readonly string[], expr: string): string =>
  `[${list.map((s) => `'${s}'`).join(', ')}][1 + ((${expr}) % ${list.length})::INTEGER]`;

/** Fills `events` (and nothing else) with `views × eventsPerView` rows. */
export async function generateEvents(db: DuckDbDatabase, s: SyntheticSize, endMs: number): Promise<void> {
  const startMs = endMs - s.days * 86_400_000;
  const spanMs = s.days * 86_400_000;
  // Per view v and event i: view_start at 0, startup at 1, a fatal error early for 2% of views, rebuffers
  // (start/end pairs) for some, quality switches, heartbeats every 10th event, view_end last.
  await db.exec(`
INSERT INTO events
WITH v AS (
  SELECT range AS v, hash(range) AS h,
         ${startMs}::BIGINT + (hash(range * 7) % ${spanMs})::BIGINT AS t0
  FROM range(${s.views})
),
e AS (
  SELECT v, h, t0, i.range AS i,
    CASE
      WHEN i.range = 0 THEN 'content.view_start'
      WHEN i.range = 1 AND h % 50 = 0 THEN 'content.playback_error'
      WHEN i.range = 1 AND h % 50 = 1 THEN 'content.view_end'
      WHEN i.range = 1 THEN 'content.video_startup'
      WHEN i.range = ${s.eventsPerView - 1} THEN 'content.view_end'
      WHEN i.range % 10 = 0 THEN 'content.heartbeat'
      WHEN i.range % 17 = 3 AND h % 3 = 0 THEN 'content.buffering'
      WHEN i.range % 23 = 5 THEN 'content.quality_switch'
      ELSE 'content.request'
    END AS name
  FROM v CROSS JOIN range(${s.eventsPerView}) i
)
SELECT
  make_timestamp((t0 + i * 1000) * 1000) AS time,
  make_timestamp((t0 + i * 1000 + 40) * 1000) AS received_at,
  name, 'otlp', 'view-' || v::VARCHAR, i::INTEGER, 'viewer-' || (v % 20000)::VARCHAR, NULL,
  'crs_' || (h % 20)::VARCHAR, 'itm_' || (h % 400)::VARCHAR, NULL, NULL,
  ${pick(['chrome', 'chrome', 'chrome', 'safari', 'firefox', 'edge', 'mobile_safari', 'samsung_internet'], 'h // 7')},
  '156',
  ${pick(['windows', 'macos', 'linux', 'ios', 'android'], 'h // 11')},
  ${pick(['desktop', 'desktop', 'mobile', 'tablet'], 'h // 13')},
  ${pick(['h264', 'h264', 'h264', 'hevc', 'vp9', 'av1'], 'h // 17')},
  ${pick(['mp4', 'mp4', 'mkv', 'webm', 'mov'], 'h // 19')},
  ${pick(['vod', 'vod', 'vod', 'transcode', 'remux', 'direct'], 'h // 23')},
  'coursecast-player',
  CASE name
    WHEN 'content.video_startup' THEN 150 + (h % 1000) * (h % 1000) / 200.0
    WHEN 'content.buffering' THEN CASE WHEN i % 2 = 1 THEN 200 + (hash(v * i) % 3000) END
    WHEN 'content.request' THEN h % 300
  END,
  CASE WHEN name IN ('content.heartbeat', 'content.view_end') THEN i * 1000 END,
  CASE WHEN name IN ('content.heartbeat', 'content.view_end') THEN i * 950 END,
  CASE name
    WHEN 'content.buffering' THEN CASE WHEN i % 2 = 0 THEN 'start' ELSE 'end' END
    WHEN 'content.playback_error' THEN 'networkError'
    WHEN 'content.view_end' THEN 'pagehide'
    WHEN 'content.quality_switch' THEN '720p'
    WHEN 'content.request' THEN 'segment'
  END,
  CASE WHEN name = 'content.playback_error' THEN true END,
  CASE name
    WHEN 'content.video_startup' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.startup.duration_ms', 150 + (h % 1000) * (h % 1000) / 200.0)
    WHEN 'content.buffering' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.buffering.phase', CASE WHEN i % 2 = 0 THEN 'start' ELSE 'end' END,
      'content.buffering.duration_ms', 200 + (hash(v * i) % 3000))
    WHEN 'content.heartbeat' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.view.watch_ms', i * 1000, 'content.view.playing_ms', i * 950, 'content.view.stall_ms', i * 20)
    WHEN 'content.playback_error' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'error.type', 'networkError', 'content.error.fatal', true)
    WHEN 'content.view_end' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.view.end_reason', 'pagehide', 'content.view.watch_ms', i * 1000)
    WHEN 'content.quality_switch' THEN json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.quality_to', '720p')
    ELSE json_object('content.view.id', 'view-' || v::VARCHAR, 'content.view.seq', i,
      'content.request.type', 'segment', 'content.request.outcome', 'completed', 'content.request.ttfb_ms', h % 300)
  END::VARCHAR
FROM e
-- In receive order, as the ingest appends them (what zone maps on received_at rely on).
ORDER BY received_at`);
}

/** Fills `metric_points` and `spans` with the server's series over the range. */
export async function generateServerTelemetry(
  db: DuckDbDatabase,
  s: SyntheticSize,
  endMs: number,
): Promise<void> {
  const intervals = Math.floor((s.days * 86_400) / s.pointIntervalS);
  const startMs = endMs - s.days * 86_400_000;
  const at = `make_timestamp((${startMs}::BIGINT + k.range * ${s.pointIntervalS * 1000}) * 1000)`;
  const bounds = '[0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30]';
  const hist = (name: string, attrs: string) => `
SELECT ${at}, NULL, 'coursecast', '${name}', 'histogram', 's', '${attrs}', NULL,
  20, 20 * 0.8, 0.1, 3.0, ${bounds}::DOUBLE[],
  [0, 1, 3, 5, 4, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0]::BIGINT[]
FROM range(${intervals}) k`;
  const sum = (name: string, attrs: string, value: string) => `
SELECT ${at}, NULL, 'coursecast', '${name}', 'sum', '1', '${attrs}', ${value}, NULL, NULL, NULL, NULL, NULL, NULL
FROM range(${intervals}) k`;
  const gauge = (name: string, attrs: string) => `
SELECT ${at}, NULL, 'coursecast', '${name}', 'gauge', '1', '${attrs}', (k.range % 5)::DOUBLE, NULL, NULL, NULL, NULL, NULL, NULL
FROM range(${intervals}) k`;
  const parts = [
    ...['HIT', 'MISS', 'EXPIRED', 'STALE'].map((c, i) =>
      sum(
        'cdn.requests',
        `{"cdn.cache_status":"${c}","content.type":"segment"}`,
        `(${[900, 60, 20, 5][i]} + k.range % 7)::DOUBLE`,
      ),
    ),
    hist('cdn.origin_fetch.duration', '{"content.type":"segment","http.response.status_code":200}'),
    hist('hls.segment.generation.duration', '{"hls.plan.mode":"transcode"}'),
    hist('hls.segment.generation.duration', '{"hls.plan.mode":"remux"}'),
    hist('hls.session.first_segment.duration', '{"hls.plan.mode":"transcode"}'),
    hist('content.transcode.speed', '{"content.transcode_mode":"encode"}'),
    gauge('hls.sessions.active', '{"hls.plan.mode":"transcode"}'),
    gauge('hls.sessions.active', '{"hls.plan.mode":"remux"}'),
    sum(
      'content.transcode.errors',
      '{"content.quality":"720p","error.type":"ffmpeg_exit"}',
      '(k.range % 2)::DOUBLE',
    ),
  ];
  await db.exec(`INSERT INTO metric_points ${parts.join('\nUNION ALL\n')}`);
  await db.exec(`
INSERT INTO spans
SELECT lpad(to_hex(range), 32, '0'), lpad(to_hex(range), 16, '0'), NULL, 'hls.session', 'internal', 'coursecast',
  make_timestamp((${startMs}::BIGINT + (hash(range) % ${s.days * 86_400_000})::BIGINT) * 1000),
  make_timestamp((${startMs}::BIGINT + (hash(range) % ${s.days * 86_400_000})::BIGINT + 120000) * 1000),
  120000, 'unset', NULL,
  json_object('hls.plan.mode', ['transcode', 'remux'][1 + range % 2],
    'hls.session.end_reason', ['completed', 'timeout', 'client_closed', 'replaced'][1 + (hash(range) % 4)::INTEGER])::VARCHAR,
  '[]'
FROM range(${s.sessions})`);
}

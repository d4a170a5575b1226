import {
  BUFFERING_PHASES,
  CMCD_EVENT_PREFIX,
  PLAYBACK_EVENTS,
  TRACK_USAGE_EVENT,
  VIEW_OUTCOMES,
} from '@coursecast/semconv';

// The one definition of a view (docs/metrics.md, "Views", states the same rules in words). Views are derived
// from raw events only, so dropping the `views` table and deriving again gives the same figures. It reads the
// events' typed columns (duration_ms, watch_ms, playing_ms, label, fatal; see ingest/event-columns.ts), never
// their JSON, so deriving scales with the column store.

const is = (name: string): string => `name = '${name}'`;
const E = PLAYBACK_EVENTS;
const fatal = `(${is(E.playbackError)} AND fatal)`;
const rebufferEnd = `(${is(E.buffering)} AND label = '${BUFFERING_PHASES.end}')`;
/** CMCD v2 `sta` values (CTA-5004-B), and the event name CMCD play-state reports are stored under. */
const CMCD = {
  starting: 's',
  playing: 'p',
  seeking: 'k',
  rebuffering: 'r',
  ended: 'e',
  fatal: 'f',
  quit: 'q',
} as const;
const CMCD_PLAY_STATE = `${CMCD_EVENT_PREFIX}play_state`;

/** The SDK's events, a re-sent beacon's copies once. */
const SDK_EVENTS = `sdk AS (
  -- A re-sent beacon's copies count once (the ingest drops them too, but only within its memory).
  SELECT DISTINCT ON (view_id, seq)
    view_id, seq, time, received_at, name, viewer_id, session_id, course_id, item_id, browser, os, device, codec, container,
    plan, duration_ms, watch_ms, playing_ms, label, fatal
  FROM scoped
  WHERE source <> 'cmcd'
  ORDER BY view_id, seq, received_at
)`;

/** CMCD play-state reports turned into the SDK's events (startup, rebuffer, seek, fatal error, end). */
const CMCD_EVENTS = `-- CMCD v2 event mode (no SDK of ours): the view is the CMCD session, and its play states (sta) stand for the
-- SDK's events: the first 'p' is the first frame (startup from the first 's', or the first report), an 'r'
-- after it a rebuffer lasting until the next state, a 'k' a seek, an 'f' a fatal error, 'e'/'q' the end.
cmcd_raw AS (
  SELECT DISTINCT ON (view_id, coalesce(seq, -1), time, name, coalesce(label, ''))
    view_id, coalesce(seq, 0) AS seq, time, received_at, name, viewer_id, session_id, course_id, item_id, browser,
    os, device, codec, container, plan, duration_ms, watch_ms, playing_ms, label, fatal
  FROM scoped
  WHERE source = 'cmcd'
  ORDER BY view_id, coalesce(seq, -1), time, name, coalesce(label, ''), received_at
),
cmcd_states AS (
  SELECT *,
    lead(time) OVER (PARTITION BY view_id ORDER BY time, seq) AS next_at,
    min(time) FILTER (WHERE label = '${CMCD.playing}') OVER (PARTITION BY view_id) AS first_play_at,
    min(time) FILTER (WHERE label = '${CMCD.starting}') OVER (PARTITION BY view_id) AS first_start_at,
    min(time) OVER (PARTITION BY view_id) AS first_at
  FROM cmcd_raw WHERE name = '${CMCD_PLAY_STATE}'
),
cmcd AS (
  SELECT view_id, seq, time, received_at,
    CASE
      WHEN label = '${CMCD.playing}' AND time = first_play_at THEN '${E.videoStartup}'
      WHEN label = '${CMCD.rebuffering}' AND time > first_play_at AND next_at IS NOT NULL THEN '${E.buffering}'
      WHEN label = '${CMCD.seeking}' AND next_at IS NOT NULL THEN '${E.seek}'
      WHEN label = '${CMCD.fatal}' THEN '${E.playbackError}'
      WHEN label IN ('${CMCD.ended}', '${CMCD.quit}') THEN '${E.viewEnd}'
      ELSE name
    END AS name,
    viewer_id, session_id, course_id, item_id, browser, os, device, codec, container, plan,
    CASE
      WHEN label = '${CMCD.playing}' AND time = first_play_at
        THEN (epoch_ms(time) - epoch_ms(coalesce(first_start_at, first_at)))::DOUBLE
      WHEN label IN ('${CMCD.rebuffering}', '${CMCD.seeking}') THEN (epoch_ms(next_at) - epoch_ms(time))::DOUBLE
    END AS duration_ms,
    NULL::DOUBLE AS watch_ms, NULL::DOUBLE AS playing_ms,
    CASE label
      WHEN '${CMCD.rebuffering}' THEN '${BUFFERING_PHASES.end}'
      WHEN '${CMCD.fatal}' THEN 'cmcd_fatal'
      WHEN '${CMCD.ended}' THEN 'ended'
      WHEN '${CMCD.quit}' THEN 'quit'
    END AS label,
    label = '${CMCD.fatal}' AS fatal
  FROM cmcd_states
  UNION ALL
  SELECT * FROM cmcd_raw WHERE name <> '${CMCD_PLAY_STATE}'
)`;

/** One row per view: its dimensions (first seen), its timings and counts, how it ended. */
const VIEW_AGGREGATES = `agg AS (
  SELECT
    view_id,
    arg_min(viewer_id, seq) FILTER (WHERE viewer_id IS NOT NULL) AS viewer_id,
    arg_min(session_id, seq) FILTER (WHERE session_id IS NOT NULL) AS session_id,
    arg_min(course_id, seq) FILTER (WHERE course_id IS NOT NULL) AS course_id,
    arg_min(item_id, seq) FILTER (WHERE item_id IS NOT NULL) AS item_id,
    arg_min(browser, seq) FILTER (WHERE browser IS NOT NULL) AS browser,
    arg_min(os, seq) FILTER (WHERE os IS NOT NULL) AS os,
    arg_min(device, seq) FILTER (WHERE device IS NOT NULL) AS device,
    arg_min(codec, seq) FILTER (WHERE codec IS NOT NULL) AS codec,
    arg_min(container, seq) FILTER (WHERE container IS NOT NULL) AS container,
    arg_min(plan, seq) FILTER (WHERE plan IS NOT NULL) AS plan,
    min(time) AS started_at,
    min(received_at) AS first_received_at,
    max(time) AS last_event_at,
    min(duration_ms) FILTER (WHERE ${is(E.videoStartup)}) AS startup_ms,
    min(time) FILTER (WHERE ${is(E.videoStartup)}) AS first_frame_at,
    count(*) FILTER (WHERE ${rebufferEnd}) AS rebuffer_count,
    coalesce(sum(duration_ms) FILTER (WHERE ${rebufferEnd}), 0) AS rebuffer_ms,
    max(watch_ms) AS reported_watch_ms,
    coalesce(max(playing_ms), 0) AS playing_ms,
    count(*) FILTER (WHERE ${is(E.seek)}) AS seek_count,
    coalesce(sum(duration_ms) FILTER (WHERE ${is(E.seek)}), 0) AS seek_ms,
    count(*) FILTER (WHERE ${is(E.qualitySwitch)}) AS quality_switches,
    count(*) FILTER (WHERE ${is(E.playbackError)}) AS error_count,
    arg_min(label, time) FILTER (WHERE ${fatal}) AS fatal_error,
    min(time) FILTER (WHERE ${fatal}) AS first_fatal_at,
    bool_or(${is(E.viewEnd)}) AS end_seen,
    arg_max(label, seq) FILTER (WHERE ${is(E.viewEnd)}) AS end_reason,
    max(duration_ms) FILTER (WHERE ${is(TRACK_USAGE_EVENT)}) AS captions_ms,
    arg_max(label, seq) FILTER (WHERE ${is(TRACK_USAGE_EVENT)}) AS captions_language,
    count(*) AS event_count
  FROM ev
  GROUP BY view_id
)`;

/**
 * SELECT of derived views over `events` filtered by `where` (a condition on events; `$1`... are the caller's
 * parameters). `$now_ms` is replaced by the derivation time and `$inactive_ms` by the inactivity limit.
 */
export function viewsSelect(where: string, nowMs: number, inactiveMs: number): string {
  return `
WITH scoped AS MATERIALIZED (
  -- One scan of the events in scope, shared by both kinds of view below.
  SELECT
    view_id, seq, time, received_at, name, viewer_id, session_id, course_id, item_id, browser, os, device, codec,
    container, plan, duration_ms, watch_ms, playing_ms, label, fatal, source
  FROM events
  WHERE view_id IS NOT NULL AND (${where})
),
${SDK_EVENTS},
${CMCD_EVENTS},
ev AS (SELECT * FROM sdk UNION ALL SELECT * FROM cmcd),
${VIEW_AGGREGATES}
SELECT
  view_id, viewer_id, session_id, course_id, item_id, browser, os, device, codec, container, plan,
  started_at, last_event_at, startup_ms,
  rebuffer_count::INTEGER AS rebuffer_count, rebuffer_ms,
  -- Watch time as the player reported it; without a heartbeat, the span of the view's events.
  coalesce(reported_watch_ms, epoch_ms(last_event_at) - epoch_ms(started_at))::DOUBLE AS watch_ms,
  playing_ms, seek_count::INTEGER AS seek_count, seek_ms, quality_switches::INTEGER AS quality_switches,
  error_count::INTEGER AS error_count, fatal_error,
  (end_seen OR epoch_ms(last_event_at) < ${nowMs} - ${inactiveMs}) AS ended,
  end_reason,
  CASE
    WHEN first_fatal_at IS NOT NULL AND (first_frame_at IS NULL OR first_fatal_at < first_frame_at)
      THEN '${VIEW_OUTCOMES.failedBeforeStart}'
    WHEN first_fatal_at IS NOT NULL THEN '${VIEW_OUTCOMES.failedDuringPlay}'
    WHEN first_frame_at IS NOT NULL THEN '${VIEW_OUTCOMES.played}'
    WHEN end_seen OR epoch_ms(last_event_at) < ${nowMs} - ${inactiveMs} THEN '${VIEW_OUTCOMES.exitedBeforeStart}'
    ELSE '${VIEW_OUTCOMES.pending}'
  END AS outcome,
  event_count::INTEGER AS event_count,
  first_received_at,
  -- Appended by telemetry migration 0003: the table's columns are in this order.
  captions_ms, captions_language
FROM agg`;
}

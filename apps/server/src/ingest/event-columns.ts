import {
  ATTR_BUFFERING_MS,
  ATTR_CAPTIONS_LANGUAGE,
  ATTR_CAPTIONS_ON_MS,
  ATTR_BUFFERING_PHASE,
  ATTR_ERROR_FATAL,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_DURATION_MS,
  ATTR_SCORM_CALL,
  ATTR_PLAYING_MS,
  ATTR_QUALITY_TO,
  ATTR_REQUEST_DOWNLOAD_MS,
  ATTR_REQUEST_TTFB_MS,
  ATTR_REQUEST_TYPE,
  ATTR_SEEK_MS,
  ATTR_STARTUP_MS,
  ATTR_VIEW_END_REASON,
  ATTR_WATCH_MS,
  CMCD_EVENT_PREFIX,
  PLAYBACK_EVENTS as E,
  TRACK_USAGE_EVENT,
  LIVE_LATENCY_EVENT,
  ATTR_LIVE_LATENCY_MS,
} from '@coursecast/semconv';

const CMCD_PLAY_STATE = `${CMCD_EVENT_PREFIX}play_state`;

/** The typed columns of an event row: what views and panels aggregate, read without parsing JSON. */
export interface EventColumns {
  /** The event's own duration: startup, rebuffer, seek, request (TTFB + download) or load time. */
  durationMs: number | null;
  /** Cumulative watch and playing time (heartbeat, view end). */
  watchMs: number | null;
  playingMs: number | null;
  /** The event's one label: buffering phase, error type, end reason, new quality, request type. */
  label: string | null;
  /** Whether an error was fatal. */
  fatal: boolean | null;
}

const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Extracts the typed columns from a known event's (validated) attributes; nulls for anything else. */
export function eventColumns(name: string, a: Record<string, unknown>): EventColumns {
  const out: EventColumns = { durationMs: null, watchMs: null, playingMs: null, label: null, fatal: null };
  switch (name) {
    case E.videoStartup:
      out.durationMs = n(a[ATTR_STARTUP_MS]);
      break;
    case E.buffering:
      out.durationMs = n(a[ATTR_BUFFERING_MS]);
      out.label = s(a[ATTR_BUFFERING_PHASE]);
      break;
    case E.seek:
      out.durationMs = n(a[ATTR_SEEK_MS]);
      break;
    case E.request: {
      const ttfb = n(a[ATTR_REQUEST_TTFB_MS]);
      const dl = n(a[ATTR_REQUEST_DOWNLOAD_MS]);
      out.durationMs = ttfb === null && dl === null ? null : (ttfb ?? 0) + (dl ?? 0);
      out.label = s(a[ATTR_REQUEST_TYPE]);
      break;
    }
    case E.playbackError:
      out.label = s(a[ATTR_ERROR_TYPE]);
      out.fatal = a[ATTR_ERROR_FATAL] === true;
      break;
    case E.heartbeat:
    case E.viewEnd:
      out.watchMs = n(a[ATTR_WATCH_MS]);
      out.playingMs = n(a[ATTR_PLAYING_MS]);
      if (name === E.viewEnd) out.label = s(a[ATTR_VIEW_END_REASON]);
      break;
    case E.qualitySwitch:
      out.label = s(a[ATTR_QUALITY_TO]);
      break;
    case CMCD_PLAY_STATE:
      // The CMCD player state (sta): what views derived from CMCD sessions are built on.
      out.label = s(a['cmcd.sta']);
      break;
    case E.loadInteractive:
    case E.documentLoad:
      out.durationMs = n(a[ATTR_LOAD_DURATION_MS]);
      break;
    case E.scormCall:
      out.label = s(a[ATTR_SCORM_CALL]);
      break;
    case LIVE_LATENCY_EVENT:
      // The view's latest latency behind live; its percentiles stay in attrs for the live panel.
      out.durationMs = n(a[ATTR_LIVE_LATENCY_MS]);
      out.label = 'live';
      break;
    case TRACK_USAGE_EVENT:
      // The time played with captions showing, and their language (`off`): what the captions panel sums.
      out.durationMs = n(a[ATTR_CAPTIONS_ON_MS]);
      out.label = s(a[ATTR_CAPTIONS_LANGUAGE]);
      break;
  }
  return out;
}

import type { PanelData, PanelId, RatioPoint, SeriesPoint } from '@coursecast/api';
import {
  CDN_CACHE_STATUSES,
  HLS_SESSION_END_REASONS,
  METRIC_CDN_ORIGIN_FETCH_DURATION,
  METRIC_CDN_REQUESTS,
  ATTR_PUBLISH_STAGE,
  ATTR_SOURCE_DURATION_BUCKET,
  METRIC_CONTENT_PUBLISH_DURATION,
  PUBLISH_STAGES,
  SOURCE_DURATION_BUCKETS,
  METRIC_CONTENT_TRANSCODE_ERRORS,
  METRIC_CONTENT_TRANSCODE_SPEED,
  METRIC_HLS_SEGMENT_GENERATION_DURATION,
  METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION,
  METRIC_HLS_SESSIONS_ACTIVE,
} from '@coursecast/semconv';
import type { SqlReader } from '../store/duckdb-database.js';
import { contentLoads } from './content-queries.js';
import type { DashboardQuery } from './dashboard-query.js';
import {
  counterOverTime,
  counterTotals,
  gaugeOverTime,
  histogramPanel,
  histogramSummary,
  sessionEndsOverTime,
} from './metric-queries.js';
import {
  captionsByCourse,
  playbackOverTime,
  playbackSuccessBy,
  playbackSummary,
  startupHistogram,
} from './view-queries.js';

/** A dashboard panel: what it shows, which data it reads, and its query, which answers data of type `T`. */
export interface Panel<T> {
  title: string;
  description: string;
  /**
   * `views`: reads derived views (refreshed first); `server`: raw stored rows read as they are (the server's
   * own metrics and spans, and the browser's load and SCORM events, which need no derived view).
   */
  source: 'views' | 'server';
  run(db: SqlReader, q: DashboardQuery): Promise<T>;
}

const PLAN = 'hls.plan.mode';

/** Per bucket: `part` groups / all groups (null where a bucket has nothing). */
function ratioOverTime(points: SeriesPoint[], part: readonly string[]): RatioPoint[] {
  const byT = new Map<number, { part: number; total: number }>();
  for (const p of points) {
    const b = byT.get(p.t) ?? { part: 0, total: 0 };
    b.total += p.value;
    if (part.includes(p.group)) b.part += p.value;
    byT.set(p.t, b);
  }
  return [...byT].map(([t, b]) => ({ t, ratio: b.total > 0 ? b.part / b.total : null, total: b.total }));
}

/** Every panel of the dashboard, by id (also its route's last segment), its data as @coursecast/api types it. */
export const PANELS: { readonly [K in PanelId]: Panel<PanelData[K]> } = {
  summary: {
    title: 'Playback at a glance',
    description: 'Views, playback success and failure, exits before start, startup p50/p95, rebuffer ratio',
    source: 'views',
    run: playbackSummary,
  },
  'success-by-codec': {
    title: 'Playback success by source codec',
    description: 'Views that played / views that attempted to (exits before start left out)',
    source: 'views',
    run: (db, q) => playbackSuccessBy(db, q, 'codec'),
  },
  'success-by-container': {
    title: 'Playback success by container',
    description: 'Views that played / views that attempted to, by source container',
    source: 'views',
    run: (db, q) => playbackSuccessBy(db, q, 'container'),
  },
  'success-by-browser': {
    title: 'Playback success by browser',
    description: 'Views that played / views that attempted to, by browser family',
    source: 'views',
    run: (db, q) => playbackSuccessBy(db, q, 'browser'),
  },
  'startup-histogram': {
    title: 'Time to playback',
    description: 'Video startup time (play intent → first frame) of views that started, with p50/p95/p99',
    source: 'views',
    run: startupHistogram,
  },
  'playback-over-time': {
    title: 'Rebuffering and startup over time',
    description:
      'Rebuffer ratio (rebuffer time / watch time), rebuffers per minute, startup p50/p95, failure rate',
    source: 'views',
    run: playbackOverTime,
  },
  'session-timeouts': {
    title: 'Just-in-time session timeouts',
    description: 'Sessions ended per bucket by reason, and the timeout rate (timeouts / sessions ended)',
    source: 'server',
    async run(db, q) {
      const ends = await sessionEndsOverTime(db, q);
      return { ends, rate: ratioOverTime(ends, [HLS_SESSION_END_REASONS.timeout]) };
    },
  },
  'jit-first-segment': {
    title: 'JIT time to first segment',
    description: 'Playback request → first segment ready, p50/p95 per bucket and over the range',
    source: 'server',
    run: (db, q) => histogramPanel(db, q, METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION.name, [PLAN]),
  },
  'ffmpeg-segment-generation': {
    title: 'FFmpeg segment generation time',
    description: 'Time to produce one segment in just-in-time sessions, p50/p95',
    source: 'server',
    run: (db, q) => histogramPanel(db, q, METRIC_HLS_SEGMENT_GENERATION_DURATION.name, [PLAN]),
  },
  'transcode-speed': {
    title: 'Transcode speed',
    description: 'Media seconds per wall second of finished transcode jobs (1 = realtime)',
    source: 'server',
    run: (db, q) => histogramPanel(db, q, METRIC_CONTENT_TRANSCODE_SPEED.name),
  },
  'transcode-errors': {
    title: 'Transcode errors by quality',
    description: 'Failed transcode attempts over the range, by rung',
    source: 'server',
    run: (db, q) => counterTotals(db, q, METRIC_CONTENT_TRANSCODE_ERRORS.name, 'content.quality'),
  },
  'publish-time': {
    title: 'Publish time',
    description:
      'Upload complete → playable (validated; plays just in time) and → first ladder published, p50/p95 by source duration',
    source: 'server',
    async run(db, q) {
      const rows = [];
      for (const stage of Object.values(PUBLISH_STAGES)) {
        for (const bucket of Object.values(SOURCE_DURATION_BUCKETS)) {
          const s = await histogramSummary(db, q, METRIC_CONTENT_PUBLISH_DURATION.name, {
            [ATTR_PUBLISH_STAGE]: stage,
            [ATTR_SOURCE_DURATION_BUCKET]: bucket,
          });
          if (s.count > 0) rows.push({ stage, bucket, count: s.count, p50: s.p50, p95: s.p95 });
        }
      }
      return rows;
    },
  },
  'cdn-hit-ratio': {
    title: 'CDN hit ratio',
    description: 'Requests served from the edge cache (HIT and STALE) / all delivery requests, per bucket',
    source: 'server',
    async run(db, q) {
      const byStatus = await counterOverTime(db, q, METRIC_CDN_REQUESTS.name, 'cdn.cache_status');
      return { byStatus, ratio: ratioOverTime(byStatus, [CDN_CACHE_STATUSES.hit, CDN_CACHE_STATUSES.stale]) };
    },
  },
  'origin-latency': {
    title: 'Origin latency',
    description: 'Edge → origin fetch time (misses and revalidations), p50/p95',
    source: 'server',
    run: (db, q) => histogramPanel(db, q, METRIC_CDN_ORIGIN_FETCH_DURATION.name),
  },
  'active-sessions': {
    title: 'Active just-in-time sessions',
    description: 'Highest number of live sessions per bucket, by plan',
    source: 'server',
    run: (db, q) => gaugeOverTime(db, q, METRIC_HLS_SESSIONS_ACTIVE.name, PLAN),
  },
  'content-loads': {
    title: 'Course material: documents and modules',
    description:
      'Loads, failures and load time p50/p95 by package type or document format; SCORM attempts finished, ' +
      'completed and passed; the slowest items',
    source: 'server',
    run: contentLoads,
  },
  'captions-by-course': {
    title: 'Captions by course',
    description:
      'Share of playing time with captions showing, and views with captions on, of the views whose page reported its tracks',
    source: 'views',
    run: captionsByCourse,
  },
};

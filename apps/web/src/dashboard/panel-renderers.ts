// Which drawing each panel gets, by its id, and what its empty state says. A panel id this page does not know
// falls back to the generic table; a known panel whose data has an unexpected shape does too, with a note.
import type { AnyPanelAnswer, PanelAnswer, PanelId, PanelResponse } from '@coursecast/api';
import { barTable, successTone } from './bar-table.js';
import {
  renderGroupLines,
  renderPlaybackOverTime,
  renderQuantiles,
  renderStackedWithRate,
  renderStartupHistogram,
} from './chart-panels.js';
import { renderContentLoads } from './content-loads-panel.js';
import { el } from '../shared/dom-builder.js';
import { renderGeneric } from './generic-panel.js';
import { formatCount, formatMs, formatNumber, formatPercent } from './number-format.js';
import { statTiles } from './stat-tiles.js';
import type { Dispose } from './uplot-chart.js';

/** Draws the answer of panel `K` (or of any of the panels `K` names). */
type Renderer<K extends PanelId> = (body: HTMLElement, res: PanelAnswer<K>) => Dispose | void;

/** The default empty-state hint: what makes playback data appear. */
export const PLAY_HINT =
  'No data yet — play a video (run `npx coursecast demo` and open a lecture) or widen the time range.';
const JIT_HINT =
  'No just-in-time sessions in this range — they start when a browser plays a source it cannot play as it is.';

/** Empty-state hints where the playback one would mislead (no errors is good news, not missing data). */
const EMPTY_HINTS: Record<string, string> = {
  'transcode-errors': 'No failed transcodes in this range.',
  'transcode-speed': 'No transcode finished in this range — upload a lecture (or run `npx coursecast demo`).',
  'publish-time':
    'No lecture uploaded in this range — upload one from the studio (or run `npx coursecast demo`).',
  'session-timeouts': JIT_HINT,
  'jit-first-segment': JIT_HINT,
  'ffmpeg-segment-generation': JIT_HINT,
  'active-sessions': JIT_HINT,
  'captions-by-course':
    'No view reported its captions in this range — lectures with caption tracks report their use as they play.',
  'content-loads':
    'No documents or modules opened in this range — open one from a course page (`npx coursecast demo` ' +
    'adds a handout and a SCORM module) or widen the time range.',
};

/** The hint of a panel's empty state. */
export function emptyHint(id: string): string {
  return EMPTY_HINTS[id] ?? PLAY_HINT;
}

const summary: Renderer<'summary'> = (body, res) => {
  const d = res.data;
  const failed = (d.failed_before_start ?? 0) + (d.failed_during_play ?? 0);
  body.append(
    statTiles([
      {
        key: 'views',
        label: 'Views',
        value: formatCount(d.views),
        note: `${formatCount(d.played)} played · ${formatCount(failed)} failed`,
      },
      { key: 'success-rate', label: 'Playback success', value: formatPercent(d.success_rate) },
      { key: 'failure-rate', label: 'Playback failures', value: formatPercent(d.playback_failure_rate) },
      { key: 'exits-rate', label: 'Exits before start', value: formatPercent(d.exits_before_start_rate) },
      { key: 'startup-p50', label: 'Startup p50', value: formatMs(d.startup_p50_ms) },
      { key: 'startup-p95', label: 'Startup p95', value: formatMs(d.startup_p95_ms) },
      { key: 'rebuffer-ratio', label: 'Rebuffer ratio', value: formatPercent(d.rebuffer_ratio) },
      {
        key: 'rebuffers-per-minute',
        label: 'Rebuffers / min',
        value: formatNumber(d.rebuffers_per_minute),
      },
    ]),
  );
};

const DIMENSION_HEADERS: Record<string, string> = {
  codec: 'Source codec',
  container: 'Container',
  browser: 'Browser',
  os: 'OS',
  device: 'Device',
  plan: 'Plan',
};

const successBy: Renderer<'success-by-codec' | 'success-by-container' | 'success-by-browser'> = (
  body,
  res,
) => {
  const dim = res.panel.replace(/^success-by-/, '');
  const rows = res.data;
  body.append(
    barTable(
      DIMENSION_HEADERS[dim] ?? dim,
      'Success rate',
      ['Views', 'Failed'],
      rows.map((r) => ({
        key: r.key,
        fill: r.success_rate,
        text: formatPercent(r.success_rate),
        tone: successTone(r.success_rate),
        cells: [
          formatCount(r.views),
          formatCount((r.failed_before_start ?? 0) + (r.failed_during_play ?? 0)),
        ],
      })),
    ),
  );
};

const transcodeErrors: Renderer<'transcode-errors'> = (body, res) => {
  const rows = res.data;
  const max = Math.max(1, ...rows.map((r) => r.value));
  body.append(
    barTable(
      'Quality',
      'Failed attempts',
      [],
      rows.map((r) => ({
        key: r.group,
        fill: r.value / max,
        text: formatCount(r.value),
        tone: 'bad',
        cells: [],
      })),
    ),
  );
};

const STAGE_LABELS: Readonly<Record<string, string>> = { playable: 'Playable', ladder_ready: 'Ladder ready' };
const BUCKET_LABELS: Readonly<Record<string, string>> = {
  under_5m: 'under 5 min',
  '5m_to_20m': '5–20 min',
  '20m_to_60m': '20–60 min',
  over_60m: 'over 60 min',
  unknown: 'unknown length',
};

const publishTime: Renderer<'publish-time'> = (body, res) => {
  const rows = res.data;
  const max = Math.max(1, ...rows.map((r) => r.p95 ?? r.p50 ?? 0));
  body.append(
    barTable(
      'Stage · source length',
      'p50',
      ['p95', 'Lectures'],
      rows.map((r) => ({
        key: `${STAGE_LABELS[r.stage] ?? r.stage} · ${BUCKET_LABELS[r.bucket] ?? r.bucket}`,
        fill: (r.p50 ?? 0) / max,
        text: formatMs(r.p50 === null ? null : r.p50 * 1000),
        tone: 'neutral',
        cells: [formatMs(r.p95 === null ? null : r.p95 * 1000), formatCount(r.count)],
      })),
    ),
  );
};

const captionsByCourse: Renderer<'captions-by-course'> = (body, res) => {
  body.append(
    barTable(
      'Course',
      'Watch time with captions',
      ['Views', 'With captions'],
      res.data.map((r) => ({
        key: r.course_id ?? '(no course)',
        fill: r.share,
        text: formatPercent(r.share),
        tone: 'neutral',
        cells: [formatCount(r.views), formatCount(r.views_with_captions)],
      })),
    ),
  );
};

const RENDERERS: { readonly [K in PanelId]: Renderer<K> } = {
  summary,
  'success-by-codec': successBy,
  'success-by-container': successBy,
  'success-by-browser': successBy,
  'startup-histogram': renderStartupHistogram,
  'playback-over-time': renderPlaybackOverTime,
  'session-timeouts': (body, res) => {
    return renderStackedWithRate(body, res, res.data.ends, res.data.rate, {
      countAxis: 'Sessions ended',
      totalLabel: 'Sessions ended',
      rateLabel: 'Timeout rate',
    });
  },
  'jit-first-segment': (body, res) => renderQuantiles(body, res, 's'),
  'ffmpeg-segment-generation': (body, res) => renderQuantiles(body, res, 's'),
  'transcode-speed': (body, res) => renderQuantiles(body, res, 'factor'),
  'origin-latency': (body, res) => renderQuantiles(body, res, 's'),
  'transcode-errors': transcodeErrors,
  'publish-time': publishTime,
  'cdn-hit-ratio': (body, res) => {
    return renderStackedWithRate(body, res, res.data.byStatus, res.data.ratio, {
      countAxis: 'Requests',
      totalLabel: 'Requests',
      rateLabel: 'Hit ratio',
    });
  },
  'active-sessions': (body, res) => renderGroupLines(body, res, 'Live sessions'),
  'content-loads': renderContentLoads,
  'captions-by-course': captionsByCourse,
};

/** Draws the answer of a panel this build knows with its renderer. */
function renderKnown<K extends PanelId>(body: HTMLElement, res: PanelAnswer<K>): Dispose | void {
  const renderer: Renderer<K> = RENDERERS[res.panel];
  return renderer(body, res);
}

/** Draws a panel's data into `body`; returns what releases its charts. */
export function renderPanel(body: HTMLElement, res: PanelResponse<unknown>): Dispose | void {
  if (!Object.hasOwn(RENDERERS, res.panel)) return renderGeneric(body, res.data);
  try {
    // The server answers a known panel's id with that panel's data (@coursecast/api); the catch below
    // covers a server of another version that does not.
    return renderKnown(body, res as AnyPanelAnswer);
  } catch (err) {
    // The API changed under this page: show what came rather than nothing.
    body.replaceChildren(
      el('p', { class: 'muted' }, `Shown as data: this build did not expect its shape (${String(err)}).`),
    );
    renderGeneric(body, res.data);
  }
}

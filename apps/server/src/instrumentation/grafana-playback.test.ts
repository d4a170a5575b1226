// docs/grafana/coursecast-playback.json against a real Prometheus scraping a real coursecast, like
// grafana-dashboard.test.ts: every query of every panel must return a number. Players' events go straight into
// the ingest service (what the OTLP receiver calls), in two rounds with a scrape between them: views that play
// (startup, rebuffers, heartbeats, a recovered error), fail before start, or are left before start, from two
// browsers, on two sources; records rejected (invalid, or of unknown names) and re-sent; a request refused whole; a
// telemetry store over its quota, pruned. And course material: module and document loads (both browsers, several
// types and formats, a failure of each), and package uploads through the API, one published and one refused.
import { randomBytes } from 'node:crypto';
import { probedSource } from '../../test-support/probed-source.js';
import type { MediaInfo } from '@coursecast/media';
import {
  CONTENT_METRICS,
  DOCUMENT_FORMATS_VALUES as FORMATS,
  INGEST_METRICS,
  PACKAGE_REJECTIONS,
  PACKAGE_TYPES,
  PLAYBACK_EVENTS as E,
} from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../ingest/event-mapper.js';
import type { BatchSource } from '../ingest/ingest-service.js';
import type { EventRow } from '../store/telemetry-rows.js';
import { scormPackage } from '../cli/sample-scorm.js';
import { refusedPackage } from '../../test-support/zip-fixtures.js';
import { createCourse, postUpload } from '../../test-support/api-calls.js';
import {
  emptyQueries,
  importProblems,
  loadDashboard,
  missingMetrics,
  panelProblems,
  scrapeTwoRounds,
  substitute,
  variableProblems,
  type GrafanaDashboard,
} from '../../test-support/grafana-kit.js';
import { multipartBody } from '../../test-support/multipart.js';
import type { PrometheusProcess } from '../../test-support/prometheus-process.js';
import { registerSource } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { eventRow } from '../../test-support/event-row.fixture.js';
import { loadEvents, viewEvents, type ViewScript } from '../../test-support/player-scripts.js';

const DASHBOARD_FILE = new URL('../../../../docs/grafana/coursecast-playback.json', import.meta.url);
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const MiB = 1024 * 1024;
// The smallest quota the config allows, so a few thousand rows put the store over it.
const STORE_QUOTA_BYTES = 4 * MiB;

let dashboard: GrafanaDashboard;
let t: TestServer;
let prom: PrometheusProcess;
let base: string;
// Items with probed sources, so the ingest enriches events with a codec and container from the catalog.
let h264: string;
let hevc: string;
// The course package uploads go to, and the zips: a SCORM 2004 package that publishes, one refused (zip slip).
let courseId: string;
let scormZip: Buffer;
let zipSlipZip: Buffer;

function source(codec: string, container: string, formatName: string): MediaInfo {
  return probedSource({
    codec,
    container,
    formatName,
    width: 1280,
    height: 720,
    durationSeconds: 60,
    bitrate: 2_000_000,
  });
}

const from = (userAgent: string): BatchSource => ({
  signal: 'logs',
  source: 'otlp',
  service: 'coursecast-player',
  userAgent,
});

/** One round of viewers: both browsers, both sources, every outcome, and the ingest's other outcomes. */
async function playbackRound(round: number): Promise<void> {
  const start = Date.now() - 60_000;
  const id = (name: string): string => `r${round}-${name}`;
  const firefox = [
    { id: id('ff-vod'), itemId: h264, plan: 'vod', startupMs: 400, rebuffersMs: [500, 300], watchMs: 30_000 },
    {
      id: id('ff-failed'),
      itemId: hevc,
      plan: 'transcode',
      startupMs: null,
      fatalBeforeStart: true,
      watchMs: 4000,
    },
  ] satisfies ViewScript[];
  const chrome = [
    {
      id: id('ch-jit'),
      itemId: hevc,
      plan: 'transcode',
      startupMs: 1800,
      rebuffersMs: [1200],
      recoveredError: true,
      watchMs: 20_000,
    },
    { id: id('ch-vod'), itemId: h264, plan: 'vod', startupMs: 700, watchMs: 15_000 },
    { id: id('ch-exit'), itemId: h264, plan: 'vod', startupMs: null, watchMs: 3000 },
  ] satisfies ViewScript[];
  const ffEvents = firefox.flatMap((v) => viewEvents(v, start));
  const chEvents = chrome.flatMap((v) => viewEvents(v, start));
  // A known event with an attribute of the wrong type (rejected), and a name the server does not know (kept).
  const odd: EventRecord[] = [
    {
      timeMs: start,
      eventName: E.videoStartup,
      attributes: {
        'content.view.id': id('odd'),
        'content.view.seq': 0,
        'content.startup.duration_ms': 'fast',
      },
      traceId: null,
      spanId: null,
    },
    {
      timeMs: start,
      eventName: 'content.future_event',
      attributes: { 'content.module_id': 'mod_1' },
      traceId: null,
      spanId: null,
    },
  ];
  const ff = await t.cc.pipeline.ingest.events([...ffEvents, ...odd], from(FIREFOX));
  // An unknown event name is refused by default (counted under its own reason), like an invalid record.
  expect(ff).toMatchObject({ stored: ffEvents.length, rejected: 2, rejectedBy: { unknown_event: 1 } });
  const ch = await t.cc.pipeline.ingest.events(chEvents, from(CHROME));
  expect(ch.stored).toBe(chEvents.length);
  // A beacon re-sent whole (its answer was lost): every record a duplicate.
  expect((await t.cc.pipeline.ingest.events(chEvents, from(CHROME))).duplicates).toBe(chEvents.length);
  // Views are counted by outcome when derived as ended; the timer would do it within viewRefreshMs.
  await t.cc.pipeline.views.refresh();
  // A request refused whole by the OTLP/CMCD receivers: CMCD events must be application/cmcd.
  const refused = await fetch(`${base}/v1/cmcd`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'br=3000',
  });
  expect(refused.status).toBe(415);
}

/** One round of course material: loads from both browsers (a failure of each kind), and two package uploads. */
async function materialRound(round: number): Promise<void> {
  const start = Date.now() - 60_000;
  const firefox = loadEvents(
    [
      { kind: 'module', type: PACKAGE_TYPES.scorm2004, ms: 1200 },
      { kind: 'module', type: PACKAGE_TYPES.html5, ms: 600 },
      { kind: 'module', type: PACKAGE_TYPES.scorm2004, ms: 60_000, error: 'timeout' },
      { kind: 'document', type: FORMATS.pdf, ms: 900 },
      { kind: 'document', type: FORMATS.png, ms: 150 },
      { kind: 'document', type: FORMATS.pdf, ms: 2500, error: 'network' },
    ],
    round,
    start,
  );
  const chrome = loadEvents(
    [
      { kind: 'module', type: PACKAGE_TYPES.html5, ms: 800 },
      { kind: 'module', type: PACKAGE_TYPES.scorm2004, ms: 2100 },
      { kind: 'document', type: FORMATS.pdf, ms: 400 },
    ],
    round,
    start,
  );
  expect(await t.cc.pipeline.ingest.events(firefox, from(FIREFOX))).toMatchObject({
    stored: firefox.length,
    rejected: 0,
  });
  expect(await t.cc.pipeline.ingest.events(chrome, from(CHROME))).toMatchObject({
    stored: chrome.length,
    rejected: 0,
  });
  const upload = async (name: string, content: Buffer) =>
    postUpload(t, courseId, await multipartBody({ name: `r${round}-${name}`, content }));
  const published = await upload('safety.zip', scormZip);
  expect(published.statusCode, published.body).toBe(201);
  const refused = await upload('slip.zip', zipSlipZip);
  expect(refused.statusCode, refused.body).toBe(422);
}

/** An event of a flood of beacons, with 1 KiB of random attributes: 8000 of them pass the quota. */
function floodRow(viewId: string, receivedAt: number): EventRow {
  return eventRow({
    viewId,
    time: receivedAt,
    receivedAt,
    attrs: { note: randomBytes(512).toString('hex') },
  });
}

/**
 * A flood that puts the telemetry store over its quota, then one quota check, which deletes the oldest received
 * rows (the flood's, an hour old) until the store is back under it. The flood goes straight into the store: through
 * the ingest it would take seconds. DuckDB frees space by whole row groups, so the check may take more than the
 * flood, this round's views and loads too; it runs last in the round, when they are counted already.
 */
async function storeRound(round: number): Promise<void> {
  const receivedAt = Date.now() - 3_600_000;
  await t.cc.pipeline.store.events.commit(
    Array.from({ length: 8000 }, (_, i) => floodRow(`r${round}-flood-${i}`, receivedAt + i)),
  );
  await t.cc.pipeline.guard.check();
}

beforeAll(async () => {
  dashboard = await loadDashboard(DASHBOARD_FILE);
  // Quota checks only when storeRound asks: check() joins a pass already running, and one the timer started
  // before the flood was committed would prune nothing.
  t = await startTestServer({ ingest: { storeQuotaBytes: STORE_QUOTA_BYTES, storeCheckSeconds: 3600 } });
  base = await t.cc.listen();
  // Published (ready), so no transcode job of theirs runs in the background.
  h264 = (await registerSource(t.cc, source('h264', 'mov', 'mov,mp4,m4a,3gp,3g2,mj2'), true)).itemId;
  hevc = (await registerSource(t.cc, source('hevc', 'matroska', 'matroska,webm'), true)).itemId;
  courseId = await createCourse(t, 'Course material');
  scormZip = await scormPackage('2004');
  zipSlipZip = (await refusedPackage(PACKAGE_REJECTIONS.zipSlip)).zip;
  prom = await scrapeTwoRounds(new URL(base).host, async (round) => {
    await playbackRound(round);
    await materialRound(round);
    await storeRound(round);
  });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await t?.close();
});

describe('the Grafana playback dashboard', () => {
  it('imports anywhere: a datasource input and variable, job and instance variables', () => {
    expect(importProblems(dashboard)).toEqual([]);
    expect(dashboard.uid).toBe('coursecast-playback');
  });

  it('gives every panel a title, a description, a unit and queries over the templated datasource', () => {
    expect(panelProblems(dashboard)).toEqual([]);
  });

  it('shows every ingest and derived playback metric of the catalog', () => {
    expect(missingMetrics(dashboard, INGEST_METRICS)).toEqual([]);
  });

  it('shows every course-material metric of the catalog: package unpacks, module and document loads', () => {
    expect(missingMetrics(dashboard, CONTENT_METRICS)).toEqual([]);
  });

  it('finds this server through its job and instance variables', async () => {
    expect(await variableProblems(dashboard, prom)).toEqual([]);
  });

  it('answers every panel query with data from a real Prometheus', async () => {
    const empty = await emptyQueries(dashboard, prom);
    expect(empty, `queries without data:\n${empty.join('\n')}`).toEqual([]);
  });

  it('labels views with the browser, and the source codec and container from the catalog', async () => {
    const views = await prom.query(
      substitute(
        'sum by (content_view_outcome, browser_family, content_source_codec, content_source_container) ' +
          '(content_views_total{job=~"$job", instance=~"$instance"})',
        prom,
      ),
    );
    const got = views
      .map((s) => {
        const m = s.metric;
        return `${m['content_view_outcome']} ${m['browser_family']} ${m['content_source_codec']}/${m['content_source_container']} ${s.value[1]}`;
      })
      .sort();
    // Two rounds of each; the re-sent beacon counted no view twice.
    expect(got).toEqual([
      'exited_before_start chrome h264/mp4 2',
      'failed_before_start firefox hevc/mkv 2',
      'played chrome h264/mp4 2',
      'played chrome hevc/mkv 2',
      'played firefox h264/mp4 2',
    ]);
  });

  it('counts refused requests by the error code they were answered with', async () => {
    // A label the panel groups by but no series has would still draw (one unlabelled line): pinned here.
    const refused = await prom.query(
      substitute(
        'sum by (ingest_signal, coursecast_error_code, http_response_status_code) ' +
          '(ingest_requests_refused_total{job=~"$job", instance=~"$instance"})',
        prom,
      ),
    );
    const got = refused.map(
      ({ metric: m, value }) =>
        `${m['ingest_signal']} ${m['coursecast_error_code']} ${m['http_response_status_code']} ${value[1]}`,
    );
    // The CMCD receiver's 415 of each round.
    expect(got).toEqual(['cmcd unsupported_media_type 415 2']);
  });

  it('counts loads by type or format, outcome and browser, and uploads by outcome and refusal reason', async () => {
    const series = async (expr: string, labels: string[]): Promise<string[]> =>
      (await prom.query(substitute(expr, prom)))
        .map((x) => [...labels.map((l) => x.metric[l] ?? '-'), x.value[1]].join(' '))
        .sort();
    const scope = '{job=~"$job", instance=~"$instance"}';
    const loads = ['content_load_outcome', 'browser_family'];
    // Two rounds of each.
    expect(
      await series(
        `sum by (content_package_type, ${loads.join(', ')}) (content_interactive_loads_total${scope})`,
        ['content_package_type', ...loads],
      ),
    ).toEqual([
      'html5 success chrome 2',
      'html5 success firefox 2',
      'scorm_2004 failed firefox 2',
      'scorm_2004 success chrome 2',
      'scorm_2004 success firefox 2',
    ]);
    expect(
      await series(
        `sum by (content_document_format, ${loads.join(', ')}) (content_document_loads_total${scope})`,
        ['content_document_format', ...loads],
      ),
    ).toEqual([
      'pdf failed firefox 2',
      'pdf success chrome 2',
      'pdf success firefox 2',
      'png success firefox 2',
    ]);
    const unpacks = ['content_package_type', 'content_package_outcome', 'content_package_rejection'];
    expect(
      await series(`sum by (${unpacks.join(', ')}) (content_package_unpacks_total${scope})`, unpacks),
    ).toEqual(['scorm_2004 published - 2', 'unknown rejected zip_slip 2']);
  });
});

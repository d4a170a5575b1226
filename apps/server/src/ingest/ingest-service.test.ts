import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createViewRefresher } from '../views/view-refresher.js';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.js';
import { createInstrumentation } from '../instrumentation/instrumentation.js';
import { mapEventRecords, type EventRecord } from './event-mapper.js';
import { createIngestService, recordLimits, type IngestService } from './ingest-service.js';
import { firstRejection } from './record-limits.js';
import { createIngestInstruments } from './ingest-instruments.js';
import { createUserAgentParser } from './user-agent.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
let store: TelemetryStore;
let ingest: IngestService;
const dirty: string[] = [];
const from = { signal: 'logs', source: 'otlp', service: 'player', userAgent: CHROME };

beforeAll(async () => {
  store = await openTelemetryStore(':memory:');
  // Unknown names kept here (an operator's choice); the default, refusing them, has a test below.
  const config = loadConfig({
    env: {},
    overrides: { ingest: { commitIntervalMs: 10, storeUnknownEvents: true } },
  });
  const views = createViewRefresher({ db: store.db, inactiveMs: 3_600_000, now: () => NOW });
  ingest = createIngestService({
    config: config.ingest,
    store,
    items: {
      get: async (id) => (id === 'itm_hevc' ? { codec: 'hevc', container: 'mkv' } : null),
    },
    userAgents: createUserAgentParser({ cacheSize: 10 }),
    views: { ...views, markDirty: (ids) => dirty.push(...ids) },
    instruments: createIngestInstruments(createInstrumentation(config.instrumentation, 'test').meter),
    now: () => NOW,
  });
});
afterAll(async () => {
  await ingest.close();
  await store.close();
});

const rec = (
  name: string | null,
  seq: number,
  attrs: Record<string, unknown> = {},
  timeMs: number | null = NOW,
) =>
  ({
    timeMs,
    eventName: name,
    attributes: {
      'content.view.id': 'view-a',
      'content.view.seq': seq,
      'content.item_id': 'itm_hevc',
      ...attrs,
    },
    traceId: null,
    spanId: null,
  }) satisfies EventRecord;

it('stores valid events enriched, drops re-sent ones, keeps unknown names, and rejects bad records with a reason', async () => {
  const batch = [
    rec(E.viewStart, 0),
    rec(E.videoStartup, 1, { 'content.startup.duration_ms': 640 }),
    rec('content.future_thing', 2),
    rec(E.videoStartup, 3, { 'content.startup.duration_ms': 'fast' }),
    rec(E.heartbeat, 4, {}, NOW + 3_600_000),
    rec(E.viewStart, 5, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x${i}`, i]))),
  ];
  const first = await ingest.events(batch, from);
  expect(first).toMatchObject({ stored: 3, unknown: 1, duplicates: 0, rejected: 3 });
  expect(firstRejection(first)).toContain('content.startup.duration_ms');
  // The same beacon again: nothing new is stored.
  const again = await ingest.events(batch.slice(0, 3), from);
  expect(again).toMatchObject({ stored: 0, duplicates: 3 });

  const rows = await store.db.all(
    `SELECT name, seq, browser, os, device, codec, container, json_extract_string(attrs, '$."event.original_name"') AS original
     FROM events ORDER BY seq`,
  );
  expect(rows).toEqual([
    {
      name: E.viewStart,
      seq: 0,
      browser: 'chrome',
      os: 'linux',
      device: 'desktop',
      codec: 'hevc',
      container: 'mkv',
      original: null,
    },
    {
      name: E.videoStartup,
      seq: 1,
      browser: 'chrome',
      os: 'linux',
      device: 'desktop',
      codec: 'hevc',
      container: 'mkv',
      original: null,
    },
    {
      name: 'unknown',
      seq: 2,
      browser: 'chrome',
      os: 'linux',
      device: 'desktop',
      codec: 'hevc',
      container: 'mkv',
      original: 'content.future_thing',
    },
  ]);
  expect(new Set(dirty)).toEqual(new Set(['view-a']));
});

it('rejects timestamps far in the past and in the future', async () => {
  const r = await ingest.events(
    [
      rec(E.viewStart, 0, { 'content.view.id': 'view-t' }, NOW - 30 * 86_400_000),
      rec(E.viewStart, 1, { 'content.view.id': 'view-t' }, NOW + 86_400_000),
    ],
    from,
  );
  expect(r).toMatchObject({ stored: 0, rejected: 2 });
  expect(firstRejection(r)).toMatch(/outside the accepted range/);
});

it('by default refuses events with names it does not know, counted under their own reason', () => {
  const limits = recordLimits(loadConfig({ env: {} }).ingest);
  const ua = createUserAgentParser({ cacheSize: 1 }).parse(CHROME);
  const ctx = { receivedAt: NOW, source: 'otlp', service: 'player', ua };
  const mapped = mapEventRecords([rec('content.future_thing', 0), rec(E.viewStart, 1)], ctx, limits);
  expect(mapped.rows.map((r) => r.name)).toEqual([E.viewStart]);
  expect(mapped.rejectedBy).toEqual({ unknown_event: 1 });
  expect(firstRejection(mapped)).toContain('content.future_thing');
});

import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { EventRow } from '../store/telemetry-rows.js';
import { createInstrumentation } from '../instrumentation/instrumentation.js';
import { createIngestInstruments } from './ingest-instruments.js';

const row = (name: string, attrs: Record<string, unknown>, browser = 'chrome'): EventRow => ({
  time: 0,
  receivedAt: 0,
  name,
  source: 'otlp',
  viewId: null,
  seq: null,
  viewerId: null,
  sessionId: null,
  courseId: 'crs_1',
  itemId: null,
  traceId: null,
  spanId: null,
  browser,
  browserMajor: null,
  os: null,
  device: null,
  codec: null,
  container: null,
  plan: null,
  service: 'coursecast-player',
  durationMs: null,
  watchMs: null,
  playingMs: null,
  label: null,
  fatal: null,
  attrs,
});

it('counts module and document loads by type, outcome and browser, bounding what players send', async () => {
  const telemetry = createInstrumentation(loadConfig({ env: {} }).instrumentation, 'test');
  const metrics = createIngestInstruments(telemetry.meter);
  metrics.events([
    row(E.loadInteractive, { 'content.package.type': 'scorm_2004', 'content.load_duration_ms': 850 }),
    row(E.loadInteractive, {
      'content.package.type': 'scorm_2004',
      'content.load_duration_ms': 60_000,
      'error.type': 'ModuleLoadError',
    }),
    // A type no server knows is `other`, never a new label per value.
    row(E.loadInteractive, { 'content.package.type': 'made-up-123', 'content.load_duration_ms': 10 }),
    row(E.documentLoad, { 'content.document.format': 'pdf', 'content.load_duration_ms': 120 }, 'firefox'),
    row(E.documentLoad, { 'content.load_duration_ms': 40 }, 'firefox'),
  ]);
  const text = await telemetry.renderPrometheus!();
  const line = (name: string, labels: string) =>
    text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)));
  expect(
    line(
      'content_interactive_loads_total',
      'content_package_type="scorm_2004",content_load_outcome="success"',
    ),
  ).toMatch(/ 1$/);
  expect(
    line(
      'content_interactive_loads_total',
      'content_package_type="scorm_2004",content_load_outcome="failed"',
    ),
  ).toMatch(/ 1$/);
  expect(line('content_interactive_loads_total', 'content_package_type="other"')).toMatch(/ 1$/);
  expect(text).not.toContain('made-up-123');
  expect(
    line('content_document_loads_total', 'content_document_format="pdf",browser_family="firefox"'),
  ).toMatch(/ 1$/);
  expect(line('content_document_loads_total', 'content_document_format="unknown"')).toMatch(/ 1$/);
  expect(
    line(
      'content_interactive_load_duration_seconds_count',
      'content_package_type="scorm_2004",content_load_outcome="success"',
    ),
  ).toMatch(/ 1$/);
  expect(line('content_interactive_load_duration_seconds_sum', 'content_load_outcome="failed"')).toMatch(
    / 60$/,
  );
  await telemetry.shutdown();
});

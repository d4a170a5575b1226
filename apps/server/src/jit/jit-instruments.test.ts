import type { PlaybackPlan } from '@coursecast/media';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createInstrumentation } from '../instrumentation/instrumentation.js';
import { createJitSession } from './jit-session.js';
import { createJitInstruments } from './jit-instruments.js';

const plan: PlaybackPlan = {
  mode: 'transcode',
  reasons: ['ladder_not_ready', 'container_not_supported', 'video_codec_not_supported'],
  source: { container: 'mkv', videoCodec: 'hevc', audioCodec: 'aac', height: 1080, bitrate: null },
  video: { action: 'encode', codec: 'h264', height: 720, bitrate: 2_500_000, maxrate: null },
  audio: { action: 'copy', codec: 'aac', bitrate: null },
};

it('traces a session with its plan, encoder starts and moves, and records every hls metric', async () => {
  const spans = new InMemorySpanExporter();
  const telemetry = createInstrumentation(loadConfig({ env: {} }).instrumentation, 'test', {
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const jit = createJitInstruments(telemetry.tracer, telemetry.meter);
  // The playback request arrived 250 ms before the session was observed (preparation, keyframe probe).
  const requestedAt = performance.now() - 250;
  const observer = jit.observe({ id: 'ses_1', itemId: 'itm_1', plan, requestedAt });
  jit.observeActive(() => [plan]);
  let crash = true;
  const session = createJitSession({
    id: 'ses_1',
    itemId: 'itm_1',
    plan,
    segmentCount: 100,
    observer,
    lookahead: 2,
    segmentTimeoutMs: 1000,
    startEncoder: (startIndex, _gen, events) => {
      setTimeout(() => events.firstProgress(120), 1);
      setTimeout(() => {
        if (startIndex === 0 && crash) {
          crash = false;
          events.segment(0, 300);
          events.exit({ reason: 'failed', message: 'boom' });
        } else events.segment(startIndex, 200);
      }, 3);
      return { startIndex, stop: async () => {} };
    },
  });
  jit.sessionStarted(plan, 0.05);
  await session.segment(0);
  await session.segment(50);
  await session.segment(90);
  await session.end('timeout');
  await telemetry.forceFlush();

  const all = spans.getFinishedSpans();
  const root = all.find((s) => s.name === 'hls.session')!;
  // The session span starts at the request, as its start-up metrics count.
  const startMs = root.startTime[0] * 1000 + root.startTime[1] / 1e6;
  expect(Math.abs(startMs - (performance.timeOrigin + requestedAt))).toBeLessThan(2);
  expect(root.attributes).toMatchObject({
    'hls.session.id': 'ses_1',
    'content.item_id': 'itm_1',
    'hls.plan.mode': 'transcode',
    'hls.plan.reasons': ['ladder_not_ready', 'container_not_supported', 'video_codec_not_supported'],
    'content.source.codec': 'hevc',
    'content.source.container': 'mkv',
    'hls.target.height': 720,
    'hls.session.end_reason': 'timeout',
  });
  expect(root.events.map((e) => e.name)).toEqual(['hls.first_segment', 'exception', 'hls.relocate']);
  const starts = all.filter((s) => s.name === 'hls.encoder_start');
  expect(starts.map((s) => s.attributes['hls.encoder.start_segment'])).toEqual([0, 50, 90]);
  for (const s of starts) expect(s.parentSpanContext?.spanId).toBe(root.spanContext().spanId);

  const text = await telemetry.renderPrometheus!();
  for (const name of [
    'hls_session_start_duration_seconds_count{',
    'hls_session_first_segment_duration_seconds_count{',
    'hls_ffmpeg_startup_duration_seconds_count{',
    'hls_segment_generation_duration_seconds_count{',
    'hls_segment_wait_duration_seconds_count{',
  ]) {
    expect(text).toContain(name);
  }
  expect(text).toMatch(/hls_sessions_active\{[^}]*hls_plan_mode="transcode"[^}]*\} 1/);
  expect(text).toMatch(/hls_sessions_ended_total\{[^}]*hls_session_end_reason="timeout"[^}]*\} 1/);
  expect(text).toMatch(
    /hls_transcode_errors_total\{[^}]*content_source_codec="hevc"[^}]*content_source_container="mkv"[^}]*\} 1/,
  );
  // The crash came after segment 0 was written: a mid-session exit, not a startup failure.
  expect(text).toMatch(/hls_transcode_errors_total\{[^}]*error_type="ffmpeg_exit"[^}]*\} 1/);
  expect(text).not.toMatch(/error_type="ffmpeg_startup"/);
  expect(text).toMatch(/hls_sessions_started_total\{[^}]*content_source_codec="hevc"[^}]*\} 1/);
  expect(text).not.toContain('ses_1');
  await telemetry.shutdown();
});
